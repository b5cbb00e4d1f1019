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

Held-out pairs (`RunConfig.test_sources`) get their own tensors and, after every update, an
evaluation under ``torch.no_grad()`` with the same loss; the line then ends with the test loss and its
exact value too, which equals the app's `EpochRecord.test_loss` bit for bit. When only one of the two
sets is padded, ``forward`` takes ``lengths=None`` and packs only when it is given.

A run in mini-batches (`playground.run.minibatches`) embeds its data as it was given (its own text,
cut into windows by the script, or its pairs), within the caps, so the script still runs alone:
each epoch draws the app's order (``torch.randperm`` seeded by seed + epoch), steps once per batch
(each cut to its own longest pair, packed when its lengths differ), prints the mean of the batches'
losses and predicts the pairs the app shows with the weights after the epoch.
"""

from __future__ import annotations

import inspect

from playground.nn.cells import CELLS
from playground.nn.data import PAD_SOURCE, PAD_TARGET, Dataset, build_test_dataset
from playground.nn.rnncell_loop import loop_cells
from playground.run.config import ENCODING_LABELS, HEAD_LABELS, RunConfig
from playground.run.errors import PlaygroundError
from playground.run.minibatches import SHOWN_PAIRS, in_minibatches
from playground.run.sampling import SampleSettings, check_sample, draw
from playground.run.trainer import check_config
from playground.seq2seq_export import seq2seq_script


def script_file_name(config: RunConfig) -> str:
    return f"rnn_playground_{config.cell}_{config.encoding}.py"


def _python_list(items: list) -> str:
    return "[" + ", ".join(repr(item) for item in items) + "]"


def _rows(name: str, rows: list[list[int]], texts: tuple[str, ...]) -> list[str]:
    return [f"{name} = [", *[f"    {row},  # {text!r}" for row, text in zip(rows, texts)], "]"]


def _data_section(dataset: Dataset, test: Dataset | None) -> list[str]:
    lines = [
        "# Data: every character gets an index; idx2char turns indices back into characters.",
        f"idx2char = {_python_list(list(dataset.vocab.chars))}",
        "",
        *_rows("x_data", dataset.source_indices.tolist(), dataset.sources),
        *_rows("y_data", dataset.target_indices.tolist(), dataset.targets),
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
    return lines + _test_data_lines(test)


def _test_data_lines(test: Dataset | None) -> list[str]:
    """The held-out pairs' tensors (nothing without them)."""
    if test is None:
        return []
    lines = [
        "",
        "# Held-out pairs: never trained on, measured after every update (same vocabulary)",
        *_rows("test_x_data", test.source_indices.tolist(), test.sources),
        *_rows("test_y_data", test.target_indices.tolist(), test.targets),
        "test_inputs = torch.LongTensor(test_x_data)",
        "test_labels = torch.LongTensor(test_y_data)",
    ]
    if test.padded:
        lines += [
            f"# padded like the training pairs (inputs {PAD_SOURCE}, targets {PAD_TARGET}); each pair's real length:",
            f"test_lengths = torch.LongTensor({list(test.lengths)})",
        ]
    return lines


TEXT_LINE_CHARACTERS = 100  # an embedded text's characters per line of the script
LIST_LINE_ITEMS = 16  # an embedded list's characters (or pairs) per line


def _wrapped(name: str, items: list[str], per_line: int, opening: str, closing: str) -> list[str]:
    """``name = <opening> items... <closing>`` over lines of ``per_line`` items."""
    chunks = [items[start : start + per_line] for start in range(0, len(items), per_line)]
    return [f"{name} = {opening}", *[f"    {' '.join(chunk)}" for chunk in chunks], closing]


def _own_data_section(config: RunConfig, data: Dataset) -> list[str]:
    """A run in mini-batches: its text (cut into windows here) or its pairs, as given, then encoded.

    Where every character is one code point the data is plain strings; otherwise (an emoji with a
    modifier is one character of several) lists of the app's characters, so ``for c in ...`` and
    slicing read the very characters the app did.
    """
    single = all(len(char) == 1 for char in data.vocab.chars)
    if config.text:
        characters = [char for chars in data.source_chars for char in chars[: config.window]]
        characters.append(data.target_chars[-1][-1])  # the text's last character: only a target
        if single:
            text = "".join(characters)
            chunks = [text[start : start + TEXT_LINE_CHARACTERS] for start in range(0, len(text), TEXT_LINE_CHARACTERS)]
            lines = [f"# Data: your own text, {len(characters)} characters", "characters = ("]
            lines += [f"    {chunk!r}" for chunk in chunks] + [")"]
        else:
            items = [f"{char!r}," for char in characters]
            lines = [
                f"# Data: your own text, {len(characters)} characters (some are several code points, so listed)",
                *_wrapped("characters", items, LIST_LINE_ITEMS, "[", "]"),
            ]
        lines += [
            f"window = {config.window}",
            "# Each window reads `window` characters and predicts each one's successor; windows start `window`",
            "# apart, so one epoch reads the text once (a last piece of a single character holds no pair).",
            "pieces = [characters[start : start + window + 1] for start in range(0, len(characters), window)]",
            "pairs = [(piece[:-1], piece[1:]) for piece in pieces if len(piece) >= 2]",
        ]
    else:
        where = f" from {config.data_file}" if config.data_file else ""

        def literal(chars: tuple[str, ...]) -> str:
            return repr("".join(chars)) if single else _python_list(list(chars))

        items = [f"({literal(s)}, {literal(t)})," for s, t in zip(data.source_chars, data.target_chars)]
        lines = [f"# Data: {len(items)} string pairs{where}", *_wrapped("pairs", items, 1, "[", "]")]
    return lines + [
        "",
        "# Every character gets an index; idx2char turns indices back into characters.",
        f"idx2char = {_python_list(list(data.vocab.chars))}",
        "char2idx = {char: index for index, char in enumerate(idx2char)}",
        f"# Every pair padded to the longest: inputs with index {PAD_SOURCE}, targets with {PAD_TARGET}, which",
        "# nn.CrossEntropyLoss ignores; a batch is then cut to its own longest pair.",
        "longest = max(len(source) for source, _ in pairs)",
        "",
        "",
        "def padded(chars, pad):",
        "    return [char2idx[c] for c in chars] + [pad] * (longest - len(chars))",
        "",
        "",
        f"inputs = torch.LongTensor([padded(source, {PAD_SOURCE}) for source, _ in pairs])",
        f"labels = torch.LongTensor([padded(target, {PAD_TARGET}) for _, target in pairs])",
        "lengths = torch.LongTensor([len(source) for source, _ in pairs])",
        "",
        "",
        "def batch(rows):",
        '    """The pairs at rows, cut to their longest; their lengths only when they differ (then packed)."""',
        "    n = lengths[rows]",
        "    longest = int(n.max())",
        "    return inputs[rows, :longest], labels[rows, :longest], (n if bool((n != longest).any()) else None)",
        "",
        "",
        f"# The pairs the app shows (its first {SHOWN_PAIRS}): predicted after every epoch",
        f"shown = torch.arange({min(SHOWN_PAIRS, data.batch_size)})",
        "shown_inputs, _, shown_lengths = batch(shown)",
    ]


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


def _optional_packing_lines(config: RunConfig) -> list[str]:
    """A fused core's forward when one set of pairs is padded and the other not: pack only with lengths."""

    def indented(lines: list[str]) -> list[str]:
        return ["    " + line for line in lines]

    return [
        "        if lengths is None:",
        *indented(_core_forward_lines(config, False)),
        "        else:",
        *indented(_core_forward_lines(config, True)),
    ]


def _step_method(config: RunConfig) -> list[str]:
    """Model.step for writing: one character in, its scores out, the state carried (`RecurrentModel.run`)."""
    if CELLS[config.cell].hand_looped:
        core = ["        out, state = loop_cells(self.core, x, hidden=state)  # each layer's h carried on"]
    else:
        core = ["        out, state = self.core(x, state)  # one step of one string: the same in either layout"]
    scores = "self.head(out)" if config.head == "linear" else "out"
    return [
        "",
        "    def step(self, x, state):",
        '        """One character (1, 1) in, its scores (num_classes,) out, the state carried on (None: zeros)."""',
        *_encode_lines(config),
        *core,
        f"        return {scores}[0, -1], state",
    ]


def _sample_section(prime: list[int], settings: SampleSettings) -> list[str]:
    """Writing after training: the app's own `draw` (`playground.run.sampling`), copied, fed its draws back."""
    return [
        "",
        "",
        "# Writing: the trained network reads the prime, then draws each next character and reads it back,",
        "# carrying its state. draw() is the app's own (softmax of scores / temperature over the top_k",
        "# likeliest, one torch.multinomial draw; temperature 0 takes the likeliest).",
        *inspect.getsource(draw).splitlines(),
        "",
        "",
        f"prime = {prime}  # {settings.prime!r}",
        f"sample_length = {settings.length}",
        f"temperature = {settings.temperature!r}",
        f"top_k = {settings.top_k}  # 0: all characters",
        f"generator = torch.Generator().manual_seed({settings.seed})  # the same seed writes the same text",
        "written = ''",
        "state = None",
        "with torch.no_grad():",
        "    for index in prime:",
        "        scores, state = model.step(torch.LongTensor([[index]]), state)",
        "    for _ in range(sample_length):",
        "        index, _ = draw(scores, temperature, top_k, generator)",
        "        written += idx2char[index]",
        "        scores, state = model.step(index.view(1, 1), state)",
        "print(''.join(idx2char[i] for i in prime) + written)",
    ]


def _model_section(config: RunConfig, padded: bool, optional_lengths: bool = False, writes: bool = False) -> list[str]:
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
    if optional_lengths:  # one set of pairs padded, the other not
        signature = "def forward(self, x, lengths=None):"
        core = _core_forward_lines(config, True) if cell.hand_looped else _optional_packing_lines(config)
    else:
        signature = "def forward(self, x, lengths):" if padded else "def forward(self, x):"
        core = _core_forward_lines(config, padded)
    lines += ["", f"    {signature}", *_encode_lines(config), *core]
    if config.head == "linear":
        lines.append("        return self.head(out)  # (batch, seq, num_classes) scores")
    else:
        lines.append("        return out  # the hidden state is the (batch, seq, num_classes) scores")
    return lines + (_step_method(config) if writes else [])


def _loss_lines(config: RunConfig, padded: bool, prefix: str = "", indent: str = "    ") -> list[str]:
    """The loss of ``{prefix}outputs`` against ``{prefix}labels`` as ``{prefix}loss`` (``test_``: held-out)."""
    outputs, labels, loss = f"{prefix}outputs", f"{prefix}labels", f"{prefix}loss"
    if config.loss_reduction == "sum":
        averaged = "averaged over the pairs that have a character there" if padded else "batch-averaged"
        lines = [
            f"# Sum over time steps of each step's ({averaged}) cross-entropy",
            f"{loss} = 0",
            f"for t in range({outputs}.size(1)):",
            f"    {loss} = {loss} + criterion({outputs}[:, t], {labels}[:, t])",
        ]
    else:
        lines = [
            "# Cross-entropy averaged over every step of every string"
            + (" (the padding's -100 targets left out)" if padded else ""),
            f"{loss} = criterion({outputs}.reshape(-1, num_classes), {labels}.reshape(-1))",
        ]
    return [indent + line for line in lines]


def _evaluation_lines(config: RunConfig, test: Dataset | None) -> list[str]:
    """The held-out pairs' loss with the weights after this epoch's update (nothing without them)."""
    if test is None:
        return []
    return [
        "",
        "    # Held-out pairs: the weights after this update, without gradients",
        "    with torch.no_grad():",
        f"        test_outputs = model(test_inputs{', test_lengths' if test.padded else ''})",
        *_loss_lines(config, test.padded, prefix="test_", indent="        "),
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


def _clip_line(config: RunConfig, indent: str) -> list[str]:
    if not config.clip_grad_norm:
        return []
    return [f"{indent}torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_grad_norm)"]


def _print_lines(loss: str, test: Dataset | None) -> list[str]:
    """The epoch's line: predictions, epoch, the loss ``loss`` (an expression) and the test loss."""
    lines = ["    print(f\"Predicted: {' '.join(predicted)}, Epoch [{epoch + 1}/{num_epochs}] \""]
    if test is None:
        return lines + [f'          f"loss={{{loss}:.4f}} (exact {{{loss}!r}})")']
    return lines + [
        f'          f"loss={{{loss}:.4f}} (exact {{{loss}!r}}) "',
        '          f"test_loss={test_loss.item():.4f} (exact {test_loss.item()!r})")',
    ]


def _one_batch_loop(config: RunConfig, dataset: Dataset, test: Dataset | None) -> list[str]:
    """Every pair in one forward/backward/update per epoch, as the lessons do."""
    return [
        "for epoch in range(num_epochs):",
        f"    outputs = model(inputs{', lengths' if dataset.padded else ''})  # (batch, seq, num_classes)",
        "    optimizer.zero_grad()",
        *_loss_lines(config, dataset.padded),
        "    loss.backward()",
        *_clip_line(config, "    "),
        "    optimizer.step()",
        *_evaluation_lines(config, test),
        "",
        "    # Prediction: the most probable character at every step",
        "    idx = torch.softmax(outputs.detach(), dim=-1).argmax(dim=-1)",
        *_prediction_lines(dataset.padded),
        *_print_lines("loss.item()", test),
    ]


def _minibatch_loop(config: RunConfig, test: Dataset | None) -> list[str]:
    """One step per batch in each epoch's own order; then the shown pairs with the new weights."""
    return [
        "for epoch in range(num_epochs):",
        "    # This epoch's order: a generator of its own, seeded by seed + epoch (the app's very batches)",
        "    order = torch.randperm(len(pairs), generator=torch.Generator().manual_seed(seed + epoch))",
        "    batch_losses = []",
        "    for rows in torch.split(order, batch_size):  # the last batch may be smaller",
        "        batch_inputs, batch_labels, batch_lengths = batch(rows)",
        "        batch_outputs = model(batch_inputs, batch_lengths)",
        "        optimizer.zero_grad()",
        *_loss_lines(config, True, prefix="batch_", indent="        "),
        "        batch_loss.backward()",
        *_clip_line(config, "        "),
        "        optimizer.step()",
        "        batch_losses.append(batch_loss.item())",
        "    loss = math.fsum(batch_losses) / len(batch_losses)  # the epoch's loss: the mean of its batches'",
        *_evaluation_lines(config, test),
        "",
        "    # Prediction: the shown pairs with the weights after the epoch, the most probable character",
        "    with torch.no_grad():",
        "        idx = torch.softmax(model(shown_inputs, shown_lengths), dim=-1).argmax(dim=-1)",
        "    rows = zip(idx.tolist(), lengths[shown].tolist())",
        "    predicted = [''.join(idx2char[i] for i in row[:n]) for row, n in rows]  # up to each pair's length",
        *_print_lines("loss", test),
    ]


def _title(config: RunConfig, dataset: Dataset, minibatches: bool) -> str:
    """What the script trains on, for its first line."""
    if not minibatches:
        return ", ".join(f"{s} -> {t}" for s, t in zip(dataset.sources, dataset.targets))
    data = "your own text" if config.text else f"{dataset.batch_size} string pairs"
    where = f" from {config.data_file}" if config.data_file else ""
    return f"{data}{where}, in mini-batches of {config.batch_size}"


def export_script(config: RunConfig, writing: SampleSettings | None = None) -> str:
    """A runnable script training ``config`` exactly like the app, then, with ``writing``, printing
    the text `playground.run.sampling.sample` writes; raises PlaygroundError. An encoder–decoder's script
    is `playground.seq2seq_export`'s."""
    if config.architecture == "seq2seq":
        if writing is not None:
            raise PlaygroundError(
                "The encoder–decoder's exported script trains and decodes but does not sample yet; "
                "python -m playground sample --architecture seq2seq --prime SOURCE does: leave out --sample-prime."
            )
        return seq2seq_script(config)
    dataset = check_config(config)
    prime = None if writing is None else check_sample(config, dataset.vocab, writing)
    test = build_test_dataset(config, dataset.vocab)
    minibatches = in_minibatches(config, dataset.batch_size)
    if minibatches:  # batches may be padded or not: forward packs only when given lengths
        padded, optional_lengths = True, True
        data = _own_data_section(config, dataset) + _test_data_lines(test)
        loop = _minibatch_loop(config, test)
    else:
        padded = dataset.padded or (test is not None and test.padded)
        optional_lengths = padded and not (dataset.padded and (test is None or test.padded))
        data = _data_section(dataset, test)
        loop = _one_batch_loop(config, dataset, test)
    batch_size = [f"batch_size = {config.batch_size}  # pairs per optimizer step"] if minibatches else []
    lines = [
        f'"""RNN Playground experiment: {_title(config, dataset, minibatches)}',
        "",
        "Exported from RNN Playground; needs only PyTorch. Run it with:  python this_file.py",
        "Every printed loss equals the one the app recorded for the same settings and seed.",
        '"""',
        "",
        *(["from collections.abc import Sequence", ""] if CELLS[config.cell].hand_looped else []),
        *(["import math", ""] if minibatches else []),
        "import torch",
        "from torch import nn",
        "",
        *data,
        "",
        *_settings_section(config, len(dataset.vocab)),
        *batch_size,
        "",
        "",
        *_model_section(config, padded, optional_lengths, writes=writing is not None),
        "",
        "",
        "torch.set_num_threads(1)  # the app trains on one thread: more threads sum in another order",
        "torch.manual_seed(seed)  # the same seed gives the same initial weights",
        "model = Model()",
        "criterion = nn.CrossEntropyLoss()" + ("  # ignores the padding's targets (-100)" if padded else ""),
        _optimizer_line(config),
        "",
        *loop,
        *([] if writing is None else _sample_section(prime, writing)),
        "",
    ]
    return "\n".join(lines)
