"""The lessons' experiments, one click away.

Each preset is a `RunConfig` with the lesson's own settings: vocabulary order, sizes, loss
reduction, optimizer, learning rate, epochs, and seed 777. Lecture 12 (lesson 000) fixes
that seed, so its three hihell→ihello presets print the lesson's very numbers; the other
lessons are not seeded and are reproduced in behaviour (they reach the target in time). The
next two, memorise and generalise, are a generated task with held-out pairs; the last, story,
learns to write a short story shipped with the app (`STORY`), in mini-batches of its windows.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from playground.lessons.tasks import TaskOptions, task_config
from playground.nn.data_files import read_text
from playground.run.config import RunConfig
from playground.run.limits import Limits

TEXTS = Path(__file__).parent / "text"  # texts written for the project, shipped with it

HELLO_STRINGS = dict(sources=("hello",), targets=("ohlol",), vocab="ehlo")
BATCH_FIRST = dict(batch_first=True)  # the lessons that pass (batch, seq, feature)
HIHELL = dict(sources=("hihell",), targets=("ihello",), vocab="hielo")
# Learned or memorised: bracket depth of 16-character strings by the task's LSTM (16 units, 150 epochs),
# with 32 held-out strings. On 4 training strings it gets them all right and about two thirds of the
# held-out characters; on 64 it gets the held-out ones right too (tests/test_held_out_lessons.py).
HELD_OUT_TASK, HELD_OUT_LENGTH = "brackets", 16


def bundled_text(name: str) -> str:
    """A text of `TEXTS` as an upload of it reads (one line); under the default caps, so a host's lower
    cap refuses the preset's run with its sentence rather than the import."""
    with (TEXTS / name).open("rb") as stream:
        return read_text(stream, name, Limits())


# Every text shipped with the app, by its file's stem: the name a link gives it (`bundled_text_name`), so a
# link to a run on a shipped text carries the run whole, where a learner's own text cannot travel.
BUNDLED_TEXTS: dict[str, str] = {path.stem: bundled_text(path.name) for path in sorted(TEXTS.glob("*.txt"))}
# A story written for the project: 3 600 characters of plain English whose phrases recur ("I will follow
# the light and I will come home"), so a small network learns to write it in seconds.
STORY = BUNDLED_TEXTS["the_little_lighthouse"]


def bundled_text_name(text: str) -> str | None:
    """The name of the shipped text that ``text`` is, or None for any other text."""
    return next((name for name, bundled in BUNDLED_TEXTS.items() if bundled == text), None)


@dataclass(frozen=True)
class Preset:
    name: str
    title: str
    description: str
    config: RunConfig


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "hihell-per-step",
            "hihell → ihello, one step at a time",
            "Lecture 12: the RNN is fed one character per call and the six per-step losses are "
            "summed. Prints the lesson's losses (10.155, 9.137, …); first right at epoch 12.",
            RunConfig(
                **HIHELL,
                cell="rnncell",
                encoding="onehot",
                head="hidden",
                hidden_size=5,
                **BATCH_FIRST,
                loss_reduction="sum",
                lr=0.1,
                epochs=100,
            ),
        ),
        Preset(
            "hihell-sequence",
            "hihell → ihello, whole sequence",
            "Lecture 12: nn.RNN takes the whole sequence at once; the loss is averaged over the "
            "six steps. Prints the lesson's losses (1.693, 1.523, …); first right at epoch 12.",
            RunConfig(
                **HIHELL,
                cell="rnn",
                encoding="onehot",
                head="hidden",
                hidden_size=5,
                **BATCH_FIRST,
                loss_reduction="mean",
                lr=0.1,
                epochs=100,
            ),
        ),
        Preset(
            "hihell-embedding",
            "hihell → ihello, Embedding + RNN + Linear",
            "Lecture 12: an nn.Embedding(5, 10) feeds the RNN and a Linear layer turns hidden "
            "states into scores. Prints the lesson's losses (1.768, 1.396, …); right at epoch 4.",
            RunConfig(
                **HIHELL,
                cell="rnn",
                encoding="embedding",
                embedding_size=10,
                head="linear",
                hidden_size=5,
                **BATCH_FIRST,
                loss_reduction="mean",
                lr=0.1,
                epochs=100,
            ),
        ),
        Preset(
            "batch-of-three",
            "A batch of three strings",
            "Lecture 12 batches 'hello', 'eolll' and 'lleel' into one (3, 5, 4) tensor. Here each "
            "also gets a target (ohlol, lleel, hello) so the batch trains together.",
            RunConfig(
                sources=("hello", "eolll", "lleel"),
                targets=("ohlol", "lleel", "hello"),
                vocab="helo",
                cell="rnn",
                encoding="onehot",
                head="linear",
                hidden_size=8,
                **BATCH_FIRST,
                loss_reduction="mean",
                lr=0.05,
                epochs=50,
            ),
        ),
        Preset(
            "hello-rnncell",
            "hello → ohlol with nn.RNNCell (Example 12-1)",
            "A hand-written loop calls nn.RNNCell once per character; the hidden state (size 4) "
            "is read directly as the scores of e, h, l, o and the per-step losses are summed.",
            RunConfig(
                **HELLO_STRINGS,
                cell="rnncell",
                encoding="onehot",
                head="hidden",
                hidden_size=4,
                loss_reduction="sum",
                lr=0.1,
                epochs=15,
            ),
        ),
        Preset(
            "hello-rnn",
            "hello → ohlol with nn.RNN (Example 12-2)",
            "nn.RNN runs the whole (seq, batch, input) sequence in one call; hidden size 4 is "
            "read as the scores, and the loss is averaged.",
            RunConfig(
                **HELLO_STRINGS,
                cell="rnn",
                encoding="onehot",
                head="hidden",
                hidden_size=4,
                loss_reduction="mean",
                lr=0.1,
                epochs=15,
            ),
        ),
        Preset(
            "hello-embedding-2layer",
            "hello → ohlol, Embedding + 2-layer RNN + Linear (Example 12-3)",
            "Dense learned inputs (embedding size 10), two stacked RNN layers of 8 units and a "
            "Linear head, batch_first, Adam with lr 0.05.",
            RunConfig(
                **HELLO_STRINGS,
                cell="rnn",
                encoding="embedding",
                embedding_size=10,
                head="linear",
                hidden_size=8,
                layers=2,
                **BATCH_FIRST,
                loss_reduction="mean",
                lr=0.05,
                epochs=15,
            ),
        ),
        Preset(
            "hello-bilstm",
            "hello → ohlol, bidirectional 2-layer LSTM",
            "Embedding (10) into a 2-layer bidirectional nn.LSTM of 8 units; the Linear head "
            "reads both directions (16 features per step).",
            RunConfig(
                **HELLO_STRINGS,
                cell="lstm",
                encoding="embedding",
                embedding_size=10,
                head="linear",
                hidden_size=8,
                layers=2,
                bidirectional=True,
                **BATCH_FIRST,
                loss_reduction="mean",
                lr=0.1,
                epochs=15,
            ),
        ),
        Preset(
            "hello-gru",
            "hello → ohlol with nn.GRU (Exercise 12-2)",
            "The exercise: swap the RNN of Example 12-3 for nn.GRU (embedding 10, 8 units, Linear head).",
            RunConfig(
                **HELLO_STRINGS,
                cell="gru",
                encoding="embedding",
                embedding_size=10,
                head="linear",
                hidden_size=8,
                **BATCH_FIRST,
                loss_reduction="mean",
                lr=0.1,
                epochs=15,
            ),
        ),
        Preset(
            "next-char",
            "Next-character prediction",
            "The 'next word score' lesson, with characters: from 'if you want you' the network "
            "learns to predict each next character (source s[:-1], target s[1:]).",
            RunConfig(
                sources=("if you want you",),
                targets=(),
                task="next-char",
                vocab_order="appearance",
                cell="rnn",
                encoding="embedding",
                embedding_size=10,
                head="linear",
                hidden_size=16,
                loss_reduction="mean",
                lr=0.1,
                epochs=50,
            ),
        ),
        Preset(
            "clipped-relu",
            "gradient clip → pilc tneidarg: relu, a large learning rate, clipping",
            "A plain relu RNN with SGD at learning rate 1: without clipping its gradient explodes "
            "(the loss turns to NaN at epoch 11); with the gradient clipped to norm 0.5 it is first "
            "right at epoch 5. Set 'Clip gradient norm' to 0 to watch it explode; the Gradient flow "
            "page shows each epoch's gradient norm before and after clipping.",
            RunConfig(
                sources=("gradient clip",),
                targets=("pilc tneidarg",),
                cell="rnn",
                nonlinearity="relu",
                hidden_size=16,
                optimizer="sgd",
                lr=1.0,
                momentum=0.7,
                clip_grad_norm=0.5,
                epochs=30,
            ),
        ),
        Preset(
            "memorise",
            "Memorise: bracket depth from 4 strings",
            "An LSTM learns the bracket depth of four 16-character strings and gets every one right, but on "
            "32 held-out strings it never trained on it is often wrong: it memorised the four strings instead "
            "of learning to count. Watch the test loss rise while the training loss falls; then try 'generalise'.",
            task_config(HELD_OUT_TASK, TaskOptions(length=HELD_OUT_LENGTH, pairs=4), RunConfig()),
        ),
        Preset(
            "generalise",
            "Generalise: the same network from 64 strings",
            "The same task, network and epochs as 'memorise', with 64 training strings: too many to learn one by "
            "one, so the network learns to count, and the 32 held-out strings are right too. Train and test "
            "loss fall together.",
            task_config(HELD_OUT_TASK, TaskOptions(length=HELD_OUT_LENGTH, pairs=64), RunConfig()),
        ),
        Preset(
            "story",
            "Write a story: a GRU learns “The Little Lighthouse” a character at a time",
            "A short story shipped with the app, read in windows of 32 characters, 32 windows per optimizer step "
            "(mini-batches, shuffled every epoch): the GRU learns which character comes next. The loss falls from "
            "about 3.2 to about 0.1 in 100 epochs, a few seconds; then let it write its own lines. The views show "
            "the first 8 windows.",
            RunConfig(
                sources=(),
                targets=(),
                task="next-char",
                text=STORY,
                window=32,
                batch_size=32,
                vocab="",
                cell="gru",
                embedding_size=16,
                hidden_size=64,
                lr=0.01,
                epochs=100,
            ),
        ),
    )
}

DEFAULT_PRESET = "hello-embedding-2layer"


# The settings "Learn to write this text" takes from the story preset unless the learner keeps the page's:
# its network and training. On the story's own text (batches of 64, as the panel sets for a text's windows)
# it reaches a loss of 0.14 in about 4 s and writes "light, shine on the water. Shine for the boats that are
# far from home."; the first lesson's two-layer RNN of 8 units, 15 epochs, stops at 2.1 and writes letter
# salad ("cTse ang tave thhe ooe And thhe taomes").
TEXT_NETWORK_FIELDS = (
    "cell",
    "encoding",
    "embedding_size",
    "head",
    "hidden_size",
    "layers",
    "bidirectional",
    "optimizer",
    "lr",
    "epochs",
)


def with_story_network(config: RunConfig) -> RunConfig:
    """``config`` with the story preset's network and training (`TEXT_NETWORK_FIELDS`)."""
    story = PRESETS["story"].config
    return config.with_changes(**{field: getattr(story, field) for field in TEXT_NETWORK_FIELDS})


def story_network_label() -> str:
    """The story preset's network in a few words: "GRU 64, embedding 16, lr 0.01, 100 epochs"."""
    story = PRESETS["story"].config
    network = f"{story.cell.upper()} {story.hidden_size}, embedding {story.embedding_size}"
    return f"{network}, lr {story.lr}, {story.epochs} epochs"


# The encoder–decoder's experiments (`RunConfig.architecture` "seq2seq"): the CLI's (--preset) until the pages
# can show such a run, so they are not in `PRESETS`, which the Train page offers. Measured in
# docs/performance.md ("The encoder–decoder's presets").
_ENCODER_DECODER = dict(architecture="seq2seq", cell="gru", hidden_size=32)
ENCODER_DECODER_PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            "cat-chat",
            "cat → chat, hello → bonjour: typed pairs of different lengths",
            "An encoder–decoder (GRU, dot-product attention) reads each source to its end and writes its target "
            "one character at a time until ⟨/s⟩: cat → chat, hello → bonjour, aaabcc → 3a1b2c, "
            "2026-12-07 → 7 Dec 2026. Every decoded string is right at epoch 7 (under a CPU second).",
            RunConfig(
                sources=("cat", "hello", "aaabcc", "2026-12-07"),
                targets=("chat", "bonjour", "3a1b2c", "7 Dec 2026"),
                **_ENCODER_DECODER,
                attention="dot",
                lr=0.05,
                epochs=30,
            ),
        ),
        Preset(
            "dates-attention",
            "Dates with attention: 2026-12-07 → 7 Dec 2026",
            "64 generated dates in mini-batches of 8, dot-product attention: the training dates are all right "
            "at epoch 16 (about 4 CPU seconds for the 40 epochs); of the 32 held-out dates 82 % of the "
            "characters but only 28 % of the whole dates are right: it has not quite learned the rule yet.",
            task_config("dates", TaskOptions(pairs=64), RunConfig()).with_changes(batch_size=8, epochs=40),
        ),
        Preset(
            "reverse-attention",
            "Reverse the words with additive attention: ab cde f → f cde ab",
            "64 generated strings of short words, additive (Bahdanau) attention: the first word to write is the "
            "source's last, so the decoder looks back over the whole source. The training strings are all right "
            "at epoch 61 (about 3 CPU seconds for the 80 epochs); of the held-out ones, 40 % of the characters.",
            task_config("reverse-words", TaskOptions(pairs=64), RunConfig()).with_changes(
                attention="additive", lr=0.02, epochs=80
            ),
        ),
    )
}
ALL_PRESETS: dict[str, Preset] = {**PRESETS, **ENCODER_DECODER_PRESETS}  # what the CLI's --preset takes
