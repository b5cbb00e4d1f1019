"""The current experiment as a standalone PyTorch script in the lessons' style.

The script is written for one config only (no branches for settings it does not use), so a
learner can read it top to bottom. It must reproduce the app's numbers, so it mirrors
`playground.nn.model` exactly: modules are created in the order encoder, core, head right
after ``torch.manual_seed(seed)``; h_0 is zeros; the loss is `sequence_loss`'s; the
optimizer is `build_optimizer`'s; each epoch runs forward, zero_grad, loss, backward, step
and predicts with the argmax of the softmax of that epoch's outputs. Each epoch prints the
familiar line plus the loss's exact value (``repr``), which the tests compare to the app.

A batch of pairs of different lengths gets what the app does for it, and nothing more for one
of a single length: the data padded (targets with -100, which ``nn.CrossEntropyLoss`` ignores),
a ``lengths`` tensor, the fused core fed a packed sequence and the hand loop told each length.
"""

from __future__ import annotations

import inspect

from playground.nn.cells import CELLS
from playground.nn.data import PAD_SOURCE, PAD_TARGET
from playground.nn.rnncell_loop import loop_cells
from playground.run.config import ENCODING_LABELS, HEAD_LABELS, RunConfig
from playground.run.trainer import check_config


def script_file_name(config: RunConfig) -> str:
    return f"rnn_playground_{config.cell}_{config.encoding}.py"


def _python_list(items: list) -> str:
    return "[" + ", ".join(repr(item) for item in items) + "]"


def _data_section(config: RunConfig) -> list[str]:
    dataset = check_config(config)
    vocab = list(dataset.vocab.chars)
    lines = [
        "# Data: every character gets an index; idx2char turns indices back into characters.",
        f"idx2char = {_python_list(vocab)}",
        "",
    ]
    x_rows = dataset.source_indices.tolist()
    y_rows = dataset.target_indices.tolist()
    lines.append("x_data = [")
    for row, text in zip(x_rows, dataset.sources):
        lines.append(f"    {row},  # {text!r}")
    lines.append("]")
    lines.append("y_data = [")
    for row, text in zip(y_rows, dataset.targets):
        lines.append(f"    {row},  # {text!r}")
    lines.append("]")
    lines += [
        "",
        "inputs = torch.LongTensor(x_data)  # (batch, seq) character indices",
        "labels = torch.LongTensor(y_data)  # (batch, seq) target indices",
    ]
    if dataset.padded:
        lines += [
            "# The pairs differ in length: shorter ones are padded at the end, inputs with index "
            f"{PAD_SOURCE} and targets",
            f"# with {PAD_TARGET}, which nn.CrossEntropyLoss ignores; each pair's real length:",
            f"lengths = torch.LongTensor({list(dataset.lengths)})",
        ]
    return lines


def _settings_section(config: RunConfig, vocab_size: int) -> list[str]:
    lines = [
        "# Settings",
        f"num_classes = {vocab_size}  # vocabulary size",
    ]
    if config.encoding == "onehot":
        lines.append("input_size = num_classes  # one-hot vectors go straight into the core")
    else:
        lines.append(f"embedding_size = {config.embedding_size}")
        lines.append("input_size = embedding_size")
    if config.head == "hidden":
        lines.append("hidden_size = num_classes  # the hidden state is read as the scores")
    else:
        lines.append(f"hidden_size = {config.hidden_size}")
    lines.append(f"num_layers = {config.layers}")
    if not CELLS[config.cell].hand_looped:
        lines.append(f"num_directions = {config.num_directions}  # bidirectional={config.bidirectional}")
    lines += [
        f"learning_rate = {config.lr!r}",
        f"num_epochs = {config.epochs}",
        f"seed = {config.seed}",
    ]
    if config.clip_grad_norm:
        lines.append(f"max_grad_norm = {config.clip_grad_norm!r}  # gradient clipping")
    return lines


def _encoder_line(config: RunConfig) -> list[str]:
    if config.encoding == "embedding":
        return ["        self.encoder = nn.Embedding(num_classes, embedding_size)"]
    if config.encoding == "linear":
        return ["        self.encoder = nn.Linear(num_classes, embedding_size, bias=False)"]
    return []


def _core_lines(config: RunConfig) -> list[str]:
    cell = CELLS[config.cell]
    relu = ", nonlinearity='relu'" if config.nonlinearity == "relu" else ""
    if cell.hand_looped:
        cells = [f"{cell.module_name}(input_size, hidden_size{relu})"]
        cells += [f"{cell.module_name}(hidden_size, hidden_size{relu})"] * (config.layers - 1)
        lines = ["        # One nn.RNNCell per layer; forward() loops over time steps by hand."]
        lines.append("        self.core = nn.ModuleList([")
        lines += [f"            {cell}," for cell in cells]
        lines.append("        ])")
        return lines
    options = ["input_size=input_size", "hidden_size=hidden_size", "num_layers=num_layers"]
    if cell.takes_nonlinearity and relu:
        options.append("nonlinearity='relu'")
    options.append(f"bidirectional={config.bidirectional}")
    options.append(f"batch_first={config.batch_first}")
    return [
        f"        self.core = {cell.module_name}(",
        *[f"            {option}," for option in options],
        "        )",
    ]


def _encode_lines(config: RunConfig) -> list[str]:
    if config.encoding == "embedding":
        return ["        x = self.encoder(x)  # (batch, seq, embedding_size)"]
    lines = ["        x = nn.functional.one_hot(x, num_classes).float()  # (batch, seq, num_classes)"]
    if config.encoding == "linear":
        lines.append("        x = self.encoder(x)  # (batch, seq, embedding_size)")
    return lines


def _loop_section(config: RunConfig) -> list[str]:
    """The app's own hand-written loop (`playground.nn.rnncell_loop.loop_cells`), copied so the script runs it too."""
    if not CELLS[config.cell].hand_looped:
        return []
    return [*inspect.getsource(loop_cells).splitlines(), "", ""]


def _core_forward_lines(config: RunConfig, padded: bool) -> list[str]:
    cell = CELLS[config.cell]
    if cell.hand_looped:
        lengths = ", lengths" if padded else ""
        return [f"        out, _ = loop_cells(self.core, x{lengths})  # (batch, seq, hidden_size)"]
    lines = ["        h_0 = torch.zeros(num_layers * num_directions, x.size(0), hidden_size)"]
    state = "(h_0, torch.zeros_like(h_0))" if cell.has_cell_state else "h_0"
    if cell.has_cell_state:
        lines.append("        # nn.LSTM also carries a cell state c_0, zeros as well")
    if padded:
        return lines + _packed_lines(config, state)
    if config.batch_first:
        lines.append(f"        out, _ = self.core(x, {state})  # (batch, seq, hidden_size * num_directions)")
    else:
        lines += [
            "        # batch_first=False: the core wants (seq, batch, features)",
            f"        out, _ = self.core(x.transpose(0, 1), {state})",
            "        out = out.transpose(0, 1)  # back to (batch, seq, hidden_size * num_directions)",
        ]
    return lines


def _packed_lines(config: RunConfig, state: str) -> list[str]:
    """The fused core on a packed batch: each pair runs only up to its length (`RecurrentModel._run_packed`)."""
    batch_first = config.batch_first
    lines = [
        "        # Pack the batch so each pair runs only up to its own length (a backward direction",
        "        # then starts at the pair's last character, not on the padding); zeros come out past it.",
        "        seq_len = x.size(1)",
    ]
    if not batch_first:
        lines.append("        x = x.transpose(0, 1)  # batch_first=False: the core wants (seq, batch, features)")
    layout = f"batch_first={batch_first}"
    lines += [
        f"        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, {layout}, enforce_sorted=False)",
        f"        out, _ = self.core(packed, {state})",
        f"        out, _ = nn.utils.rnn.pad_packed_sequence(out, {layout}, total_length=seq_len)",
    ]
    if not batch_first:
        lines.append("        out = out.transpose(0, 1)  # back to (batch, seq, hidden_size * num_directions)")
    return lines


def _model_section(config: RunConfig, padded: bool) -> list[str]:
    cell = CELLS[config.cell]
    lines = [
        *_loop_section(config),
        "class Model(nn.Module):",
        f'    """{ENCODING_LABELS[config.encoding]} -> {cell.label} -> {HEAD_LABELS[config.head]}."""',
        "",
        "    def __init__(self):",
        "        super().__init__()",
        "        # Created in this order (encoder, core, head) so the seed gives the app's weights.",
        *_encoder_line(config),
        *_core_lines(config),
    ]
    if config.head == "linear":
        width = "hidden_size" if cell.hand_looped else "hidden_size * num_directions"
        lines.append(f"        self.head = nn.Linear({width}, num_classes)")
    signature = "def forward(self, x, lengths):" if padded else "def forward(self, x):"
    lines += ["", f"    {signature}", *_encode_lines(config), *_core_forward_lines(config, padded)]
    if config.head == "linear":
        lines.append("        return self.head(out)  # (batch, seq, num_classes) scores")
    else:
        lines.append("        return out  # the hidden state is the (batch, seq, num_classes) scores")
    return lines


def _loss_lines(config: RunConfig, padded: bool) -> list[str]:
    if config.loss_reduction == "sum":
        averaged = "averaged over the pairs that have a character there" if padded else "batch-averaged"
        return [
            f"    # Sum over time steps of each step's ({averaged}) cross-entropy",
            "    loss = 0",
            "    for t in range(outputs.size(1)):",
            "        loss = loss + criterion(outputs[:, t], labels[:, t])",
        ]
    return [
        "    # Cross-entropy averaged over every step of every string"
        + (" (the padding's -100 targets left out)" if padded else ""),
        "    loss = criterion(outputs.reshape(-1, num_classes), labels.reshape(-1))",
    ]


def _optimizer_line(config: RunConfig) -> str:
    if config.optimizer == "sgd":
        return f"optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum={config.momentum!r})"
    return "optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)"


def _prediction_lines(padded: bool) -> list[str]:
    if padded:
        return [
            "    # each pair's characters up to its own length: nothing is predicted on the padding",
            "    predicted = [''.join(idx2char[i] for i in row[:n]) for row, n in zip(idx.tolist(), lengths.tolist())]",
        ]
    return ["    predicted = [''.join(idx2char[i] for i in row) for row in idx.tolist()]"]


def export_script(config: RunConfig) -> str:
    """A runnable script training ``config`` exactly like the app; raises PlaygroundError."""
    dataset = check_config(config)
    pairs = ", ".join(f"{s} -> {t}" for s, t in zip(dataset.sources, dataset.targets))
    lines = [
        f'"""RNN Playground experiment: {pairs}',
        "",
        "Exported from RNN Playground; needs only PyTorch. Run it with:  python this_file.py",
        "Every printed loss equals the one the app recorded for the same settings and seed.",
        '"""',
        "",
        *(["from collections.abc import Sequence", ""] if CELLS[config.cell].hand_looped else []),
        "import torch",
        "from torch import nn",
        "",
        *_data_section(config),
        "",
        *_settings_section(config, len(dataset.vocab)),
        "",
        "",
        *_model_section(config, dataset.padded),
        "",
        "",
        "torch.set_num_threads(1)  # the app trains on one thread: more threads sum in another order",
        "torch.manual_seed(seed)  # the same seed gives the same initial weights",
        "model = Model()",
        "criterion = nn.CrossEntropyLoss()" + ("  # ignores the padding's targets (-100)" if dataset.padded else ""),
        _optimizer_line(config),
        "",
        "for epoch in range(num_epochs):",
        f"    outputs = model(inputs{', lengths' if dataset.padded else ''})  # (batch, seq, num_classes)",
        "    optimizer.zero_grad()",
        *_loss_lines(config, dataset.padded),
        "    loss.backward()",
        *(
            ["    torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_grad_norm)"]
            if config.clip_grad_norm
            else []
        ),
        "    optimizer.step()",
        "",
        "    # Prediction: the most probable character at every step",
        "    idx = torch.softmax(outputs.detach(), dim=-1).argmax(dim=-1)",
        *_prediction_lines(dataset.padded),
        "    print(f\"Predicted: {' '.join(predicted)}, Epoch [{epoch + 1}/{num_epochs}] \"",
        '          f"loss={loss.item():.4f} (exact {loss.item()!r})")',
        "",
    ]
    return "\n".join(lines)
