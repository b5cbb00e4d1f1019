"""What Inside the cell keeps in a session: its epoch slider's key and the (run, epoch) it last started from."""

from __future__ import annotations

from ui.core.state import SessionKey

INSIDE_EPOCH_KEY = "inside-epoch"
INSIDE_FOLLOWED_EPOCH: SessionKey[tuple[int, int] | None] = SessionKey("inside_followed_epoch", None)
