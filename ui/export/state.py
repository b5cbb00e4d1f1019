"""What Share & export keeps in a session: whether the script is shown, and a model file being replayed."""

from __future__ import annotations

from playground.run.checkpoint import Replay
from ui.core.live_run import LiveRun
from ui.core.state import SessionKey, live_keys

EXPORT_SHOW_CODE: SessionKey[bool] = SessionKey("export_show_code", False)
EXPORT_LOADED_FILE: SessionKey[str | None] = SessionKey("export_loaded_file", None)  # file id already taken
# The name of the last file read, and why it was refused (None: it was not): its bytes are not kept.
EXPORT_UPLOAD: SessionKey[tuple[str, str | None]] = SessionKey("export_upload", ("", None))
EXPORT_REPLAY: SessionKey[Replay | None] = SessionKey(
    "export_replay", None, holds="the model file being replayed"
)  # a model file being replayed
EXPORT_REPLAY_LIVE = live_keys("export_replay")
# Replaying an uploaded model file is training too, as long as the saved run was.
REPLAY_RUN: LiveRun[Replay] = LiveRun(
    EXPORT_REPLAY, EXPORT_REPLAY_LIVE, slice_seconds=0.3, finish_within=0.3, refresh_seconds=0.5
)
