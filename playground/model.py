"""The network: input encoding, recurrent core, output head.

Modules are created in the lessons' order (encoder, then core, then head) so that with the
same seed they draw the same initial weights as the lessons' code and reproduce their
printed losses. h_0 (and c_0) are zeros, as in the lessons.
"""

from __future__ import annotations

import torch
from torch import nn

from .config import RunConfig
from .errors import PlaygroundError


def input_size(config: RunConfig, vocab_size: int) -> int:
    """Width of the vectors the recurrent core receives at each time step."""
    return vocab_size if config.encoding == "onehot" else config.embedding_size


def check_fits_vocabulary(config: RunConfig, vocab_size: int) -> None:
    """Hidden-as-logits reads the hidden state as scores over the vocabulary, so it must match."""
    if config.head != "hidden":
        return
    if config.bidirectional:
        raise PlaygroundError(
            "'Hidden state as logits' needs one score per character, but a bidirectional core "
            "outputs two hidden states per step; choose the nn.Linear head or turn off bidirectional."
        )
    if config.hidden_size != vocab_size:
        raise PlaygroundError(
            f"'Hidden state as logits' reads the hidden state as one score per character, so the "
            f"hidden size must equal the vocabulary size ({vocab_size}); it is {config.hidden_size}. "
            f"Set hidden size to {vocab_size} or choose the nn.Linear head."
        )


def _build_encoder(config: RunConfig, vocab_size: int) -> nn.Module | None:
    if config.encoding == "embedding":
        return nn.Embedding(vocab_size, config.embedding_size)
    if config.encoding == "linear":
        return nn.Linear(vocab_size, config.embedding_size, bias=False)
    return None


def _build_core(config: RunConfig, size_in: int) -> nn.Module:
    if config.cell == "rnncell":
        sizes = [size_in] + [config.hidden_size] * (config.layers - 1)
        return nn.ModuleList(
            nn.RNNCell(size, config.hidden_size, nonlinearity=config.nonlinearity) for size in sizes
        )
    common = dict(
        input_size=size_in,
        hidden_size=config.hidden_size,
        num_layers=config.layers,
        bidirectional=config.bidirectional,
        batch_first=config.batch_first,
    )
    if config.cell == "rnn":
        return nn.RNN(nonlinearity=config.nonlinearity, **common)
    if config.cell == "lstm":
        return nn.LSTM(**common)
    return nn.GRU(**common)


class RecurrentModel(nn.Module):
    """Character indices (batch, seq) in, logits (batch, seq, vocab) out."""

    def __init__(self, config: RunConfig, vocab_size: int):
        super().__init__()
        check_fits_vocabulary(config, vocab_size)
        self.config = config
        self.vocab_size = vocab_size
        self.encoder = _build_encoder(config, vocab_size)
        self.core = _build_core(config, input_size(config, vocab_size))
        self.head = (
            nn.Linear(config.hidden_size * config.num_directions, vocab_size)
            if config.head == "linear"
            else None
        )

    def encode(self, indices: torch.Tensor) -> torch.Tensor:
        """(batch, seq) indices to (batch, seq, features) inputs of the recurrent core."""
        if self.encoder is None or self.config.encoding == "linear":
            onehot = nn.functional.one_hot(indices, self.vocab_size).float()
            return onehot if self.encoder is None else self.encoder(onehot)
        return self.encoder(indices)

    def _run_cell_loop(self, inputs: torch.Tensor) -> torch.Tensor:
        """Example 12-1: one nn.RNNCell call per layer per time step, written out by hand."""
        batch = inputs.shape[0]
        hidden = [inputs.new_zeros(batch, self.config.hidden_size) for _ in self.core]
        outputs = []
        for step in range(inputs.shape[1]):
            x = inputs[:, step]
            for layer, cell in enumerate(self.core):
                hidden[layer] = cell(x, hidden[layer])
                x = hidden[layer]
            outputs.append(x)
        return torch.stack(outputs, dim=1)

    def _run_module(self, inputs: torch.Tensor) -> torch.Tensor:
        config = self.config
        batch = inputs.shape[0]
        h_0 = inputs.new_zeros(config.layers * config.num_directions, batch, config.hidden_size)
        state = (h_0, torch.zeros_like(h_0)) if config.cell == "lstm" else h_0
        if config.batch_first:
            output, _ = self.core(inputs, state)
            return output
        output, _ = self.core(inputs.transpose(0, 1), state)
        return output.transpose(0, 1)

    def forward(self, indices: torch.Tensor) -> torch.Tensor:
        inputs = self.encode(indices)
        if self.config.cell == "rnncell":
            features = self._run_cell_loop(inputs)
        else:
            features = self._run_module(inputs)
        return features if self.head is None else self.head(features)


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor, reduction: str) -> torch.Tensor:
    """Cross-entropy over every step: summed over steps (12-1) or averaged over all (12-2/12-3).

    'sum' adds, step by step, the batch-averaged loss of each time step, exactly as the
    lessons' ``loss += criterion(hidden, label)`` loop does.
    """
    if reduction == "sum":
        loss = 0
        for step in range(logits.shape[1]):
            loss = loss + nn.functional.cross_entropy(logits[:, step], targets[:, step])
        return loss
    return nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))


def build_optimizer(config: RunConfig, model: nn.Module) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    return torch.optim.Adam(model.parameters(), lr=config.lr)
