"""Typed values the clients return. ``Status.seed_dict()`` is the seed's status dict and ``Status.to_dict()``
is exactly what ``clusterctl status --json`` prints."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional

from .errors import ServerError

__all__ = [
    "TriggerOutcome",
    "RunSummary",
    "Status",
    "ClusterInfo",
    "ClusterListing",
    "ForceResult",
    "BatchItemResult",
    "BatchResult",
    "SEED_STATUS_KEYS",
]

# The keys of the seed's status document, in its order.
SEED_STATUS_KEYS = (
    "enabled",
    "clustering_in_progress",
    "unprocessed_messages",
    "minutes_since_last_clustering",
    "should_trigger_clustering",
    "trigger_reason",
    "configuration",
    "latest_clustering_run",
)


class TriggerOutcome(enum.Enum):
    """What a trigger did (TriggerAnalysisReply.Outcome)."""

    UNSPECIFIED = 0
    QUEUED = 1  # put on the analysis queue
    ALREADY_QUEUED = 2  # already waiting or being analysed
    RECORDED = 3  # background clustering disabled: counted only

    @classmethod
    def from_wire(cls, value: int) -> "TriggerOutcome":
        """The outcome for a wire value; UNSPECIFIED for unknown ones."""
        try:
            return cls(value)
        except ValueError:
            return cls.UNSPECIFIED


def _time(ms: int) -> Optional[datetime]:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc) if ms else None


def iso(moment: Optional[datetime]) -> Optional[str]:
    """``2025-01-10T21:30:00Z``, as the seed (and clusterctl) write times; None stays None."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ") if moment is not None else None


@dataclass(frozen=True)
class RunSummary:
    """A clustering run: running, succeeded, failed, skipped or abandoned."""

    id: str
    status: str
    created_at: Optional[datetime]
    finished_at: Optional[datetime]
    trigger_reason: str
    total_conversations: int
    total_messages: int
    clusters_created: int
    duration_ms: int
    error: str

    @classmethod
    def from_wire(cls, run: Mapping[str, Any]) -> "RunSummary":
        return cls(
            id=run["id"],
            status=run["status"],
            created_at=_time(run["created_at_ms"]),
            finished_at=_time(run["finished_at_ms"]),
            trigger_reason=run["trigger_reason"],
            total_conversations=run["total_conversations"],
            total_messages=run["total_messages"],
            clusters_created=run["clusters_created"],
            duration_ms=run["duration_ms"],
            error=run["error"],
        )

    def to_dict(self) -> Dict[str, Any]:
        """The seed's run object (created_at, total_conversations, clusters_created) with the other fields."""
        return {
            "id": self.id,
            "status": self.status,
            "created_at": iso(self.created_at),
            "finished_at": iso(self.finished_at),
            "trigger_reason": self.trigger_reason,
            "total_conversations": self.total_conversations,
            "total_messages": self.total_messages,
            "clusters_created": self.clusters_created,
            "duration_ms": self.duration_ms,
            "error": self.error or None,
        }


@dataclass(frozen=True)
class Status:
    """The server's status: the seed's fields, then the operator's."""

    enabled: bool
    clustering_in_progress: bool
    unprocessed_messages: int
    minutes_since_last_clustering: Optional[int]
    should_trigger_clustering: bool
    trigger_reason: str
    message_threshold: int
    time_threshold_minutes: int
    latest_clustering_run: Optional[RunSummary]
    analysis_workers: int = 0
    queue_depth: int = 0
    queue_capacity: int = 0
    in_flight_analyses: int = 0
    analyzed_total: int = 0
    failed_total: int = 0
    last_error: str = ""
    clustering_stage: str = ""
    clustering_progress: float = 0.0
    follow_up_queued: bool = False
    degraded: List[str] = field(default_factory=list)
    uptime_seconds: float = 0.0
    version: str = ""
    embedder: str = ""
    triggers_total: int = 0
    triggers_refused: int = 0
    swept_total: int = 0
    last_run: Optional[RunSummary] = None

    @classmethod
    def from_wire(cls, status: Mapping[str, Any]) -> "Status":
        configuration = status["configuration"] or {}
        latest = status["latest_clustering_run"]
        last = status["last_run"]
        minutes = status["minutes_since_last_clustering"]
        return cls(
            enabled=status["enabled"],
            clustering_in_progress=status["clustering_in_progress"],
            unprocessed_messages=status["unprocessed_messages"],
            minutes_since_last_clustering=None if minutes < 0 else minutes,
            should_trigger_clustering=status["should_trigger_clustering"],
            trigger_reason=status["trigger_reason"],
            message_threshold=configuration.get("message_threshold", 0),
            time_threshold_minutes=configuration.get("time_threshold_minutes", 0),
            latest_clustering_run=RunSummary.from_wire(latest) if latest is not None else None,
            analysis_workers=configuration.get("analysis_workers", 0),
            queue_depth=status["queue_depth"],
            queue_capacity=status["queue_capacity"],
            in_flight_analyses=status["in_flight_analyses"],
            analyzed_total=status["analyzed_total"],
            failed_total=status["failed_total"],
            last_error=status["last_error"],
            clustering_stage=status["clustering_stage"],
            clustering_progress=status["clustering_progress"],
            follow_up_queued=status["follow_up_queued"],
            degraded=list(status["degraded"]),
            uptime_seconds=status["uptime_seconds"],
            version=status["version"],
            embedder=status["embedder"],
            triggers_total=status["triggers_total"],
            triggers_refused=status["triggers_refused"],
            swept_total=status["swept_total"],
            last_run=RunSummary.from_wire(last) if last is not None else None,
        )

    def seed_dict(self) -> Dict[str, Any]:
        """The seed's status document: exactly its keys, same names and meaning."""
        return {
            "enabled": self.enabled,
            "clustering_in_progress": self.clustering_in_progress,
            "unprocessed_messages": self.unprocessed_messages,
            "minutes_since_last_clustering": self.minutes_since_last_clustering,
            "should_trigger_clustering": self.should_trigger_clustering,
            "trigger_reason": self.trigger_reason,
            "configuration": {
                "message_threshold": self.message_threshold,
                "time_threshold_minutes": self.time_threshold_minutes,
            },
            "latest_clustering_run": self.latest_clustering_run.to_dict() if self.latest_clustering_run else None,
        }

    def to_dict(self) -> Dict[str, Any]:
        """The seed's document plus an ``operator`` section: what ``clusterctl status --json`` prints."""
        document = self.seed_dict()
        document["operator"] = {
            "queue_depth": self.queue_depth,
            "queue_capacity": self.queue_capacity,
            "in_flight_analyses": self.in_flight_analyses,
            "analysis_workers": self.analysis_workers,
            "analyzed_total": self.analyzed_total,
            "failed_total": self.failed_total,
            "last_error": self.last_error,
            "clustering_stage": self.clustering_stage,
            "clustering_progress": self.clustering_progress,
            "follow_up_queued": self.follow_up_queued,
            "degraded": list(self.degraded),
            "uptime_seconds": self.uptime_seconds,
            "version": self.version,
            "embedder": self.embedder,
            "triggers_total": self.triggers_total,
            "triggers_refused": self.triggers_refused,
            "swept_total": self.swept_total,
            "last_run": self.last_run.to_dict() if self.last_run else None,
        }
        return document


@dataclass(frozen=True)
class ClusterInfo:
    """One cluster of a run."""

    stable_id: str
    name: str
    description: str
    size: int
    top_concepts: List[str]
    representative_conversation_ids: List[str]

    @classmethod
    def from_wire(cls, cluster: Mapping[str, Any]) -> "ClusterInfo":
        return cls(
            stable_id=cluster["stable_id"],
            name=cluster["name"],
            description=cluster["description"],
            size=cluster["size"],
            top_concepts=list(cluster["top_concepts"]),
            representative_conversation_ids=list(cluster["representative_conversation_ids"]),
        )

    def to_dict(self) -> Dict[str, Any]:
        return {
            "stable_id": self.stable_id,
            "name": self.name,
            "description": self.description,
            "size": self.size,
            "top_concepts": list(self.top_concepts),
            "representative_conversation_ids": list(self.representative_conversation_ids),
        }


@dataclass(frozen=True)
class ClusterListing:
    """A run and its clusters, largest first (ListClusters)."""

    run: RunSummary
    clusters: List[ClusterInfo]

    def to_dict(self) -> Dict[str, Any]:
        return {"run": self.run.to_dict(), "clusters": [cluster.to_dict() for cluster in self.clusters]}


@dataclass(frozen=True)
class ForceResult:
    """The reply to ForceClustering."""

    started: bool  # this call started a run
    follow_up_queued: bool  # a run was in progress: exactly one follow-up is queued
    message: str


@dataclass(frozen=True)
class BatchItemResult:
    """One id of a batch trigger: its outcome, or the error that refused it."""

    message_id: str
    outcome: Optional[TriggerOutcome]
    error: Optional[ServerError]

    @property
    def accepted(self) -> bool:
        """True when the server accepted this id."""
        return self.error is None


@dataclass(frozen=True)
class BatchResult:
    """The reply to a batch trigger: one result per id, in order, and the queue depth after the batch."""

    results: List[BatchItemResult]
    queue_depth: int

    @property
    def accepted(self) -> List[BatchItemResult]:
        return [result for result in self.results if result.accepted]

    @property
    def refused(self) -> List[BatchItemResult]:
        return [result for result in self.results if not result.accepted]
