"""What the Embeddings page keeps in a session: the (run, epoch) its epoch slider last started from."""

from __future__ import annotations

from ui.core.state import SessionKey

EMBEDDINGS_FOLLOWED_EPOCH: SessionKey[tuple[int, int] | None] = SessionKey("embeddings_followed_epoch", None)
