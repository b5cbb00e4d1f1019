"""The Challenges page's parts: grading the session's run, one card per challenge, progress files.

The run graded is the session's own (`ui.core.session`): the learner loads a challenge's starting
config here, trains on the Train page, and comes back. A run that trains a challenge's
strings is graded against it every time this page is drawn, and a pass joins the session's
progress (`ui.challenges.state.CHALLENGE_PROGRESS`), which the learner can download and upload.
"""

from __future__ import annotations

import streamlit as st

from playground import PlaygroundError
from playground.lessons.challenges import (
    CHALLENGES,
    GRADING_PAIRS,
    Challenge,
    Evidence,
    Progress,
    Verdict,
    applies_to,
    check_run,
    merge,
    progress_from_upload,
    progress_to_json,
    record,
)
from playground.nn.text import visible
from ui.challenges.state import CHALLENGE_PROGRESS, CHALLENGE_UPLOAD_SKIPPED, CHALLENGE_UPLOADED_FILE
from ui.core.markdown import escape_markdown
from ui.core.session import change_experiment, get_trainer
from ui.core.state import ACTIVE_CHALLENGE

PROGRESS_FILE_NAME = "rnn-playground-challenges.json"
UNSEEN_NOTE = (
    f"Graded on unseen strings too: {GRADING_PAIRS} more strings of the same task, drawn when your run is "
    "graded (only their accuracy is shown). A run that learned its training strings by heart, not the rule, fails."
)
TRAIN_PAGE = "app_pages/train.py"


def load_button_key(name: str) -> str:
    return f"challenge_load_{name}"


def grade_current_run() -> dict[str, Verdict]:
    """The session's run graded against every challenge it trains the strings of; passes are recorded."""
    trainer = get_trainer()
    if trainer is None or trainer.epoch == 0:
        return {}
    verdicts = {
        name: check_run(challenge, trainer)
        for name, challenge in CHALLENGES.items()
        if applies_to(challenge, trainer.config)
    }
    progress = CHALLENGE_PROGRESS.get()
    for verdict in verdicts.values():
        progress = record(progress, verdict)
    CHALLENGE_PROGRESS.set(progress)
    return verdicts


def passed_count() -> int:
    return len(CHALLENGE_PROGRESS.get())


def _load(name: str) -> None:
    """Button callback: the challenge's starting config becomes the session's experiment."""
    challenge = CHALLENGES[name]
    change_experiment(challenge.start, f"Challenge “{challenge.title}”")
    ACTIVE_CHALLENGE.set(name)


def _evidence_list(evidence: Evidence) -> str:
    return "\n".join(f"- {escape_markdown(line)}" for line in evidence.lines())


def challenge_card(challenge: Challenge, verdict: Verdict | None) -> None:
    """Title, story, goal and rules; passed or not yet with the best evidence; this run's verdict; Load."""
    best = CHALLENGE_PROGRESS.get().get(challenge.name)
    with st.container(border=True):
        mark = ":material/check_circle:" if best is not None else ":material/radio_button_unchecked:"
        st.subheader(f"{mark} {challenge.title}")
        st.write(challenge.story)
        rules = "; ".join(rule.text for rule in challenge.rules)
        st.markdown(f"**Goal:** {escape_markdown(challenge.goal)}  \n**Rules:** {escape_markdown(rules)}")
        if challenge.task is not None:
            st.caption(UNSEEN_NOTE)
        if best is not None and (verdict is None or verdict.evidence != best):
            st.success("**Passed.** Your best run so far:\n\n" + _evidence_list(best), icon=":material/emoji_events:")
        if verdict is not None:
            _show_verdict(verdict)
        elif best is None:
            st.caption("Not yet: load the starting config, then train it on the Train page.")
        st.button(
            "Load the starting config",
            key=load_button_key(challenge.name),
            icon=":material/upload:",
            on_click=_load,
            args=(challenge.name,),
            help="Replaces the Train page's strings and settings with this challenge's.",
        )
        if ACTIVE_CHALLENGE.get() == challenge.name:
            st.page_link(
                TRAIN_PAGE,
                label="Loaded: change the settings and train it on the Train page",
                icon=":material/arrow_forward:",
            )


def _show_verdict(verdict: Verdict) -> None:
    text = _evidence_list(verdict.evidence)
    for rule in verdict.broken_rules:
        text += f"\n- rule not kept: {escape_markdown(rule)}"
    for short in verdict.shortfalls:
        text += f"\n- goal not reached: {escape_markdown(short)}"
    if verdict.passed:
        st.success("**Passed** by your current run:\n\n" + text, icon=":material/emoji_events:")
    else:
        st.warning("**Not yet.** Your current run:\n\n" + text, icon=":material/pending:")


def progress_files() -> None:
    """Download the session's progress as JSON; upload one to join it: refused with a sentence if it is not
    one, or if an entry's evidence falls short of its challenge's goal."""
    progress: Progress = CHALLENGE_PROGRESS.get()
    st.download_button(
        "Download progress",
        progress_to_json(progress),
        file_name=PROGRESS_FILE_NAME,
        mime="application/json",
        icon=":material/download:",
        help="A small JSON file with the evidence of each challenge you passed; upload it later to continue.",
    )
    uploaded = st.file_uploader("Upload a progress file", type=["json"], max_upload_size=1)  # MB; files are < 2 KB
    st.caption(
        "An uploaded file is your own claim: each entry's evidence is checked against its challenge's goal, "
        "but the run behind it is not trained again here, so its accuracies, on unseen strings too, are "
        "the file's word."
    )
    if uploaded is not None and CHALLENGE_UPLOADED_FILE.get() == uploaded.file_id:
        for sentence in CHALLENGE_UPLOAD_SKIPPED.get():
            st.info(escape_markdown(sentence), icon=":material/info:")
    if uploaded is None or CHALLENGE_UPLOADED_FILE.get() == uploaded.file_id:
        return
    try:
        loaded = progress_from_upload(uploaded.getvalue())
    except PlaygroundError as error:
        st.error(
            f"{escape_markdown(visible(uploaded.name))} was not loaded: {escape_markdown(str(error))}",
            icon=":material/error:",
        )
        return
    CHALLENGE_UPLOADED_FILE.set(uploaded.file_id)
    CHALLENGE_UPLOAD_SKIPPED.set(loaded.skipped)
    CHALLENGE_PROGRESS.set(merge(progress, loaded.progress))
    st.rerun()  # redraw the cards with the joined progress
