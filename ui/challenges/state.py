"""What the Challenges page keeps in a session: the best passing evidence per challenge and the
progress file already read (the challenge being worked on is `ui.core.state.ACTIVE_CHALLENGE`)."""

from __future__ import annotations

from playground.lessons.challenges import Progress
from ui.core.state import SessionKey

CHALLENGE_PROGRESS: SessionKey[Progress] = SessionKey("challenge_progress", {})
CHALLENGE_UPLOADED_FILE: SessionKey[str | None] = SessionKey("challenge_uploaded_file", None)
