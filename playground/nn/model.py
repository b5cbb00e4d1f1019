"""The network: input encoding, recurrent core, output head.

Modules are created in the lessons' order (encoder, then core, then head) so that with the
same seed they draw the same initial weights as the lessons' code and reproduce their
printed losses. h_0 (and c_0) are zeros, as in the lessons.

A batch of pairs of different lengths (`data.Dataset.padded`) is run so that each pair's
outputs are those of the pair alone: the fused modules get a `pack_padded_sequence` (a
bidirectional core's backward direction then starts at each pair's own last character, not on
the padding), the hand-written loop holds each pair's state past its end. A batch of one length
takes neither path, so its numbers stay those of the lessons bit for bit.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from playground.nn.cells import CELLS
from playground.nn.data import PAD_TARGET
from playground.nn.rnncell_loop import loop_cells
from playground.run.config import RunConfig
from playground.run.errors import PlaygroundError

# A core's state between calls: nn.RNN's and nn.GRU's h, nn.LSTM's (h, c), the hand loop's h of each layer.
State = torch.Tensor | tuple[torch.Tensor, torch.Tensor] | list[torch.Tensor]


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


def build_encoder(config: RunConfig, vocab_size: int) -> nn.Module | None:
    if config.encoding == "embedding":
        return nn.Embedding(vocab_size, config.embedding_size)
    if config.encoding == "linear":
        return nn.Linear(vocab_size, config.embedding_size, bias=False)
    return None


def encode_indices(encoding: str, indices: torch.Tensor, vocab_size: int, weight: torch.Tensor | None) -> torch.Tensor:
    """(batch, seq) indices to the (batch, seq, features) inputs of the recurrent core.

    ``weight`` is the encoder's (the model's own, or a recorded snapshot of it): an
    Embedding picks its rows, a bias-free Linear multiplies the one-hot vectors by it.
    These are the very calls `nn.Embedding` and `nn.Linear` make, so both paths agree bit for bit.
    """
    if encoding == "embedding":
        return F.embedding(indices, weight)
    onehot = F.one_hot(indices, vocab_size).float()
    return F.linear(onehot, weight) if encoding == "linear" else onehot


def run_packed(
    core: nn.Module, inputs: torch.Tensor, lengths: torch.Tensor, state: State, batch_first: bool
) -> tuple[torch.Tensor, State]:
    """A fused core on (batch, seq, features) ``inputs``, each pair only up to its length: the outputs
    and the state after each pair's own last character (both directions').

    ``batch_first`` is the core's own layout. Outputs (batch first) past a pair's length are
    zeros, as ``pad_packed_sequence`` fills them.
    """
    seq_len = inputs.shape[1]
    if not batch_first:
        inputs = inputs.transpose(0, 1)
    packed = pack_padded_sequence(inputs, lengths, batch_first=batch_first, enforce_sorted=False)
    output, state = core(packed, state)
    output, _ = pad_packed_sequence(output, batch_first=batch_first, total_length=seq_len)
    return output if batch_first else output.transpose(0, 1), state


def run_fused(core: nn.Module, inputs: torch.Tensor, state: State, batch_first: bool) -> tuple[torch.Tensor, State]:
    """A fused core on (batch, seq, features) ``inputs`` of one length, in the core's own layout:
    the outputs (batch first) and the state after the last step."""
    if batch_first:
        return core(inputs, state)
    features, state = core(inputs.transpose(0, 1), state)
    return features.transpose(0, 1), state


class RecurrentModel(nn.Module):
    """Character indices (batch, seq) in, logits (batch, seq, vocab) out."""

    def __init__(self, config: RunConfig, vocab_size: int):
        super().__init__()
        check_fits_vocabulary(config, vocab_size)
        self.config = config
        self.cell = CELLS[config.cell]
        self.vocab_size = vocab_size
        self.encoder = build_encoder(config, vocab_size)
        self.core = self.cell.core(
            input_size(config, vocab_size),
            config.hidden_size,
            config.layers,
            config.bidirectional,
            config.batch_first,
            config.nonlinearity,
        )
        self.head = (
            nn.Linear(config.hidden_size * config.num_directions, vocab_size) if config.head == "linear" else None
        )

    def encode(self, indices: torch.Tensor) -> torch.Tensor:
        """(batch, seq) indices to (batch, seq, features) inputs of the recurrent core."""
        weight = None if self.encoder is None else self.encoder.weight
        return encode_indices(self.config.encoding, indices, self.vocab_size, weight)

    def _zero_state(self, inputs: torch.Tensor) -> State:
        """h_0 (and c_0) zeros for the batch of ``inputs``, as in the lessons."""
        config = self.config
        h_0 = inputs.new_zeros(config.layers * config.num_directions, inputs.shape[0], config.hidden_size)
        return self.cell.initial_state(h_0)

    def _scores(self, features: torch.Tensor) -> torch.Tensor:
        return features if self.head is None else self.head(features)

    def run(self, indices: torch.Tensor, state: State | None = None) -> tuple[torch.Tensor, torch.Tensor, State]:
        """Pairs of one length from ``state`` (None: zeros): the scores (batch, seq, vocab), the top
        layer's h at every step (batch, seq, hidden) and the state after the last step.

        The state is the core's own (the fused module's h_n, or (h_n, c_n); the hand loop's list of
        each layer's h), so a text read or written a piece at a time carries it from call to call
        (`playground.run.sampling`).
        """
        inputs = self.encode(indices)
        if self.cell.hand_looped:
            features, state = loop_cells(self.core, inputs, hidden=state)
            return self._scores(features), features, state
        if state is None:
            state = self._zero_state(inputs)
        features, state = run_fused(self.core, inputs, state, self.config.batch_first)
        return self._scores(features), features, state

    def forward(self, indices: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        """``lengths`` (batch,) only for a batch of pairs of different lengths (see the module's docstring)."""
        if lengths is None:
            return self.run(indices)[0]
        inputs = self.encode(indices)
        if self.cell.hand_looped:
            features = loop_cells(self.core, inputs, lengths)[0]
        else:
            features = run_packed(self.core, inputs, lengths, self._zero_state(inputs), self.config.batch_first)[0]
        return self._scores(features)


def sequence_loss(logits: torch.Tensor, targets: torch.Tensor, reduction: str) -> torch.Tensor:
    """Cross-entropy over every real step: summed over steps (12-1) or averaged over all (12-2/12-3).

    'sum' adds, step by step, the batch-averaged loss of each time step, exactly as the
    lessons' ``loss += criterion(hidden, label)`` loop does. Padded targets (`PAD_TARGET`, the
    index cross-entropy ignores by default) count nowhere: 'mean' averages over the real
    positions only, and each step of 'sum' over the pairs that still have a character there.
    """
    if reduction == "sum":
        loss = 0
        for step in range(logits.shape[1]):
            loss = loss + F.cross_entropy(logits[:, step], targets[:, step], ignore_index=PAD_TARGET)
        return loss
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=PAD_TARGET)


def build_optimizer(config: RunConfig, model: nn.Module) -> torch.optim.Optimizer:
    if config.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=config.lr, momentum=config.momentum)
    return torch.optim.Adam(model.parameters(), lr=config.lr)
