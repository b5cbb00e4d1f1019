"""Challenges: graded goals, checked from the session's run; progress as a small JSON file."""

import streamlit as st

from playground.lessons.challenges import CHALLENGES
from ui.challenges.board import challenge_card, grade_current_run, passed_count, progress_files
from ui.core.run_summary import show_run_summary

st.title("Challenges")
show_run_summary()
st.caption(
    "Each challenge starts from a config that does not quite work. Load it, change the settings "
    "and train on the **Train** page, then come back: a run on a challenge's strings is graded "
    "here, with its evidence. Passes stay in this session; download them to keep them."
)
verdicts = grade_current_run()
st.progress(passed_count() / len(CHALLENGES), text=f"{passed_count()} of {len(CHALLENGES)} passed")
for name, challenge in CHALLENGES.items():
    challenge_card(challenge, verdicts.get(name))

st.header("Your progress")
progress_files()
