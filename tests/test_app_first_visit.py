"""A first visit carries nothing heavy: the tensors' grids and one-hot chart wait for the learner.

How fast a first visit is lives in bench/first_visit.py (timing goals are never tested here).
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.web.server.app_discovery import discover_asgi_app

from playground import check_config
from ui import warm_up
from ui.network_inputs import SHOW_TENSORS_KEY
from ui.state import CONFIG

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def test_the_tensors_are_drawn_only_when_the_learner_asks():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert not at.dataframe and not at.get("plotly_chart")

    at.toggle(key=SHOW_TENSORS_KEY).set_value(True).run()
    assert not at.exception
    dataset = check_config(CONFIG.get(at.session_state))
    source, target = at.dataframe
    assert source.value.values.tolist() == dataset.source_indices.tolist()
    assert target.value.values.tolist() == dataset.target_indices.tolist()
    assert len(at.get("plotly_chart")) == 1


def test_the_warm_up_starts_once_per_process():
    warm_up.start_warm_up()
    first = warm_up._thread
    warm_up.start_warm_up()
    assert first is not None and warm_up._thread is first
    first.join(timeout=120)
    assert not first.is_alive()


def test_streamlit_run_serves_the_app_with_the_warm_up_at_server_start():
    """`streamlit run app.py` finds the `st.App` in app.py (so its start-up hook runs), and the
    hook leaves the Train page's modules imported and the warm-up started."""
    discovered = discover_asgi_app(Path(APP))
    assert discovered.is_asgi_app and discovered.app_name == "app"

    async def start_and_stop() -> None:
        async with warm_up.server_lifespan(None):
            assert all(module in sys.modules for module in warm_up.TRAIN_PAGE_MODULES)
            assert warm_up._thread is not None

    asyncio.run(start_and_stop())
