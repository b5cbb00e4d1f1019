"""What the Challenges page keeps in a session: the best passing evidence per challenge, the
progress file already read and what of it was skipped (the challenge being worked on is
`ui.core.state.ACTIVE_CHALLENGE`)."""

from __future__ import annotations

from playground.lessons.challenges import Progress
from ui.core.state import SessionKey

CHALLENGE_PROGRESS: SessionKey[Progress] = SessionKey("challenge_progress", {})
CHALLENGE_UPLOADED_FILE: SessionKey[str | None] = SessionKey("challenge_uploaded_file", None)
# The sentences about that file's skipped entries (challenges that are no more), shown while it stays uploaded.
CHALLENGE_UPLOAD_SKIPPED: SessionKey[tuple[str, ...]] = SessionKey("challenge_upload_skipped", ())
