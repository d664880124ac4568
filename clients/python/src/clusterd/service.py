"""A drop-in for the seed's ``services.background_clustering_service.BackgroundClusteringService``.

A backend written against the seed changes only its import::

    # from services.background_clustering_service import BackgroundClusteringService
    from clusterd import BackgroundClusteringService

    background_service = BackgroundClusteringService()
    background_service.trigger_background_analysis(message_id)
    background_service.force_clustering()
    status = background_service.get_status()
    background_service.is_clustering_in_progress()

The analysis and clustering happen in clusterd instead of in threads of the backend.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any, ClassVar, Dict, List, Optional, Sequence, Tuple

from ._tls import env_options
from .client import DEFAULT_ADDRESS, Client
from .errors import ClusterdError
from .models import BatchResult, ClusterListing, RunSummary, Status

__all__ = ["BackgroundClusteringService"]

logger = logging.getLogger("BackgroundClusteringService")


class BackgroundClusteringService:
    """The seed's service, backed by clusterd. A singleton per (address, token), as the seed's is: every
    ``BackgroundClusteringService()`` in a process shares one thread-safe connection.

    The address and token default to ``$CLUSTERD_ADDRESS`` (127.0.0.1:7420) and ``$CLUSTERD_TOKEN``, the same
    variables clusterctl reads.
    """

    _instances: ClassVar[Dict[Tuple[str, Optional[str]], "BackgroundClusteringService"]] = {}
    _instances_lock: ClassVar[threading.Lock] = threading.Lock()
    client: Client

    def __new__(
        cls, address: Optional[str] = None, token: Optional[str] = None, **options: Any
    ) -> "BackgroundClusteringService":
        address = address or os.environ.get("CLUSTERD_ADDRESS") or DEFAULT_ADDRESS
        if token is not None:
            options["token"] = token
        options = env_options(options)
        token = options["token"]
        key = (address, token)
        with cls._instances_lock:
            instance = cls._instances.get(key)
            if instance is None:
                instance = super().__new__(cls)
                instance.client = Client(address, **options)
                cls._instances[key] = instance
            return instance

    def __init__(self, address: Optional[str] = None, token: Optional[str] = None, **options: Any) -> None:
        pass  # everything is set once, in __new__

    # ---- the seed's API ----

    def trigger_background_analysis(self, message_id: Any) -> bool:
        """Tells clusterd that a message was created (``message_id`` as str or bson ObjectId). Returns at once,
        True when clusterd acknowledged. Never raises: when clusterd is unreachable or its queue is full this
        logs a warning and returns False, and clusterd's catch-up sweep still analyses the message later (it
        reads MongoDB), so creating the message never fails because of clustering."""
        try:
            self.client.trigger_analysis(message_id)
        except ClusterdError as error:
            logger.warning("Could not trigger background analysis for message %s: %s", message_id, error)
            return False
        logger.info("Triggered background analysis for message %s", message_id)
        return True

    def force_clustering(self) -> bool:
        """Runs a clustering now, whatever the trigger conditions say. True when a run started, or a run was in
        progress and one follow-up is now queued; False when a run is already queued. Raises ClusterdError when
        clusterd cannot be reached."""
        result = self.client.force_clustering()
        logger.info("Force clustering: %s", result.message)
        return result.started or result.follow_up_queued

    def get_status(self) -> Dict[str, Any]:
        """The seed's status dict, same keys and meaning (``clusterctl status --json`` prints the same, plus an
        ``operator`` section). Raises ClusterdError when clusterd cannot be reached."""
        return self.client.get_status().seed_dict()

    def is_clustering_in_progress(self) -> bool:
        """True while a clustering runs (or is queued to run). Raises ClusterdError when clusterd is unreachable."""
        return self.client.get_status().clustering_in_progress

    # ---- beyond the seed ----

    def get_full_status(self) -> Status:
        """Every status field, typed (queue, counters, degraded parts, stage and progress, last run)."""
        return self.client.get_status()

    def trigger_many(self, message_ids: Sequence[Any]) -> BatchResult:
        """Triggers many messages in batches (a backfill); one result per id."""
        return self.client.trigger_many(message_ids)

    def list_clusters(self, run_id: Optional[str] = None) -> ClusterListing:
        """The latest successful run's clusters (or ``run_id``'s)."""
        return self.client.list_clusters(run_id)

    def list_runs(self, limit: int = 20) -> List[RunSummary]:
        """The most recent clustering runs, newest first."""
        return self.client.list_runs(limit)

    @classmethod
    def reset_instances(cls) -> None:
        """Closes and forgets every instance (tests, or a process that changes servers)."""
        with cls._instances_lock:
            for instance in cls._instances.values():
                instance.client.close()
            cls._instances.clear()
