"""Charts drawn narrower than at 1280 px (a phone: `ui.core.narrow_screens.width_share`) space their
labels for the width they get, and stay as they were at 1280 px (a share of 1)."""

import torch

from charts.inside import terms_figure
from charts.shapes import BOX_GAP_PX, DIAGRAM_PLOT_PX, unrolled_diagram
from charts.train.layout import numbers_fit
from charts.what_if import state_comparison
from playground.probes.shapes import ShapeSpec

PHONE_HALF = 358 / 410  # Train's half-page chart on a phone: the whole 358 px page, of a 410 px half at 1280 px
PHONE_PAGE = 358 / 820  # a chart across the page


def test_probability_numbers_are_written_at_1280_px_and_left_out_on_a_phone_at_eleven_steps():
    assert numbers_fit(11, 9)
    assert not numbers_fit(11, 9, PHONE_HALF)
    assert numbers_fit(5, 9, PHONE_HALF)  # a short string's cells still hold their numbers


def test_unroll_boxes_keep_their_gap_at_a_phone_width():
    """On a phone the diagram's plot is 338 px wide (the page less the margins), not 510."""
    spec = ShapeSpec(module="lstm", seq_len=11, batch_size=1, input_size=10, hidden_size=8, layers=2)
    for plot_px in (DIAGRAM_PLOT_PX, 338):
        boxes = next(t for t in unrolled_diagram(spec, plot_px / DIAGRAM_PLOT_PX).data if t.mode == "markers+text")
        assert boxes.marker.size <= plot_px / (spec.seq_len + 1) - BOX_GAP_PX


def test_step_labels_thin_out_on_a_phone_and_stay_at_1280_px():
    states = torch.rand(11, 8)
    chars = list("hello world")
    wide = state_comparison(states, states, chars, chars, "h", width_share=1.0)
    narrow = state_comparison(states, states, chars, chars, "h", width_share=PHONE_PAGE)
    assert wide.layout.xaxis.tickvals == state_comparison(states, states, chars, chars, "h").layout.xaxis.tickvals
    assert len(narrow.layout.xaxis.tickvals) < len(wide.layout.xaxis.tickvals)


def test_terms_leave_out_numbers_and_most_headings_where_cells_are_narrow():
    labels = [f"term {k}" for k in range(16)]
    columns = [torch.rand(8) for _ in labels]
    wide, narrow = terms_figure(labels, columns, "t"), terms_figure(labels, columns, "t", width_share=PHONE_PAGE)
    assert wide.data[0].texttemplate and len(wide.layout.xaxis.tickvals) == 16
    assert not narrow.data[0].texttemplate and len(narrow.layout.xaxis.tickvals) < 16
