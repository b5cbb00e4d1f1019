"""What the What if? page keeps in a session: the (run, epoch) its epoch slider last started from."""

from __future__ import annotations

from ui.core.state import SessionKey

WHAT_IF_FOLLOWED_EPOCH: SessionKey[tuple[int, int] | None] = SessionKey("what_if_followed_epoch", None)
