"""RNN Playground's logic: strings in, a recurrent network trained and recorded, figures out.

Importable and testable without Streamlit; the pages in ``app_pages/`` only call into it.
"""

from playground.run.config import RunConfig
from playground.run.epoch_record import EpochRecord
from playground.run.errors import PlaygroundError, TrainingDiverged
from playground.run.trainer import Trainer, check_config

__all__ = ["RunConfig", "PlaygroundError", "TrainingDiverged", "EpochRecord", "Trainer", "check_config"]
