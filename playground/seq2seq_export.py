"""An encoder–decoder run as a standalone PyTorch script that prints the run's numbers.

The script holds the run's pairs as indices and its settings as constants, then the encoder–decoder
written out in plain PyTorch (the loop of PyTorch's seq2seq tutorials, the same tensor operations as
`playground.nn.seq2seq`, in the same order, so the same seed gives the same weights and every
printed loss and decoded string equals the run's), the training loop of
`playground.run.seq2seq_trainer` (teacher forcing drawn per batch from the epoch's own generator,
mini-batches in the epoch's own order) and, after every epoch, the greedy decoding of the shown pairs.
Its settings are variables the code reads, so one script reads the same for every core and attention.
"""

from __future__ import annotations

import inspect

from playground.nn.cells import CELLS
from playground.nn.data import PAD_SOURCE, PAD_TARGET
from playground.nn.rnncell_loop import loop_cells
from playground.nn.seq2seq_data import END, START, Seq2SeqDataset, build_seq2seq_test_dataset
from playground.run.config import RunConfig
from playground.run.limits import LIMITS
from playground.run.minibatches import SHOWN_PAIRS, in_minibatches
from playground.run.seq2seq_trainer import TEACHER_FORCING_STREAM, check_seq2seq_config


def _pairs(name: str, dataset: Seq2SeqDataset | None) -> list[str]:
    if dataset is None:
        return [f"{name} = []"]
    vocab = dataset.vocab
    rows = [
        f"    ({vocab.encode(list(s))}, {vocab.encode(list(t))}),  # {''.join(s)!r} -> {''.join(t)!r}"
        for s, t in zip(dataset.source_chars, dataset.target_chars)
    ]
    return [f"{name} = [", *rows, "]"]


MODEL = '''
def make_core(input_size, bidirectional):
    """The recurrent core: one core_module (a step) per layer looped by hand, or the fused core_module."""
    options = {"nonlinearity": nonlinearity} if takes_nonlinearity else {}
    if hand_looped:
        sizes = [input_size] + [hidden_size] * (num_layers - 1)
        return nn.ModuleList([core_module(size, hidden_size, **options) for size in sizes])
    return core_module(
        input_size=input_size,
        hidden_size=hidden_size,
        num_layers=num_layers,
        bidirectional=bidirectional,
        batch_first=batch_first,
        **options,
    )


def make_encoding(size):
    if encoding == "embedding":
        return nn.Embedding(size, embedding_size)
    if encoding == "linear":
        return nn.Linear(size, embedding_size, bias=False)
    return None  # one-hot vectors go straight into the core


def encode(module, indices, size):
    """(batch, steps) indices to (batch, steps, features) vectors."""
    if encoding == "embedding":
        return module(indices)
    onehot = nn.functional.one_hot(indices, size).float()
    return module(onehot) if encoding == "linear" else onehot


def run_core(core, x, state):
    """A fused core on (batch, steps, features), in its own layout; outputs batch first."""
    if batch_first:
        return core(x, state)
    out, state = core(x.transpose(0, 1), state)
    return out.transpose(0, 1), state


def top_hidden(state):
    """The top layer's h: the last of the hand loop's, h_n[-1] (nn.LSTM: of (h_n, c_n))."""
    if hand_looped:
        return state[-1]
    return (state[0] if has_cell_state else state)[-1]


class EncoderDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        # Created in this order so the seed gives the app's weights.
        input_size = num_classes if encoding == "onehot" else embedding_size
        self.source_encoder = make_encoding(num_classes)
        self.encoder = make_core(input_size, bidirectional)
        self.target_encoder = make_encoding(num_outputs)
        decoder_input = num_outputs if encoding == "onehot" else embedding_size
        if attention == "additive":  # Bahdanau: v . tanh(W_q h + W_k keys)
            self.attention_query = nn.Linear(hidden_size, hidden_size)
            self.attention_keys = nn.Linear(hidden_size, hidden_size)
            self.attention_score = nn.Linear(hidden_size, 1)
            decoder_input += hidden_size  # the decoder reads [character; context]
        self.decoder = make_core(decoder_input, False)
        if attention == "dot":  # Luong: tanh(W_c [h; context])
            self.attention_combine = nn.Linear(2 * hidden_size, hidden_size)
        self.head = nn.Linear(hidden_size, num_outputs)

    def encode(self, sources, lengths):
        """The encoder's outputs (the attention's keys) and its state after each source's last character."""
        x = encode(self.source_encoder, sources, num_classes)
        padded = bool((lengths != sources.size(1)).any())
        if hand_looped:
            return loop_cells(self.encoder, x, lengths if padded else None)
        h_0 = torch.zeros(num_layers * (2 if bidirectional else 1), sources.size(0), hidden_size)
        state = (h_0, torch.zeros_like(h_0)) if has_cell_state else h_0
        if padded:  # each source runs only up to its own length
            steps = x.size(1)
            if not batch_first:
                x = x.transpose(0, 1)
            packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=batch_first, enforce_sorted=False)
            out, state = self.encoder(packed, state)
            out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=batch_first, total_length=steps)
            out = out if batch_first else out.transpose(0, 1)
        else:
            out, state = run_core(self.encoder, x, state)
        if bidirectional:  # the two directions added, in the outputs and in the state

            def add(h):
                return h.view(num_layers, 2, *h.shape[1:]).sum(dim=1)

            out = out[..., :hidden_size] + out[..., hidden_size:]
            state = tuple(add(part) for part in state) if has_cell_state else add(state)
        return out.contiguous(), state

    def attend(self, scores, real, keys):
        """A weight per real source character (the padding gets -inf, so 0), and their context."""
        weights = torch.softmax(scores.masked_fill(~real, float("-inf")), dim=-1)
        return weights, torch.bmm(weights.unsqueeze(1), keys).squeeze(1)

    def step(self, previous, state, keys, real):
        """One decoder step for the batch: scores over the characters, ⟨s⟩ and ⟨/s⟩; the state; the weights."""
        x = encode(self.target_encoder, previous.unsqueeze(1), num_outputs)
        weights = None
        if attention == "additive":
            query = self.attention_query(top_hidden(state)).unsqueeze(1)
            scores = self.attention_score(torch.tanh(query + self.attention_keys(keys))).squeeze(-1)
            weights, context = self.attend(scores, real, keys)
            x = torch.cat([x, context.unsqueeze(1)], dim=-1)
        if hand_looped:
            out, state = loop_cells(self.decoder, x, hidden=state)
        else:
            out, state = run_core(self.decoder, x, state)
        out = out.squeeze(1)
        if attention == "dot":
            scores = torch.bmm(keys, out.unsqueeze(-1)).squeeze(-1)
            weights, context = self.attend(scores, real, keys)
            out = torch.tanh(self.attention_combine(torch.cat([out, context], dim=-1)))
        return self.head(out), state, weights

    def forward(self, sources, lengths, decoder_inputs, teacher_forcing=True):
        """Every decoder step's scores: each reads the true previous character, or its own last guess."""
        keys, state = self.encode(sources, lengths)
        real = torch.arange(sources.size(1)) < lengths.unsqueeze(1)
        previous, scores = decoder_inputs[:, 0], []
        for t in range(decoder_inputs.size(1)):
            step_scores, state, _ = self.step(previous, state, keys, real)
            scores.append(step_scores)
            if t + 1 < decoder_inputs.size(1):
                previous = decoder_inputs[:, t + 1] if teacher_forcing else step_scores.argmax(dim=-1)
        return torch.stack(scores, dim=1)

    @torch.no_grad()
    def greedy(self, sources, lengths):
        """Each source decoded from ⟨s⟩, feeding back the likeliest character, until ⟨/s⟩ or max_length."""
        keys, state = self.encode(sources, lengths)
        real = torch.arange(sources.size(1)) < lengths.unsqueeze(1)
        previous = torch.full((sources.size(0),), SOS)
        written, finished = [], torch.zeros(sources.size(0), dtype=torch.bool)
        for _ in range(max_length + 1):
            scores, state, _ = self.step(previous, state, keys, real)
            previous = scores.argmax(dim=-1)
            written.append(previous)
            finished = finished | (previous == EOS)
            if bool(finished.all()):
                break
        rows = [row[: row.index(EOS)] if EOS in row else row for row in torch.stack(written, dim=1).tolist()]
        return ["".join(idx2char[i] for i in row[:max_length]) for row in rows]


def batch(pairs):
    """Sources, their lengths, decoder inputs (⟨s⟩ + target) and targets (target + ⟨/s⟩), padded."""
    source_steps = max(len(source) for source, _ in pairs)
    target_steps = max(len(target) for _, target in pairs) + 1
    sources = torch.LongTensor([s + [PAD_SOURCE] * (source_steps - len(s)) for s, _ in pairs])
    lengths = torch.LongTensor([len(s) for s, _ in pairs])
    inputs = torch.LongTensor([[SOS] + t + [EOS] * (target_steps - 1 - len(t)) for _, t in pairs])
    targets = torch.LongTensor([t + [EOS] + [PAD_TARGET] * (target_steps - 1 - len(t)) for _, t in pairs])
    return sources, lengths, inputs, targets


def loss_of(scores, targets):
    if loss_reduction == "sum":  # each step's cross-entropy, averaged over the pairs still writing, summed
        loss = 0
        for t in range(scores.size(1)):
            loss = loss + criterion(scores[:, t], targets[:, t])
        return loss
    return criterion(scores.reshape(-1, num_outputs), targets.reshape(-1))  # the padding's -100 left out
'''

TRAINING = """
torch.set_num_threads(1)  # the app trains on one thread: more threads sum in another order
torch.manual_seed(seed)  # the same seed gives the same initial weights
model = EncoderDecoder()
criterion = nn.CrossEntropyLoss()  # ignores the padding's targets (-100)
if optimizer_name == "sgd":
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=momentum)
else:
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
shown = batch(pairs[:shown_pairs])
held_out = batch(test_pairs) if test_pairs else None

for epoch in range(num_epochs):
    if 0 < batch_size < len(pairs):  # mini-batches, in this epoch's own order
        order = torch.randperm(len(pairs), generator=torch.Generator().manual_seed(seed + epoch))
        batches = [batch([pairs[i] for i in rows.tolist()]) for rows in torch.split(order, batch_size)]
    else:
        batches = [batch(pairs)]
    if teacher_forcing in (0.0, 1.0):
        forced = [teacher_forcing == 1.0] * len(batches)
    else:  # one draw per batch, from this epoch's own generator
        generator = torch.Generator().manual_seed(teacher_forcing_stream + seed + epoch)
        forced = [bool(torch.rand((), generator=generator) < teacher_forcing) for _ in batches]
    losses = []
    for (sources, lengths, inputs, targets), teacher in zip(batches, forced):
        scores = model(sources, lengths, inputs, teacher)
        optimizer.zero_grad()
        loss = loss_of(scores, targets)
        losses.append(loss.item())
        loss.backward()
        if max_grad_norm > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=max_grad_norm)
        optimizer.step()
    epoch_loss = losses[0] if len(losses) == 1 else math.fsum(losses) / len(losses)
    decoded = model.greedy(shown[0], shown[1])
    line = f"Predicted: {' '.join(decoded)}, Epoch [{epoch + 1}/{num_epochs}] "
    line += f"loss={epoch_loss:.4f} (exact {epoch_loss!r})"
    if held_out is not None:  # held-out pairs, teacher-forced, with the weights after this epoch
        with torch.no_grad():
            test_loss = loss_of(model(held_out[0], held_out[1], held_out[2]), held_out[3]).item()
        line += f" test_loss={test_loss:.4f} (exact {test_loss!r})"
    print(line)
"""


def seq2seq_script(config: RunConfig) -> str:
    """A runnable script training the encoder–decoder ``config`` exactly like the app; raises PlaygroundError."""
    dataset = check_seq2seq_config(config)
    test = build_seq2seq_test_dataset(config, dataset.vocab)
    vocab = list(dataset.vocab.chars)
    pairs = ", ".join(f"{s} -> {t}" for s, t in zip(dataset.sources, dataset.targets))
    shown = SHOWN_PAIRS if in_minibatches(config, dataset.batch_size) else dataset.batch_size
    core = CELLS[config.cell]
    settings = {
        # What the script's code asks of its core, from the app's registry of cores (`playground.nn.cells`).
        "hand_looped": core.hand_looped,
        "has_cell_state": core.has_cell_state,
        "takes_nonlinearity": core.takes_nonlinearity,
        "encoding": config.encoding,
        "embedding_size": config.embedding_size,
        "hidden_size": config.hidden_size,
        "num_layers": config.layers,
        "bidirectional": config.bidirectional,
        "batch_first": config.batch_first,
        "nonlinearity": config.nonlinearity,
        "attention": config.attention,
        "teacher_forcing": config.teacher_forcing,
        "loss_reduction": config.loss_reduction,
        "optimizer_name": config.optimizer,
        "learning_rate": config.lr,
        "momentum": config.momentum,
        "max_grad_norm": config.clip_grad_norm,
        "num_epochs": config.epochs,
        "batch_size": config.batch_size,
        "seed": config.seed,
        "max_length": LIMITS.max_string_length,
        "shown_pairs": shown,
        "teacher_forcing_stream": TEACHER_FORCING_STREAM,
        "PAD_SOURCE": PAD_SOURCE,
        "PAD_TARGET": PAD_TARGET,
    }
    lines = [
        f'"""RNN Playground encoder–decoder: {pairs}',
        "",
        "Exported from RNN Playground; needs only PyTorch. Run it with:  python this_file.py",
        "Every printed loss and decoded string equals the one the app recorded for the same settings and seed.",
        '"""',
        "",
        "import math",
        "from collections.abc import Sequence",
        "",
        "import torch",
        "from torch import nn",
        "",
        "# Data: the typed characters' indices; the decoder's start and end markers come after them.",
        f"idx2char = {vocab + [START, END]!r}",
        f"num_classes = {len(vocab)}  # typed characters: the encoder reads these",
        "SOS, EOS = num_classes, num_classes + 1",
        "num_outputs = num_classes + 2  # the decoder reads and scores the characters, ⟨s⟩ and ⟨/s⟩",
        *_pairs("pairs", dataset),
        *_pairs("test_pairs", test),
        "",
        "# Settings",
        *[f"{name} = {value!r}" for name, value in settings.items()],
        f"core_module = {core.module_name}",
        "",
        "",
        *inspect.getsource(loop_cells).splitlines(),
        *MODEL.splitlines(),
        *TRAINING.splitlines(),
    ]
    return "\n".join(lines) + "\n"
