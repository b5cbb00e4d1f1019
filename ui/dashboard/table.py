"""The dashboard's table: one row per student, the challenges they passed, their current experiment and
whether they are idle, as shown on the page and as the CSV file the teacher downloads (no Streamlit here)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from playground.lessons.challenges import CHALLENGES, Evidence
from playground.run.config import CELL_LABELS, RunConfig
from store.runs import MemberRun

IDLE_MINUTES = 3  # no page opened or run saved for this long: idle
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


def minutes_ago(seconds: float) -> str:
    minutes = int(seconds // 60)
    return "now" if minutes < 1 else f"{minutes} min ago"


def strings(config: RunConfig) -> str:
    """The run's training strings as pairs, or its sources (its text's start) for a next-character run."""
    if config.task == "next-char":
        return config.text[:60] if config.text else " | ".join(config.sources)
    return " | ".join(f"{source} → {target}" for source, target in zip(config.sources, config.targets))


def passed_cell(evidence: Evidence | None) -> str:
    """A challenge's cell: "not yet", or "passed" with the evidence the server graded."""
    if evidence is None:
        return "not yet"
    solved = f"solved at epoch {evidence.solved_epoch}" if evidence.solved_epoch is not None else "not solved"
    held_out = f", {evidence.held_out_accuracy:.0%} unseen" if evidence.held_out_accuracy is not None else ""
    return f"passed: {solved}, {evidence.accuracy:.0%} right{held_out}, {evidence.parameters} parameters"


def table_rows(members: Sequence[MemberRun], now: float, challenges: Sequence[str] = ()) -> list[dict[str, object]]:
    """Each student's name, one column per challenge of the class (`passed_cell`), last seen, idle or
    not, and their latest run's strings, network, epoch, loss and solving epoch (empty before their
    first saved run)."""
    rows = []
    for member in members:
        config, idle = member.config, now - member.student.last_seen
        rows.append(
            {
                "Student": member.student.name,
                **{CHALLENGES[name].title: passed_cell(member.passed.get(name)) for name in challenges},
                "Last seen": minutes_ago(idle),
                "Idle": "idle" if idle >= IDLE_MINUTES * 60 else "",
                "Strings": strings(config) if config else "",
                "Network": f"{CELL_LABELS[config.cell]}, {config.hidden_size} units" if config else "",
                "Epoch": member.epoch,  # None before the first saved run: an empty cell
                "Loss": f"{member.loss:.4f}" if member.loss is not None else "",
                "Solved": ("at epoch " + str(member.solved_epoch) if member.solved_epoch else "not yet")
                if config
                else "",
            }
        )
    return rows


def csv_text(rows: Sequence[dict[str, object]]) -> str:
    """The rows as CSV; a cell a spreadsheet would read as a formula (a name typed as ``=1+1``) is
    prefixed with ``'``, so the file shows what was typed and runs nothing."""
    if not rows:
        return ""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {key: f"'{value}" if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value
             for key, value in row.items()}
        )  # fmt: skip
    return out.getvalue()
