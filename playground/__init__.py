"""RNN Playground's logic: strings in, a recurrent network trained and recorded, figures out.

Importable and testable without Streamlit; the pages in ``app_pages/`` only call into it.
"""

from .config import RunConfig
from .epoch_record import EpochRecord
from .errors import PlaygroundError, TrainingDiverged
from .trainer import Trainer, check_config

__all__ = ["RunConfig", "PlaygroundError", "TrainingDiverged", "EpochRecord", "Trainer", "check_config"]
