"""What the Train page keeps in a session besides the experiment itself (`ui.core.state`)."""

from __future__ import annotations

import weakref
from dataclasses import dataclass

from playground import Trainer
from playground.run.sampling import Sample, SampleSettings
from ui.core.state import SessionKey


@dataclass(frozen=True)
class Written:
    """What the Write panel wrote: greedy and sampled, by run ``run`` after ``epoch`` epochs.

    The run is held by a weak reference: a dropped run is not kept alive for its text, and a new
    run is never taken for it (an id can be reused once the old run is gone)."""

    run: weakref.ReferenceType[Trainer]
    epoch: int
    greedy: Sample
    sampled: Sample


TRAIN_FOLLOWED_EPOCH: SessionKey[int | None] = SessionKey("train_followed_epoch", None)  # newest epoch shown
# The task generator (`ui.train.task_picker`): why the last fill was refused.
TASK_PICKER_ERROR: SessionKey[str | None] = SessionKey("task_picker_error", None)
# ... and what the last fill could not give as asked (fewer test pairs than asked for).
TASK_PICKER_NOTE: SessionKey[str | None] = SessionKey("task_picker_note", None)
# A link that starts training as it opens: "" until its page is drawn, "drawn", then "started" (once a session).
URL_TRAIN_ON_OPEN: SessionKey[str] = SessionKey("url_train_on_open", "")
# Your own data (`ui.train.own_data`): why the last upload or text was refused; the uploads already read
# (by file id: each is read once, then its bytes are dropped); the last text file read, (name, text).
OWN_DATA_ERROR: SessionKey[str | None] = SessionKey("own_data_error", None)
OWN_TEXT_READ: SessionKey[str | None] = SessionKey("own_data_text_read", None)
OWN_PAIRS_READ: SessionKey[str | None] = SessionKey("own_data_pairs_read", None)
OWN_TEXT_FILE: SessionKey[tuple[str, str] | None] = SessionKey("own_data_text_file_read", None)
# ... and what the paste box holds, kept beside it: Streamlit forgets a widget's value on another page.
OWN_PASTED: SessionKey[str | None] = SessionKey("own_data_pasted", None)
# The Write panel (`ui.train.write`): the settings last typed (its widgets' values, which other pages
# forget), and what was written last, with the run and epoch it was written by.
WRITE_SETTINGS: SessionKey[SampleSettings | None] = SessionKey("write_settings", None)
WRITTEN: SessionKey[Written | None] = SessionKey("write_written", None)
