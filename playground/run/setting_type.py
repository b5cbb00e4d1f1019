"""What one entry of the settings table (`playground.run.settings.SETTINGS`) says about its field.

A `Setting` carries everything a consumer needs to show, link, type or check one `RunConfig`
field; its range reads the host's caps (`playground.run.limits`) when it is asked, so the help
text and the error for a value out of range always name the same number.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from playground.run.config import RunConfig
from playground.run.limits import LIMITS, Limits

# Where the Train page draws a setting; "command-line": nowhere yet, since the pages cannot show what it
# sets (the encoder–decoder trains from the CLI only): links, the CLI and export still carry it.
Section = Literal["strings", "model", "training", "advanced", "command-line"]
_DEFAULTS = RunConfig()


@dataclass(frozen=True)
class Setting:
    """One `RunConfig` field as every consumer needs it.

    ``help`` may name the range as ``{low}`` and ``{high}``; they are filled from the limits the
    host set, so the text never disagrees with the check. ``unused`` says, from the other
    settings' values, when this one has no effect (its widget is then greyed out).
    """

    field: str  # the RunConfig attribute
    url: str  # query parameter in a shared link
    flag: str  # command-line flag, without the leading dashes
    label: str  # widget label on the Train page
    section: Section  # where the Train page draws it ("command-line": not on the pages)
    noun: str = ""  # how error messages name it; empty for settings never refused on their own
    help: str | None = None
    choices: tuple[str, ...] = ()
    choice_labels: Mapping[str, str] | None = None  # display text per choice; the choice itself if None
    low: int | float | None = None
    high: int | float | None = None  # a fixed upper bound ...
    cap: str | None = None  # ... or the name of the `Limits` field the host sets
    row: str | None = None  # consecutive settings with the same row share a line, in columns
    step: int | float | None = None  # number boxes: the +/- step
    number_format: str | None = None  # number boxes: printf-style display format
    placeholder: str | None = None  # free-text boxes: shown while empty
    metavar: str | None = None  # CLI: the value's name in --help
    cli_help: str | None = None  # CLI: --help text, where the flag's name does not say it all
    unused: Callable[[Mapping[str, Any]], bool] | None = None
    # A whole number typed as text rather than in a number box: a browser's number box turns what it
    # cannot hold exactly (past 2**53) red without a word and reads "1e30" as 1, so a setting whose
    # digits matter more than its size (a seed) is parsed on the server, which can say what is wrong.
    typed_as_text: bool = False

    @property
    def on_pages(self) -> bool:
        """Whether the Train page has a widget for it (and a classroom link may lock or hide it)."""
        return self.section != "command-line"

    @property
    def kind(self) -> type:
        """The Python type of the field's values (tuple, str, int, float or bool)."""
        return type(getattr(_DEFAULTS, self.field))

    def bounds(self, limits: Limits = LIMITS) -> tuple[int | float, int | float]:
        """The lowest and highest allowed value; the highest is a host's cap if ``cap`` is set."""
        if self.low is None:
            raise ValueError(f"Setting '{self.field}' has no range.")
        high = getattr(limits, self.cap) if self.cap else self.high
        return self.low, high

    def help_text(self, limits: Limits = LIMITS) -> str | None:
        if self.help is None or self.low is None:
            return self.help
        low, high = self.bounds(limits)
        return self.help.format(low=low, high=high)
