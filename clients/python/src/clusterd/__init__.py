"""Python client for clusterd, the background conversation-clustering service.

- ``Client``: blocking, thread-safe; ``AsyncClient``: asyncio, pipelined. Same calls, same protocol code.
- ``BackgroundClusteringService``: a drop-in for the seed's class of that name.
"""

from .aio import AsyncClient
from .client import Client
from .errors import (
    ClusterdConnectionError,
    ClusterdError,
    ClusterdTimeoutError,
    Code,
    FrameTooLargeError,
    ProtocolError,
    ServerError,
)
from .models import (
    LINEAGE_KINDS,
    SEED_STATUS_KEYS,
    BatchItemResult,
    BatchResult,
    ClusterInfo,
    ClusterListing,
    ClusterPathEntry,
    ConversationPlacement,
    CURATION_ACTIONS,
    CurationChange,
    CurationLog,
    CurationResult,
    ForceResult,
    ForgetResult,
    LineageEvent,
    LLMStatus,
    ReplicaStatus,
    RunMetrics,
    RunSummary,
    Status,
    TopicCuration,
    TriggerOutcome,
)
from .service import BackgroundClusteringService
from ._tls import read_token_file, tls_context

from ._version import __version__  # noqa: E402,F401

__all__ = [
    "read_token_file",
    "tls_context",
    "AsyncClient",
    "BackgroundClusteringService",
    "BatchItemResult",
    "BatchResult",
    "Client",
    "ClusterInfo",
    "ClusterListing",
    "ClusterPathEntry",
    "ConversationPlacement",
    "CURATION_ACTIONS",
    "CurationChange",
    "CurationLog",
    "CurationResult",
    "ClusterdConnectionError",
    "ClusterdError",
    "ClusterdTimeoutError",
    "Code",
    "ForceResult",
    "ForgetResult",
    "FrameTooLargeError",
    "LINEAGE_KINDS",
    "LLMStatus",
    "ReplicaStatus",
    "LineageEvent",
    "ProtocolError",
    "RunMetrics",
    "RunSummary",
    "SEED_STATUS_KEYS",
    "ServerError",
    "Status",
    "TopicCuration",
    "TriggerOutcome",
]
