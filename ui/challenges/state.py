"""What the Challenges page keeps in a session: the best passing evidence per challenge, the
challenge whose starting config was loaded last, and the progress file already read."""

from __future__ import annotations

from playground.lessons.challenges import Progress
from ui.core.state import SessionKey

CHALLENGE_PROGRESS: SessionKey[Progress] = SessionKey("challenge_progress", {})
CHALLENGE_LOADED: SessionKey[str | None] = SessionKey("challenge_loaded", None)
CHALLENGE_UPLOADED_FILE: SessionKey[str | None] = SessionKey("challenge_uploaded_file", None)
