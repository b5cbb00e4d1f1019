"""A plain PyTorch encoder–decoder, written as PyTorch's seq2seq tutorials write theirs: the reference
`playground.nn.seq2seq` and `playground.run.seq2seq_trainer` must equal bit for bit.

Only torch here, nothing of the playground: ``nn.Embedding``, an ``nn.GRU``/``nn.LSTM``/``nn.RNN``
encoder (or an ``nn.RNNCell`` loop), a decoder step loop fed the previous target character (or its
own guess), attention as a few tensor lines (dot: Luong's, as the chatbot tutorial; additive:
Bahdanau's ``Va(tanh(Wa(query) + Ua(keys)))``, as the translation tutorial's ``AttnDecoderRNN``),
``nn.CrossEntropyLoss`` and Adam. A bidirectional encoder's directions are added. Sources are of one
length (no packing); targets of any lengths, padded with -100, which the loss ignores.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F


@dataclass
class Reference:
    cell: str = "gru"  # rnncell, rnn, lstm, gru
    attention: str = "none"  # none, dot, additive
    layers: int = 1
    bidirectional: bool = False
    hidden: int = 6
    embedding: int = 5
    lr: float = 0.1
    seed: int = 777
    teacher_forcing: float = 1.0


def make_core(kind: str, input_size: int, hidden: int, layers: int, bidirectional: bool) -> nn.Module:
    if kind == "rnncell":
        return nn.ModuleList(nn.RNNCell(input_size if i == 0 else hidden, hidden) for i in range(layers))
    module = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
    return module(input_size, hidden, num_layers=layers, bidirectional=bidirectional)


def run_core(kind: str, core: nn.Module, x: torch.Tensor, hidden):
    """x is (seq, batch, features); hidden the core's state (a list of h per layer for the cell loop)."""
    if kind != "rnncell":
        return core(x, hidden)
    outputs = []
    for t in range(x.shape[0]):
        inp = x[t]
        for layer, cell in enumerate(core):
            hidden[layer] = cell(inp, hidden[layer])
            inp = hidden[layer]
        outputs.append(inp)
    return torch.stack(outputs), hidden


class ReferenceSeq2Seq(nn.Module):
    def __init__(self, ref: Reference, vocab_size: int):
        super().__init__()
        self.ref, out, H = ref, vocab_size + 2, ref.hidden
        self.src_embedding = nn.Embedding(vocab_size, ref.embedding)
        self.encoder = make_core(ref.cell, ref.embedding, H, ref.layers, ref.bidirectional)
        self.tgt_embedding = nn.Embedding(out, ref.embedding)
        if ref.attention == "additive":
            self.Wa, self.Ua, self.Va = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, 1)
        decoder_input = ref.embedding + (H if ref.attention == "additive" else 0)
        self.decoder = make_core(ref.cell, decoder_input, H, ref.layers, False)
        if ref.attention == "dot":
            self.concat = nn.Linear(2 * H, H)
        self.out = nn.Linear(H, out)

    def encode(self, src: torch.Tensor):
        """src (batch, seq) -> keys (batch, seq, H), decoder's initial state."""
        ref, batch = self.ref, src.shape[0]
        dirs = 2 if ref.bidirectional else 1
        h0 = torch.zeros(ref.layers * dirs, batch, ref.hidden)
        if ref.cell == "rnncell":
            hidden = [torch.zeros(batch, ref.hidden) for _ in range(ref.layers)]
        elif ref.cell == "lstm":
            hidden = (h0, torch.zeros_like(h0))
        else:
            hidden = h0
        # embedded as (batch, seq), then time first: the embedding's gradient sums a repeated character's rows
        # in this order, which decides its last bits
        embedded = self.src_embedding(src).transpose(0, 1)
        outputs, hidden = run_core(ref.cell, self.encoder, embedded, hidden)
        if ref.bidirectional:
            H = ref.hidden
            outputs = outputs[:, :, :H] + outputs[:, :, H:]

            def add(h):
                return h.view(ref.layers, 2, batch, H).sum(dim=1)

            hidden = tuple(add(h) for h in hidden) if ref.cell == "lstm" else add(hidden)
        return outputs.transpose(0, 1).contiguous(), hidden  # the keys, batch first in memory too

    def step(self, previous: torch.Tensor, hidden, keys: torch.Tensor, mask: torch.Tensor):
        embedded = self.tgt_embedding(previous).unsqueeze(0)  # (1, batch, E)
        weights = None
        if self.ref.attention == "additive":
            if self.ref.cell == "rnncell":
                query = hidden[-1]
            else:
                query = (hidden[0] if self.ref.cell == "lstm" else hidden)[-1]
            scores = self.Va(torch.tanh(self.Wa(query).unsqueeze(1) + self.Ua(keys))).squeeze(2)
            weights = F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
            context = torch.bmm(weights.unsqueeze(1), keys)  # (batch, 1, H)
            embedded = torch.cat((embedded, context.transpose(0, 1)), dim=2)
        output, hidden = run_core(self.ref.cell, self.decoder, embedded, hidden)
        output = output.squeeze(0)
        if self.ref.attention == "dot":
            scores = torch.bmm(keys, output.unsqueeze(2)).squeeze(2)
            weights = F.softmax(scores.masked_fill(~mask, float("-inf")), dim=-1)
            context = torch.bmm(weights.unsqueeze(1), keys).squeeze(1)
            output = torch.tanh(self.concat(torch.cat((output, context), 1)))
        return self.out(output), hidden, weights


def reference_run(ref: Reference, sources: list[str], targets: list[str], epochs: int, cap: int):
    """Train ``epochs`` epochs of one batch; after each, decode greedily. Returns per epoch the loss,
    the decoded strings and the attention weights (batch, steps, source) of the decoding. On one thread,
    as the playground trains and its exported scripts run (threads sum in another order)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _run(ref, sources, targets, epochs, cap)
    finally:
        torch.set_num_threads(threads)


def _run(ref: Reference, sources: list[str], targets: list[str], epochs: int, cap: int):
    chars = sorted(set("".join(sources + targets)))
    SOS, EOS = len(chars), len(chars) + 1
    torch.manual_seed(ref.seed)
    model = ReferenceSeq2Seq(ref, len(chars))
    optimizer = torch.optim.Adam(model.parameters(), lr=ref.lr)
    criterion = nn.CrossEntropyLoss()  # ignore_index=-100: the targets' padding
    src = torch.tensor([[chars.index(c) for c in s] for s in sources])
    mask = torch.ones(src.shape, dtype=torch.bool)
    steps = max(len(t) for t in targets) + 1
    tgt_in = torch.tensor([[SOS] + [chars.index(c) for c in t] + [EOS] * (steps - len(t) - 1) for t in targets])
    tgt_out = torch.tensor([[chars.index(c) for c in t] + [EOS] + [-100] * (steps - len(t) - 1) for t in targets])
    losses, decoded_per_epoch, attention_per_epoch = [], [], []
    for epoch in range(epochs):
        ratio = ref.teacher_forcing
        if ratio in (0.0, 1.0):
            use_teacher_forcing = ratio == 1.0
        else:
            generator = torch.Generator().manual_seed(2**40 + ref.seed + epoch)
            use_teacher_forcing = bool(torch.rand((), generator=generator) < ratio)
        keys, hidden = model.encode(src)
        previous, outputs = tgt_in[:, 0], []
        for t in range(steps):
            scores, hidden, _ = model.step(previous, hidden, keys, mask)
            outputs.append(scores)
            if t + 1 < steps:
                previous = tgt_in[:, t + 1] if use_teacher_forcing else scores.argmax(dim=-1)
        optimizer.zero_grad()
        loss = criterion(torch.stack(outputs, 1).reshape(-1, EOS + 1), tgt_out.reshape(-1))
        losses.append(loss.item())
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            keys, hidden = model.encode(src)
            previous = torch.full((len(sources),), SOS)
            done = torch.zeros(len(sources), dtype=torch.bool)
            tokens, weights = [], []
            for _ in range(cap + 1):
                scores, hidden, w = model.step(previous, hidden, keys, mask)
                previous = scores.argmax(dim=-1)
                if w is not None:
                    weights.append(torch.where(done.unsqueeze(1), 0.0, w))
                tokens.append(previous)
                done = done | (previous == EOS)
            rows = torch.stack(tokens, 1).tolist()
            shown = [*chars, "⟨s⟩", "⟨/s⟩"]
            decoded_per_epoch.append(
                tuple("".join(shown[i] for i in (r[: r.index(EOS)] if EOS in r else r)[:cap]) for r in rows)
            )
            attention_per_epoch.append(torch.stack(weights, 1) if weights else None)
    return losses, decoded_per_epoch, attention_per_epoch
