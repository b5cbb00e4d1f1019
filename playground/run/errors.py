"""The one exception type a learner ever sees.

Every problem caused by what the learner typed or chose becomes a `PlaygroundError` whose
message is a complete sentence meant for a person, so pages can show it with `st.error`
and the command line can print it without a traceback.
"""


class PlaygroundError(ValueError):
    """A problem with the learner's input or settings, worded for the learner."""


class CapVariableError(PlaygroundError):
    """An ``RNN_PLAYGROUND_<NAME>`` environment variable that is no valid cap: the host's input, not the learner's."""


class TrainingDiverged(PlaygroundError):
    """The loss became NaN or infinite; training stopped and the history so far is kept."""

    def __init__(self, epoch: int, loss: float):
        self.epoch = epoch
        self.loss = loss
        super().__init__(
            f"Training stopped at epoch {epoch}: the loss became {loss}. "
            "The learning rate is probably too large; try a smaller one (e.g. 0.1 or 0.01)."
        )
