"""What the Class dashboard keeps in a session: the action waiting for the teacher's confirmation, and
that a student's run was just opened (the page then goes to Train)."""

from __future__ import annotations

from ui.core.state import SessionKey

# ("remove", student id) or ("close", class id): the teacher pressed the first button, not yet the second.
DASHBOARD_CONFIRM: SessionKey[tuple[str, int] | None] = SessionKey("dashboard_confirm", None)
DASHBOARD_OPENED: SessionKey[bool] = SessionKey("dashboard_opened", False)
