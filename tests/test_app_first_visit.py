"""A first visit carries nothing heavy: the tensors' grids and one-hot chart wait for the learner.

How fast a first visit is lives in bench/first_visit.py (timing goals are never tested here).
"""

from __future__ import annotations

import asyncio
import gc
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest
from streamlit.web.server.app_discovery import discover_asgi_app

from playground import check_config
from ui.core.state import CONFIG
from ui.server import warm_up
from ui.train.network_inputs import SHOW_TENSORS_KEY

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


def test_streamlit_run_serves_the_app_with_the_warm_up_at_server_start():
    """`streamlit run app.py` finds the `st.App` in app.py (so its start-up hook runs), and the
    hook has imported the Train page's modules and finished the warm-up (which ends by freezing
    the heap) before the server may answer anyone."""
    discovered = discover_asgi_app(Path(APP))
    assert discovered.is_asgi_app and discovered.app_name == "app"

    async def start_and_stop() -> None:
        gc.unfreeze()
        async with warm_up.server_lifespan(None):
            assert all(module in sys.modules for module in warm_up.TRAIN_PAGE_MODULES)
            assert gc.get_freeze_count() > 0
        gc.unfreeze()  # the rest of the test session collects as usual

    asyncio.run(start_and_stop())
