"""The encoder–decoder: reads a whole source, then writes a target of its own length, with attention.

The loop of PyTorch's "sequence to sequence network and attention" tutorial, on the playground's
cores: an encoder (the config's encoding, core, layers and direction) reads the source; a decoder
(the same core kind, forward only, as many layers) starts from the encoder's final state, reads
``⟨s⟩`` and then, at each step, the previous target character (teacher forcing) or its own previous
guess, and scores the typed characters and the two markers with an ``nn.Linear`` head, until it
writes ``⟨/s⟩`` (`playground.nn.seq2seq_data`).

A bidirectional encoder's two directions are added, in its outputs and in its final state (as
PyTorch's chatbot tutorial adds its encoder's outputs), so the decoder's state and the attention's
keys have ``hidden_size`` units either way; no weight is added for it.

Attention, a weight per real source character that sums to 1 (padding gets -inf before the
softmax, so exactly 0):

- ``dot`` (Luong, as the chatbot tutorial): after the decoder step, scores ``h_t · enc_s``, the
  context ``Σ_s a_s enc_s``, and the head reads ``tanh(W_c [h_t; context])``;
- ``additive`` (Bahdanau, as the translation tutorial's ``AttnDecoderRNN``): before the step,
  scores ``v · tanh(W_q h_{t-1} + W_k enc_s)`` with the top layer's previous ``h``, and the decoder
  core reads ``[input; context]``;
- ``none``: the decoder sees the source only through the state it starts from.

Modules are created in the order the reference in tests/seq2seq_reference.py creates them, so the
same seed gives both the same initial weights.
"""

from __future__ import annotations

import torch
from torch import nn

from playground.nn.cells import CELLS
from playground.nn.model import State, build_encoder, encode_indices, input_size, run_fused, run_packed
from playground.nn.rnncell_loop import loop_cells
from playground.run.config import RunConfig

MARKERS = 2  # ⟨s⟩ and ⟨/s⟩, after the typed characters


def sum_directions(state: torch.Tensor, layers: int) -> torch.Tensor:
    """A bidirectional core's (layers * 2, batch, hidden) state as (layers, batch, hidden): each layer's
    two directions added."""
    return state.view(layers, 2, *state.shape[1:]).sum(dim=1)


def top_hidden(state: State) -> torch.Tensor:
    """The top layer's h (batch, hidden) of a core's state: the hand loop's last h, nn.LSTM's h_n[-1]."""
    if isinstance(state, list):
        return state[-1]
    return (state[0] if isinstance(state, tuple) else state)[-1]


class Seq2SeqModel(nn.Module):
    """Source indices (batch, source steps) in; per decoder step, scores over the typed characters,
    ⟨s⟩ and ⟨/s⟩ (``vocab_size + 2``)."""

    def __init__(self, config: RunConfig, vocab_size: int):
        super().__init__()
        self.config = config
        self.cell = CELLS[config.cell]
        self.vocab_size = vocab_size
        self.output_size = vocab_size + MARKERS
        hidden = config.hidden_size
        self.source_encoder = build_encoder(config, vocab_size)
        self.encoder = self.cell.core(
            input_size(config, vocab_size),
            hidden,
            config.layers,
            config.bidirectional,
            config.batch_first,
            config.nonlinearity,
        )
        self.target_encoder = build_encoder(config, self.output_size)
        decoder_input = input_size(config, self.output_size)
        if config.attention == "additive":
            self.attention_query = nn.Linear(hidden, hidden)
            self.attention_keys = nn.Linear(hidden, hidden)
            self.attention_score = nn.Linear(hidden, 1)
            decoder_input += hidden  # the decoder core reads [input; context]
        self.decoder = self.cell.core(
            decoder_input, hidden, config.layers, False, config.batch_first, config.nonlinearity
        )
        if config.attention == "dot":
            self.attention_combine = nn.Linear(2 * hidden, hidden)
        self.head = nn.Linear(hidden, self.output_size)

    def _encoded(self, encoder: nn.Module | None, indices: torch.Tensor, size: int) -> torch.Tensor:
        return encode_indices(self.config.encoding, indices, size, None if encoder is None else encoder.weight)

    def encode(self, sources: torch.Tensor, lengths: torch.Tensor) -> tuple[torch.Tensor, State]:
        """The encoder's outputs (batch, source steps, hidden), zeros past each source's end, and the
        decoder's initial state: the encoder's after each source's own last character."""
        config = self.config
        inputs = self._encoded(self.source_encoder, sources, self.vocab_size)
        padded = bool((lengths != sources.shape[1]).any())
        if self.cell.hand_looped:
            return loop_cells(self.encoder, inputs, lengths if padded else None)  # batch first already
        h_0 = inputs.new_zeros(config.layers * config.num_directions, inputs.shape[0], config.hidden_size)
        state = self.cell.initial_state(h_0)
        if padded:
            outputs, state = run_packed(self.encoder, inputs, lengths, state, config.batch_first)
        else:
            outputs, state = run_fused(self.encoder, inputs, state, config.batch_first)
        if config.bidirectional:
            outputs = outputs[..., : config.hidden_size] + outputs[..., config.hidden_size :]
            state = (
                tuple(sum_directions(part, config.layers) for part in state)
                if isinstance(state, tuple)
                else sum_directions(state, config.layers)
            )
        # Batch first in memory too, whatever the core's layout: a Linear or bmm on a transposed view may take
        # another kernel, whose sums differ in their last bits.
        return outputs.contiguous(), state

    def _attend(
        self, scores: torch.Tensor, real: torch.Tensor, keys: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Softmax of (batch, source steps) ``scores`` over the real source characters, and the context
        (batch, hidden) those weights make of ``keys``."""
        weights = torch.softmax(scores.masked_fill(~real, float("-inf")), dim=-1)
        return weights, torch.bmm(weights.unsqueeze(1), keys).squeeze(1)

    def decoder_step(
        self,
        previous: torch.Tensor,
        state: State,
        keys: torch.Tensor,
        real: torch.Tensor,
    ) -> tuple[torch.Tensor, State, torch.Tensor | None]:
        """One decoder step for the batch: scores (batch, output size), the new state and the attention
        weights (batch, source steps), None without attention. ``previous`` (batch,) is the character
        read; ``real`` (batch, source steps) is False on the source's padding. Additive attention applies
        W_k to the keys at every step, as the tutorial's ``BahdanauAttention`` does: once per source would
        sum W_k's gradient in another order."""
        inputs = self._encoded(self.target_encoder, previous.unsqueeze(1), self.output_size)
        weights = None
        if self.config.attention == "additive":
            query = self.attention_query(top_hidden(state)).unsqueeze(1)
            scores = self.attention_score(torch.tanh(query + self.attention_keys(keys))).squeeze(-1)
            weights, context = self._attend(scores, real, keys)
            inputs = torch.cat([inputs, context.unsqueeze(1)], dim=-1)
        if self.cell.hand_looped:
            features, state = loop_cells(self.decoder, inputs, hidden=state)
        else:
            features, state = run_fused(self.decoder, inputs, state, self.config.batch_first)
        features = features.squeeze(1)
        if self.config.attention == "dot":
            scores = torch.bmm(keys, features.unsqueeze(-1)).squeeze(-1)
            weights, context = self._attend(scores, real, keys)
            features = torch.tanh(self.attention_combine(torch.cat([features, context], dim=-1)))
        return self.head(features), state, weights

    def forward(
        self,
        sources: torch.Tensor,
        lengths: torch.Tensor,
        decoder_inputs: torch.Tensor,
        teacher_forcing: bool = True,
    ) -> tuple[torch.Tensor, torch.Tensor | None]:
        """Scores (batch, target steps, output size) and attention weights (batch, target steps, source
        steps; None without attention) of every decoder step: each step reads the true previous
        character of ``decoder_inputs`` if ``teacher_forcing``, else the previous step's likeliest
        character (the first step reads ``decoder_inputs``' ⟨s⟩ either way)."""
        keys, state = self.encode(sources, lengths)
        real = torch.arange(sources.shape[1]) < lengths.unsqueeze(1)
        previous = decoder_inputs[:, 0]
        scores, weights = [], []
        for step in range(decoder_inputs.shape[1]):
            step_scores, state, step_weights = self.decoder_step(previous, state, keys, real)
            scores.append(step_scores)
            weights.append(step_weights)
            if step + 1 < decoder_inputs.shape[1]:
                previous = decoder_inputs[:, step + 1] if teacher_forcing else step_scores.argmax(dim=-1)
        attention = None if weights[0] is None else torch.stack(weights, dim=1)
        return torch.stack(scores, dim=1), attention

    @torch.no_grad()
    def greedy(
        self, sources: torch.Tensor, lengths: torch.Tensor, start: int, end: int, cap: int
    ) -> tuple[list[list[int]], torch.Tensor | None]:
        """Each source's decoding: from ⟨s⟩, each step reads the previous step's likeliest character,
        until it writes ``end`` or ``cap`` characters. Returns each pair's characters (without ⟨/s⟩)
        and the attention weights (batch, steps, source steps), zeros past a pair's last step (the one
        that wrote ⟨/s⟩); None without attention."""
        keys, state = self.encode(sources, lengths)
        real = torch.arange(sources.shape[1]) < lengths.unsqueeze(1)
        previous = torch.full((sources.shape[0],), start, dtype=torch.long)
        written, weights = [], []
        finished = torch.zeros(sources.shape[0], dtype=torch.bool)
        for _ in range(cap + 1):  # cap characters, then a last step that may write ⟨/s⟩
            scores, state, step_weights = self.decoder_step(previous, state, keys, real)
            previous = scores.argmax(dim=-1)
            if step_weights is not None:
                weights.append(torch.where(finished.unsqueeze(1), 0.0, step_weights))
            written.append(previous)
            finished = finished | (previous == end)
            if bool(finished.all()):
                break
        rows = torch.stack(written, dim=1).tolist()
        decoded = [(row[: row.index(end)] if end in row else row)[:cap] for row in rows]
        return decoded, None if not weights else torch.stack(weights, dim=1)
