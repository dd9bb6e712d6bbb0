"""Roost: a self-hosted backend server that speaks PocketBase's Web API."""

__version__ = "0.1.0"

from roost.core.app import App
from roost.core.collections import Collection
from roost.core.record_model import Record
from roost.cron import Cron, CronError

__all__ = ["App", "Collection", "Cron", "CronError", "Record", "__version__"]
