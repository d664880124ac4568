"""Typed values the clients return. ``Status.seed_dict()`` is the seed's status dict and ``Status.to_dict()``
is exactly what ``clusterctl status --json`` prints."""

from __future__ import annotations

import enum
import math
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Dict, List, Mapping, Optional

from .errors import ServerError

__all__ = [
    "TriggerOutcome",
    "RunMetrics",
    "LineageEvent",
    "LINEAGE_KINDS",
    "RunSummary",
    "LLMStatus",
    "ReplicaStatus",
    "Status",
    "ClusterInfo",
    "ClusterListing",
    "ForceResult",
    "ClusterPathEntry",
    "ConversationPlacement",
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

# The kinds of lineage events, as the server names them.
LINEAGE_KINDS = ("born", "continued", "split", "merged", "retired")

_LLM_NOT_CONFIGURED = "not configured"


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


def _defined(value: float) -> Optional[float]:
    """None for NaN: the wire's encoding of an undefined number."""
    return None if math.isnan(value) else value


@dataclass(frozen=True)
class RunMetrics:
    """Quality metrics of a succeeded clustering run; None where a number is undefined."""

    silhouette: Optional[float]  # mean cosine silhouette, -1..1; None when k < 2
    inertia: float  # sum of squared distances to the centroids
    sizes: List[int]  # cluster sizes, largest first ("other" included)
    k: int  # the k k-means used
    churn: Optional[float] = None  # share of shared conversations whose stable id changed; None without a previous run
    adjusted_rand_index: Optional[float] = None  # against the previous run's partition; None without one
    compared_conversations: int = 0  # conversations both runs clustered
    level_sizes: List[int] = field(default_factory=list)  # clusters per hierarchy level, base first

    @classmethod
    def from_wire(cls, metrics: Mapping[str, Any]) -> "RunMetrics":
        return cls(
            silhouette=_defined(metrics["silhouette"]),
            inertia=metrics["inertia"],
            sizes=list(metrics["sizes"]),
            k=metrics["k"],
            churn=_defined(metrics["churn"]),
            adjusted_rand_index=_defined(metrics["adjusted_rand_index"]),
            compared_conversations=metrics["compared_conversations"],
            level_sizes=list(metrics.get("level_sizes", [])),
        )

    @property
    def size_min(self) -> Optional[int]:
        """The smallest cluster's size; None without clusters."""
        return min(self.sizes) if self.sizes else None

    @property
    def size_median(self) -> Optional[float]:
        """The median cluster size; None without clusters."""
        return float(statistics.median(self.sizes)) if self.sizes else None

    @property
    def size_max(self) -> Optional[int]:
        """The largest cluster's size; None without clusters."""
        return max(self.sizes) if self.sizes else None

    def to_dict(self) -> Dict[str, Any]:
        """The metrics as ``clusterctl status --json`` prints them (with size_min, size_median, size_max)."""
        return {
            "silhouette": self.silhouette,
            "inertia": self.inertia,
            "k": self.k,
            "sizes": list(self.sizes),
            "size_min": self.size_min,
            "size_median": self.size_median,
            "size_max": self.size_max,
            "churn": self.churn,
            "adjusted_rand_index": self.adjusted_rand_index,
            "compared_conversations": self.compared_conversations,
            "level_sizes": list(self.level_sizes),
        }


@dataclass(frozen=True)
class LineageEvent:
    """How clusters of the previous successful run became clusters of this one."""

    kind: str  # born, continued, split, merged or retired
    stable_ids: List[str]  # in this run (empty for retired)
    previous_stable_ids: List[str]  # in the previous run (empty for born)
    renamed: bool = False  # continued only: re-named because its membership drifted
    overlap: Optional[float] = None  # continued only: Jaccard overlap of the shared members; None when unknown

    @classmethod
    def from_wire(cls, event: Mapping[str, Any]) -> "LineageEvent":
        return cls(
            kind=event["kind"],
            stable_ids=list(event["stable_ids"]),
            previous_stable_ids=list(event["previous_stable_ids"]),
            renamed=event["renamed"],
            overlap=_defined(event["overlap"]),
        )

    def to_dict(self) -> Dict[str, Any]:
        """The event as ``clusterctl clusters --json`` prints it."""
        return {
            "kind": self.kind,
            "stable_ids": list(self.stable_ids),
            "previous_stable_ids": list(self.previous_stable_ids),
            "renamed": self.renamed,
            "overlap": self.overlap,
        }


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
    metrics: Optional[RunMetrics] = None  # a succeeded run's quality metrics
    lineage: List[LineageEvent] = field(default_factory=list)  # against the previous successful run

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
            metrics=RunMetrics.from_wire(run["metrics"]) if run["metrics"] is not None else None,
            lineage=[LineageEvent.from_wire(event) for event in run["lineage"]],
        )

    @property
    def lineage_counts(self) -> Dict[str, int]:
        """How many lineage events of each kind the run has: every kind of LINEAGE_KINDS, zero when none (events
        of a kind unknown to this client are not counted, as clusterctl does)."""
        counts = dict.fromkeys(LINEAGE_KINDS, 0)
        for event in self.lineage:
            if event.kind in counts:
                counts[event.kind] += 1
        return counts

    def to_dict(self) -> Dict[str, Any]:
        """The seed's run object (created_at, total_conversations, clusters_created) with the other fields, its
        ``metrics`` (None unless present) and ``lineage_counts``: the run as ``clusterctl status --json`` prints
        it."""
        return {
            "metrics": self.metrics.to_dict() if self.metrics is not None else None,
            "lineage_counts": self.lineage_counts,
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
class ReplicaStatus:
    """This replica and the clustering lease (several replicas on one MongoDB)."""

    id: str = ""  # CLUSTERD_INSTANCE_ID
    leader: str = ""  # the lease holder's id; empty before the first lease round
    is_leader: bool = False  # only the leader starts clustering runs
    fencing_token: int = 0  # grows on every acquisition of the lease
    lease_age_seconds: Optional[float] = None  # since the leader acquired the lease; None before the first round
    live_claims: int = 0  # messages this replica has claimed for analysis and not finished

    @classmethod
    def from_wire(cls, replica: Optional[Mapping[str, Any]]) -> "ReplicaStatus":
        """From a decoded ReplicaStatus; the defaults when absent (a server before replicas)."""
        if not replica:
            return cls()
        age = replica["lease_age_seconds"]
        return cls(
            id=replica["id"],
            leader=replica["leader"],
            is_leader=replica["is_leader"],
            fencing_token=replica["fencing_token"],
            lease_age_seconds=None if age < 0 else age,
            live_claims=replica["live_claims"],
        )

    def to_dict(self) -> Dict[str, Any]:
        """The ``replica`` object of ``clusterctl status --json``."""
        return {
            "id": self.id,
            "leader": self.leader,
            "is_leader": self.is_leader,
            "fencing_token": self.fencing_token,
            "lease_age_seconds": self.lease_age_seconds,
            "live_claims": self.live_claims,
        }


@dataclass(frozen=True)
class LLMStatus:
    """The Claude integration's state and counters (all zero when not configured)."""

    state: str = _LLM_NOT_CONFIGURED  # ok, rate-limited, degraded, over budget or not configured
    model: str = ""  # the model asked; empty when not configured
    calls: int = 0  # requests sent, retries included
    failures: int = 0  # requests that failed (an error status or no response)
    retries: int = 0  # requests that were retries
    local_fallbacks: int = 0  # extractions and namings done locally instead
    tokens_today: int = 0  # input plus output tokens this UTC day
    daily_token_budget: int = 0  # 0 for none
    tokens_total: int = 0  # tokens since the server started
    last_error: str = ""  # the latest failure; empty when none
    backlog: int = 0  # messages whose local concepts wait for Claude's
    backlog_rate_per_minute: float = 0.0  # messages upgraded per minute (last five minutes)
    backlog_clears_in_seconds: float = 0.0  # 0 when empty, -1 when unknown
    concept_requests: int = 0  # batched concept requests sent
    messages_upgraded: int = 0  # messages given Claude's concepts
    tokens_per_message: float = 0.0  # concept tokens per upgraded message
    names_pending: int = 0  # clusters still waiting for a Claude name
    batch_api: str = "off"  # off, idle, in flight or unavailable

    @classmethod
    def from_wire(cls, status: Mapping[str, Any]) -> "LLMStatus":
        """From a decoded Status's llm_* fields; an empty state (a server before them) is "not configured"."""
        return cls(
            state=status["llm_state"] or _LLM_NOT_CONFIGURED,
            model=status["llm_model"],
            calls=status["llm_calls"],
            failures=status["llm_failures"],
            retries=status["llm_retries"],
            local_fallbacks=status["llm_local_fallbacks"],
            tokens_today=status["llm_tokens_today"],
            daily_token_budget=status["llm_daily_token_budget"],
            tokens_total=status["llm_tokens_total"],
            last_error=status["llm_last_error"],
            backlog=status.get("llm_backlog", 0),
            backlog_rate_per_minute=status.get("llm_backlog_rate_per_minute", 0.0),
            backlog_clears_in_seconds=status.get("llm_backlog_clears_in_seconds", 0.0),
            concept_requests=status.get("llm_concept_requests", 0),
            messages_upgraded=status.get("llm_messages_upgraded", 0),
            tokens_per_message=status.get("llm_tokens_per_message", 0.0),
            names_pending=status.get("llm_names_pending", 0),
            batch_api=status.get("llm_batch_api", "") or "off",
        )

    def to_dict(self) -> Dict[str, Any]:
        """The ``llm`` object of ``clusterctl status --json``."""
        return {
            "state": self.state,
            "model": self.model,
            "calls": self.calls,
            "failures": self.failures,
            "retries": self.retries,
            "local_fallbacks": self.local_fallbacks,
            "tokens_today": self.tokens_today,
            "daily_token_budget": self.daily_token_budget,
            "tokens_total": self.tokens_total,
            "last_error": self.last_error,
            "backlog": self.backlog,
            "backlog_rate_per_minute": self.backlog_rate_per_minute,
            "backlog_clears_in_seconds": self.backlog_clears_in_seconds,
            "concept_requests": self.concept_requests,
            "messages_upgraded": self.messages_upgraded,
            "tokens_per_message": self.tokens_per_message,
            "names_pending": self.names_pending,
            "batch_api": self.batch_api,
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
    stale_analyses: int = 0  # analyses by another embedder, redone by the sweep
    change_stream: str = ""  # "following", "starting", "unsupported", "off" or "error: ..."
    last_run: Optional[RunSummary] = None
    k_rule: str = ""  # "silhouette:2-12" or "fixed:8"
    min_cluster_size: int = 0  # smaller clusters go to the unnamed "other" bucket
    llm: LLMStatus = field(default_factory=LLMStatus)
    embedder_detail: str = ""  # where the model came from, or "fallback: <why>"
    next_automatic_run_at: Optional[datetime] = None  # when an automatic run may happen next
    scheduling_reason: str = ""  # why then (quiet hours, hourly cap, ...)
    quiet_hours: str = ""  # CLUSTERING_QUIET_HOURS, e.g. "01:00-05:00"; empty when none
    max_automatic_runs_per_hour: int = 0  # 0: no cap
    automatic_runs_last_hour: int = 0
    replica: ReplicaStatus = field(default_factory=ReplicaStatus)  # this replica and the clustering lease

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
            stale_analyses=status["stale_analyses"],
            change_stream=status["change_stream"],
            last_run=RunSummary.from_wire(last) if last is not None else None,
            k_rule=status["k_rule"],
            min_cluster_size=status["min_cluster_size"],
            llm=LLMStatus.from_wire(status),
            embedder_detail=status["embedder_detail"],
            next_automatic_run_at=_time(status["next_automatic_run_at_ms"]),
            scheduling_reason=status["scheduling_reason"],
            quiet_hours=status["quiet_hours"],
            max_automatic_runs_per_hour=status["max_automatic_runs_per_hour"],
            automatic_runs_last_hour=status["automatic_runs_last_hour"],
            replica=ReplicaStatus.from_wire(status["replica"]),
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
            "embedder_detail": self.embedder_detail,
            "triggers_total": self.triggers_total,
            "triggers_refused": self.triggers_refused,
            "swept_total": self.swept_total,
            "stale_analyses": self.stale_analyses,
            "change_stream": self.change_stream,
            "k_rule": self.k_rule,
            "min_cluster_size": self.min_cluster_size,
            "last_run": self.last_run.to_dict() if self.last_run else None,
            "scheduling": {
                "next_automatic_run_at": iso(self.next_automatic_run_at),
                "reason": self.scheduling_reason,
                "quiet_hours": self.quiet_hours or None,
                "max_automatic_runs_per_hour": self.max_automatic_runs_per_hour or None,
                "automatic_runs_last_hour": self.automatic_runs_last_hour,
            },
            "llm": self.llm.to_dict(),
            "replica": self.replica.to_dict(),
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
    lineage: str = ""  # born, continued, split or merged; empty from a server before lineage
    previous_stable_ids: List[str] = field(default_factory=list)  # its own first when it continued
    renamed: bool = False  # kept its stable id but was re-named because its membership drifted
    level: int = 0  # hierarchy level: 0 for base clusters, up to the top
    parent: Optional[str] = None  # stable id of its parent at level + 1; None at the top

    @classmethod
    def from_wire(cls, cluster: Mapping[str, Any]) -> "ClusterInfo":
        return cls(
            stable_id=cluster["stable_id"],
            name=cluster["name"],
            description=cluster["description"],
            size=cluster["size"],
            top_concepts=list(cluster["top_concepts"]),
            representative_conversation_ids=list(cluster["representative_conversation_ids"]),
            lineage=cluster["lineage"],
            previous_stable_ids=list(cluster["previous_stable_ids"]),
            renamed=cluster["renamed"],
            level=cluster.get("level", 0),
            parent=cluster.get("parent") or None,
        )

    def to_dict(self) -> Dict[str, Any]:
        """The cluster as ``clusterctl clusters --json`` prints it (lineage kind None when the server sent none)."""
        return {
            "stable_id": self.stable_id,
            "name": self.name,
            "description": self.description,
            "size": self.size,
            "top_concepts": list(self.top_concepts),
            "representative_conversation_ids": list(self.representative_conversation_ids),
            "lineage": {
                "kind": self.lineage or None,
                "previous_stable_ids": list(self.previous_stable_ids),
                "renamed": self.renamed,
            },
            "level": self.level,
            "parent": self.parent,
        }


@dataclass(frozen=True)
class ClusterListing:
    """A run and its clusters, largest first (ListClusters)."""

    run: RunSummary
    clusters: List[ClusterInfo]

    def to_dict(self) -> Dict[str, Any]:
        """The run (as in status, plus its ``lineage`` events) and its clusters."""
        run = self.run.to_dict()
        run["lineage"] = [event.to_dict() for event in self.run.lineage]
        return {"run": run, "clusters": [cluster.to_dict() for cluster in self.clusters]}


@dataclass(frozen=True)
class ForceResult:
    """The reply to ForceClustering."""

    started: bool  # this call started a run
    follow_up_queued: bool  # a run was in progress: exactly one follow-up is queued
    message: str


@dataclass(frozen=True)
class ForgetResult:
    """The reply to ForgetMessages: what the erasure removed."""

    analyses_erased: int  # analysis documents deleted
    assignments_erased: int  # cluster assignments deleted (a conversation's, in every run)
    clusters_scrubbed: int  # cluster updates: a representative conversation or orphaned top concepts removed


@dataclass(frozen=True)
class ClusterPathEntry:
    """One cluster on a conversation's path from its base cluster to the top level."""

    stable_id: str
    name: str
    level: int  # 0 for a base cluster, one more for each parent level
    size: int  # conversations in it (at the run)

    @classmethod
    def from_wire(cls, entry: Mapping[str, Any]) -> "ClusterPathEntry":
        return cls(stable_id=entry["stable_id"], name=entry["name"], level=entry["level"], size=entry["size"])

    def to_dict(self) -> Dict[str, Any]:
        return {"stable_id": self.stable_id, "name": self.name, "level": self.level, "size": self.size}


@dataclass(frozen=True)
class ConversationPlacement:
    """The reply to GetConversationCluster: where a conversation sits, its assignment in the latest successful
    run or, for a conversation analysed since, its provisional placement at that run's nearest base cluster."""

    conversation_id: str
    run_id: str  # the run whose clusters it is placed in
    provisional: bool  # placed between runs, not by the run itself
    distance: float  # cosine distance to its base cluster's centroid
    assigned_at: Optional[datetime]  # when the provisional placement was made; None for a run's own assignment
    path: List[ClusterPathEntry]  # the base cluster first, then each parent up to the top

    @classmethod
    def from_wire(cls, reply: Mapping[str, Any]) -> "ConversationPlacement":
        return cls(
            conversation_id=reply["conversation_id"],
            run_id=reply["run_id"],
            provisional=reply["provisional"],
            distance=reply["distance"],
            assigned_at=_time(reply["assigned_at_ms"]),
            path=[ClusterPathEntry.from_wire(entry) for entry in reply["path"]],
        )

    def to_dict(self) -> Dict[str, Any]:
        """The placement as ``clusterctl conversation ID --json`` prints it."""
        return {
            "conversation_id": self.conversation_id,
            "run_id": self.run_id,
            "provisional": self.provisional,
            "distance": self.distance if math.isfinite(self.distance) else None,
            "assigned_at": iso(self.assigned_at),
            "path": [entry.to_dict() for entry in self.path],
        }


CURATION_ACTIONS = ("rename", "pin", "unpin", "merge")


@dataclass(frozen=True)
class CurationChange:
    """One entry of the curation audit log (and the change a curation call made): who changed which topic, how,
    and when."""

    action: str  # one of CURATION_ACTIONS
    stable_id: str
    name: str  # the name a rename or pin kept; "" otherwise
    description: str  # the description a rename gave; "" otherwise
    into_stable_id: str  # a merge's surviving topic; "" otherwise
    previous_name: str  # the topic's name in the latest successful run before the change
    by: str  # "token" or "local", with the client's name in brackets: "token (my-backend)"
    at: Optional[datetime]

    @classmethod
    def from_wire(cls, change: Mapping[str, Any]) -> "CurationChange":
        return cls(
            action=change["action"],
            stable_id=change["stable_id"],
            name=change["name"],
            description=change["description"],
            into_stable_id=change["into_stable_id"],
            previous_name=change["previous_name"],
            by=change["by"],
            at=_time(change["at_ms"]),
        )

    def to_dict(self) -> Dict[str, Any]:
        """The change as ``clusterctl topic log --json`` and the HTTP gateway show it."""
        return {
            "action": self.action,
            "stable_id": self.stable_id,
            "name": self.name,
            "description": self.description,
            "into_stable_id": self.into_stable_id,
            "previous_name": self.previous_name,
            "by": self.by,
            "at": iso(self.at),
        }


@dataclass(frozen=True)
class TopicCuration:
    """A curated topic as it stands: a kept name (rename or pin) or a merge into another topic."""

    stable_id: str
    name: Optional[str]  # the kept name; None when the name is not curated
    description: Optional[str]
    merged_into: Optional[str]  # the surviving topic; None when not merged
    updated_by: str
    updated_at: Optional[datetime]

    @classmethod
    def from_wire(cls, topic: Mapping[str, Any]) -> "TopicCuration":
        return cls(
            stable_id=topic["stable_id"],
            name=topic["name"] or None,
            description=topic["description"] or None,
            merged_into=topic["merged_into"] or None,
            updated_by=topic["updated_by"],
            updated_at=_time(topic["updated_at_ms"]),
        )

    def to_dict(self) -> Dict[str, Any]:
        """The topic as ``clusterctl topic log --json`` and the HTTP gateway show it."""
        return {
            "stable_id": self.stable_id,
            "name": self.name,
            "description": self.description,
            "merged_into": self.merged_into,
            "updated_by": self.updated_by,
            "updated_at": iso(self.updated_at),
        }


@dataclass(frozen=True)
class CurationResult:
    """The reply to a curation call: the change as logged, and (for humans) what it does now and from the next
    run."""

    change: CurationChange
    message: str


@dataclass(frozen=True)
class CurationLog:
    """The reply to ListCuration: the curated topics and the logged changes, newest first."""

    topics: List[TopicCuration]
    changes: List[CurationChange]

    def to_dict(self) -> Dict[str, Any]:
        """The log as ``clusterctl topic log --json`` and ``GET /api/clustering/curation`` show it."""
        return {"topics": [t.to_dict() for t in self.topics], "changes": [c.to_dict() for c in self.changes]}


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
