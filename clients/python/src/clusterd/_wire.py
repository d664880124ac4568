"""The protobuf encoding of clusterd.v1, written by hand for the few message types the protocol has.

Proto3 rules: scalar fields at their default value are not written; unknown fields are skipped on
decoding (so a newer server's additions are ignored); a message decodes into a dict holding every
field of its schema (defaults for absent ones). Repeated numeric fields are decoded packed (proto3's
default, what protobuf-c sends) or unpacked, and encoded unpacked (which every parser accepts).
``SCHEMA`` mirrors ``proto/clusterd/v1/clusterd.proto``; ``tests/test_wire.py`` checks it against
that file, so the two cannot drift apart unnoticed.
"""

from __future__ import annotations

import struct
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Tuple

__all__ = ["Field", "SCHEMA", "FRAME_BODIES", "DecodeError", "encode", "decode"]


class DecodeError(ValueError):
    """Bytes that are not a valid encoding of the expected message."""


class Field(NamedTuple):
    """One field of a message: its name, proto type, whether repeated, and the message type it holds."""

    name: str
    kind: str  # uint32 uint64 int64 bool string double enum message
    repeated: bool = False
    message: Optional[str] = None


def _f(name: str, kind: str, repeated: bool = False, message: Optional[str] = None) -> Field:
    return Field(name, kind, repeated, message)


# Field number -> Field, per message (full names without the package).
SCHEMA: Dict[str, Dict[int, Field]] = {
    "Frame": {
        1: _f("call_id", "uint64"),
        10: _f("hello", "message", message="Hello"),
        11: _f("hello_reply", "message", message="HelloReply"),
        12: _f("trigger_analysis", "message", message="TriggerAnalysisRequest"),
        13: _f("trigger_analysis_reply", "message", message="TriggerAnalysisReply"),
        14: _f("force_clustering", "message", message="ForceClusteringRequest"),
        15: _f("force_clustering_reply", "message", message="ForceClusteringReply"),
        16: _f("get_status", "message", message="GetStatusRequest"),
        17: _f("get_status_reply", "message", message="GetStatusReply"),
        18: _f("list_clusters", "message", message="ListClustersRequest"),
        19: _f("list_clusters_reply", "message", message="ListClustersReply"),
        20: _f("error", "message", message="Error"),
        21: _f("list_runs", "message", message="ListRunsRequest"),
        22: _f("list_runs_reply", "message", message="ListRunsReply"),
        23: _f("trigger_analysis_batch", "message", message="TriggerAnalysisBatchRequest"),
        24: _f("trigger_analysis_batch_reply", "message", message="TriggerAnalysisBatchReply"),
        25: _f("forget_messages", "message", message="ForgetMessagesRequest"),
        26: _f("forget_messages_reply", "message", message="ForgetMessagesReply"),
        27: _f("get_conversation_cluster", "message", message="GetConversationClusterRequest"),
        28: _f("get_conversation_cluster_reply", "message", message="GetConversationClusterReply"),
        29: _f("get_report", "message", message="GetReportRequest"),
        30: _f("get_report_reply", "message", message="GetReportReply"),
        31: _f("export_assignments", "message", message="ExportAssignmentsRequest"),
        32: _f("export_assignments_reply", "message", message="ExportAssignmentsReply"),
        33: _f("get_topic_history", "message", message="GetTopicHistoryRequest"),
        34: _f("get_topic_history_reply", "message", message="GetTopicHistoryReply"),
        35: _f("curate_topic", "message", message="CurateTopicRequest"),
        36: _f("curate_topic_reply", "message", message="CurateTopicReply"),
        37: _f("list_curation", "message", message="ListCurationRequest"),
        38: _f("list_curation_reply", "message", message="ListCurationReply"),
    },
    "Hello": {1: _f("protocol_version", "uint32"), 2: _f("client_name", "string"), 3: _f("token", "string")},
    "HelloReply": {
        1: _f("protocol_version", "uint32"),
        2: _f("server_version", "string"),
        3: _f("max_frame_bytes", "uint32"),
    },
    "TriggerAnalysisRequest": {1: _f("message_id", "string"), 2: _f("conversation_id", "string")},
    "TriggerAnalysisReply": {1: _f("outcome", "enum"), 2: _f("queue_depth", "uint32")},
    "ForceClusteringRequest": {},
    "ForceClusteringReply": {
        1: _f("started", "bool"),
        2: _f("follow_up_queued", "bool"),
        3: _f("message", "string"),
    },
    "GetStatusRequest": {},
    "GetStatusReply": {1: _f("status", "message", message="Status")},
    "ListClustersRequest": {
        1: _f("run_id", "string"),
        2: _f("page_token", "string"),
        3: _f("page_size", "uint32"),
    },
    "ListClustersReply": {
        1: _f("run", "message", message="RunSummary"),
        2: _f("clusters", "message", True, "ClusterInfo"),
        3: _f("next_page_token", "string"),
    },
    "ListRunsRequest": {
        1: _f("limit", "uint32"),
        2: _f("page_token", "string"),
        3: _f("page_size", "uint32"),
    },
    "ListRunsReply": {
        1: _f("runs", "message", True, "RunSummary"),
        2: _f("next_page_token", "string"),
    },
    "TriggerAnalysisBatchRequest": {1: _f("items", "message", True, "TriggerAnalysisRequest")},
    "TriggerAnalysisBatchReply": {
        1: _f("results", "message", True, "TriggerAnalysisBatchReply.Result"),
        2: _f("queue_depth", "uint32"),
    },
    "TriggerAnalysisBatchReply.Result": {
        1: _f("outcome", "enum"),
        2: _f("error_code", "enum"),
        3: _f("error_message", "string"),
    },
    "ForgetMessagesRequest": {1: _f("message_ids", "string", True), 2: _f("conversation_id", "string")},
    "ForgetMessagesReply": {
        1: _f("analyses_erased", "uint64"),
        2: _f("assignments_erased", "uint64"),
        3: _f("clusters_scrubbed", "uint64"),
    },
    "GetConversationClusterRequest": {1: _f("conversation_id", "string")},
    "GetConversationClusterReply": {
        1: _f("conversation_id", "string"),
        2: _f("run_id", "string"),
        3: _f("provisional", "bool"),
        4: _f("distance", "double"),
        5: _f("assigned_at_ms", "int64"),
        6: _f("path", "message", True, "ClusterPathEntry"),
    },
    "ClusterPathEntry": {
        1: _f("stable_id", "string"),
        2: _f("name", "string"),
        3: _f("level", "uint32"),
        4: _f("size", "uint64"),
    },
    "Error": {1: _f("code", "enum"), 2: _f("message", "string")},
    "Status": {
        1: _f("enabled", "bool"),
        2: _f("clustering_in_progress", "bool"),
        3: _f("unprocessed_messages", "uint64"),
        4: _f("minutes_since_last_clustering", "int64"),
        5: _f("should_trigger_clustering", "bool"),
        6: _f("trigger_reason", "string"),
        7: _f("configuration", "message", message="Configuration"),
        8: _f("latest_clustering_run", "message", message="RunSummary"),
        20: _f("queue_depth", "uint32"),
        21: _f("queue_capacity", "uint32"),
        22: _f("in_flight_analyses", "uint32"),
        23: _f("analyzed_total", "uint64"),
        24: _f("failed_total", "uint64"),
        25: _f("last_error", "string"),
        26: _f("clustering_stage", "string"),
        27: _f("clustering_progress", "double"),
        28: _f("follow_up_queued", "bool"),
        29: _f("degraded", "string", True),
        30: _f("uptime_seconds", "double"),
        31: _f("version", "string"),
        32: _f("embedder", "string"),
        33: _f("triggers_total", "uint64"),
        34: _f("triggers_refused", "uint64"),
        35: _f("swept_total", "uint64"),
        36: _f("last_run", "message", message="RunSummary"),
        37: _f("stale_analyses", "uint64"),
        38: _f("change_stream", "string"),
        40: _f("k_rule", "string"),
        41: _f("min_cluster_size", "uint32"),
        50: _f("llm_state", "string"),
        51: _f("llm_model", "string"),
        52: _f("llm_calls", "uint64"),
        53: _f("llm_failures", "uint64"),
        54: _f("llm_retries", "uint64"),
        55: _f("llm_local_fallbacks", "uint64"),
        56: _f("llm_tokens_today", "uint64"),
        57: _f("llm_daily_token_budget", "uint64"),
        58: _f("llm_tokens_total", "uint64"),
        59: _f("llm_last_error", "string"),
        70: _f("embedder_detail", "string"),
        80: _f("next_automatic_run_at_ms", "int64"),
        81: _f("scheduling_reason", "string"),
        82: _f("quiet_hours", "string"),
        83: _f("max_automatic_runs_per_hour", "uint32"),
        84: _f("automatic_runs_last_hour", "uint32"),
        85: _f("replica", "message", message="ReplicaStatus"),
        86: _f("llm_backlog", "uint64"),
        87: _f("llm_backlog_rate_per_minute", "double"),
        88: _f("llm_backlog_clears_in_seconds", "double"),
        89: _f("llm_concept_requests", "uint64"),
        90: _f("llm_messages_upgraded", "uint64"),
        91: _f("llm_tokens_per_message", "double"),
        92: _f("llm_names_pending", "uint32"),
        93: _f("llm_batch_api", "string"),
    },
    "ReplicaStatus": {
        1: _f("id", "string"),
        2: _f("leader", "string"),
        3: _f("is_leader", "bool"),
        4: _f("fencing_token", "int64"),
        5: _f("lease_age_seconds", "double"),
        6: _f("live_claims", "uint64"),
    },
    "Configuration": {
        1: _f("message_threshold", "uint32"),
        2: _f("time_threshold_minutes", "uint32"),
        3: _f("analysis_workers", "uint32"),
        4: _f("queue_capacity", "uint32"),
    },
    "RunSummary": {
        1: _f("id", "string"),
        2: _f("status", "string"),
        3: _f("created_at_ms", "int64"),
        4: _f("finished_at_ms", "int64"),
        5: _f("trigger_reason", "string"),
        6: _f("total_conversations", "uint64"),
        7: _f("total_messages", "uint64"),
        8: _f("clusters_created", "uint32"),
        9: _f("duration_ms", "uint64"),
        10: _f("error", "string"),
        11: _f("metrics", "message", message="RunMetrics"),
        12: _f("lineage", "message", True, "LineageEvent"),
    },
    "RunMetrics": {
        1: _f("silhouette", "double"),
        2: _f("inertia", "double"),
        3: _f("sizes", "uint64", True),
        4: _f("k", "uint32"),
        5: _f("churn", "double"),
        6: _f("adjusted_rand_index", "double"),
        7: _f("compared_conversations", "uint64"),
        8: _f("level_sizes", "uint64", True),
    },
    "LineageEvent": {
        1: _f("kind", "string"),
        2: _f("stable_ids", "string", True),
        3: _f("previous_stable_ids", "string", True),
        4: _f("renamed", "bool"),
        5: _f("overlap", "double"),
    },
    "ClusterInfo": {
        1: _f("stable_id", "string"),
        2: _f("name", "string"),
        3: _f("description", "string"),
        4: _f("size", "uint64"),
        5: _f("top_concepts", "string", True),
        6: _f("representative_conversation_ids", "string", True),
        7: _f("lineage", "string"),
        8: _f("previous_stable_ids", "string", True),
        9: _f("renamed", "bool"),
        10: _f("level", "uint32"),
        11: _f("parent", "string"),
    },
    "ExportAssignmentsRequest": {
        1: _f("run_id", "string"),
        2: _f("after", "string"),
        3: _f("provisional", "bool"),
        4: _f("limit", "uint32"),
    },
    "ExportAssignmentsReply": {
        1: _f("run_id", "string"),
        2: _f("assignments", "message", True, "ExportedAssignment"),
        3: _f("next_after", "string"),
        4: _f("done", "bool"),
    },
    "ExportedAssignment": {
        1: _f("conversation_id", "string"),
        2: _f("stable_id", "string"),
        3: _f("distance", "double"),
        4: _f("provisional", "bool"),
        5: _f("assigned_at_ms", "int64"),
    },
    "GetTopicHistoryRequest": {1: _f("stable_id", "string"), 2: _f("has_level", "bool"), 3: _f("level", "uint32")},
    "GetTopicHistoryReply": {1: _f("stable_id", "string"), 2: _f("entries", "message", True, "TopicHistoryEntry")},
    "TopicHistoryEntry": {
        1: _f("run_id", "string"),
        2: _f("created_at_ms", "int64"),
        3: _f("present", "bool"),
        4: _f("name", "string"),
        5: _f("size", "uint64"),
        6: _f("level", "uint32"),
        7: _f("parent", "string"),
        8: _f("events", "message", True, "LineageEvent"),
    },
    "CurateTopicRequest": {
        1: _f("action", "string"),
        2: _f("stable_id", "string"),
        3: _f("name", "string"),
        4: _f("description", "string"),
        5: _f("into_stable_id", "string"),
    },
    "CurateTopicReply": {1: _f("change", "message", message="CurationChange"), 2: _f("message", "string")},
    "CurationChange": {
        1: _f("action", "string"),
        2: _f("stable_id", "string"),
        3: _f("name", "string"),
        4: _f("description", "string"),
        5: _f("into_stable_id", "string"),
        6: _f("previous_name", "string"),
        7: _f("by", "string"),
        8: _f("at_ms", "int64"),
    },
    "ListCurationRequest": {1: _f("stable_id", "string"), 2: _f("limit", "uint32")},
    "GetReportRequest": {
        1: _f("run_id", "string"),
        2: _f("no_text", "bool"),
        3: _f("offset", "uint32"),
        4: _f("limit", "uint32"),
    },
    "GetReportReply": {
        1: _f("run_id", "string"),
        2: _f("total_clusters", "uint32"),
        3: _f("next_offset", "uint32"),
        4: _f("model_json", "string"),
    },
    "ListCurationReply": {
        1: _f("topics", "message", True, "TopicCuration"),
        2: _f("changes", "message", True, "CurationChange"),
    },
    "TopicCuration": {
        1: _f("stable_id", "string"),
        2: _f("name", "string"),
        3: _f("description", "string"),
        4: _f("merged_into", "string"),
        5: _f("updated_by", "string"),
        6: _f("updated_at_ms", "int64"),
    },
}

# The members of Frame's `oneof body`.
FRAME_BODIES = frozenset(field.name for number, field in SCHEMA["Frame"].items() if number >= 10)

_VARINT, _FIXED64, _LENGTH, _FIXED32 = 0, 1, 2, 5
_WIRE_TYPE = {
    "uint32": _VARINT,
    "uint64": _VARINT,
    "int64": _VARINT,
    "bool": _VARINT,
    "enum": _VARINT,
    "double": _FIXED64,
    "string": _LENGTH,
    "message": _LENGTH,
}
_BY_NAME: Dict[str, Dict[str, Tuple[int, Field]]] = {
    message: {field.name: (number, field) for number, field in fields.items()} for message, fields in SCHEMA.items()
}


# ---- encoding ---------------------------------------------------------------------------------


def _varint(value: int, out: bytearray) -> None:
    if value < 0:
        value += 1 << 64  # int64 and enums: two's complement, ten bytes
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return


def _is_default(field: Field, value: Any) -> bool:
    if field.kind == "message":
        return value is None
    return value in (0, "", False, None)


def _encode_into(message: str, values: Mapping[str, Any], out: bytearray) -> None:
    fields = _BY_NAME[message]
    for name, value in values.items():
        try:
            number, field = fields[name]
        except KeyError:
            raise ValueError(f"{message} has no field {name!r}") from None
        items = value if field.repeated else [value]
        for item in items:
            if not field.repeated and _is_default(field, item):
                continue
            _varint((number << 3) | _WIRE_TYPE[field.kind], out)
            if field.kind == "string":
                data = item.encode("utf-8")
                _varint(len(data), out)
                out += data
            elif field.kind == "message":
                assert field.message is not None
                inner = bytearray()
                _encode_into(field.message, item, inner)
                _varint(len(inner), out)
                out += inner
            elif field.kind == "double":
                out += struct.pack("<d", float(item))
            elif field.kind == "bool":
                out.append(1 if item else 0)
            else:
                _varint(int(item), out)


def encode(message: str, values: Mapping[str, Any]) -> bytes:
    """Encodes ``values`` (field name -> value; lists for repeated fields, dicts for messages) as ``message``."""
    out = bytearray()
    _encode_into(message, values, out)
    return bytes(out)


# ---- decoding ---------------------------------------------------------------------------------


def _read_varint(data: bytes, pos: int, end: int) -> Tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if pos >= end:
            raise DecodeError("truncated varint")
        byte = data[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift >= 70:
            raise DecodeError("varint longer than ten bytes")


def _default(field: Field) -> Any:
    if field.repeated:
        return []
    return {"message": None, "string": "", "bool": False, "double": 0.0}.get(field.kind, 0)


def _scalar(field: Field, number_value: int, fixed: bytes) -> Any:
    """A varint or fixed-width value as ``field``'s Python type."""
    if field.kind == "double":
        return struct.unpack("<d", fixed)[0]
    if field.kind == "bool":
        return number_value != 0
    if field.kind == "int64":
        number_value &= 0xFFFFFFFFFFFFFFFF
        return number_value - (1 << 64) if number_value >= 1 << 63 else number_value
    if field.kind == "uint32":
        return number_value & 0xFFFFFFFF
    if field.kind == "enum":
        value = number_value & 0xFFFFFFFF
        return value - (1 << 32) if value >= 1 << 31 else value
    return number_value & 0xFFFFFFFFFFFFFFFF


def _packed(message: str, field: Field, data: bytes, pos: int, end: int) -> List[Any]:
    """The values of a packed repeated scalar field (proto3's default encoding for them) in data[pos:end]."""
    values: List[Any] = []
    if _WIRE_TYPE[field.kind] == _FIXED64:
        if (end - pos) % 8:
            raise DecodeError(f"{message}.{field.name}: packed fixed64 length {end - pos} is not a multiple of 8")
        for offset in range(pos, end, 8):
            values.append(_scalar(field, 0, data[offset : offset + 8]))
        return values
    while pos < end:
        number_value, pos = _read_varint(data, pos, end)
        values.append(_scalar(field, number_value, b""))
    return values


def _decode_range(message: str, data: bytes, pos: int, end: int) -> Dict[str, Any]:
    fields = SCHEMA[message]
    result: Dict[str, Any] = {field.name: _default(field) for field in fields.values()}
    while pos < end:
        key, pos = _read_varint(data, pos, end)
        number, wire_type = key >> 3, key & 7
        if number == 0:
            raise DecodeError("field number 0")
        number_value = 0
        fixed = b""
        start = pos
        if wire_type == _VARINT:
            number_value, pos = _read_varint(data, pos, end)
        elif wire_type == _FIXED64:
            if pos + 8 > end:
                raise DecodeError("truncated fixed64")
            fixed, pos = data[pos : pos + 8], pos + 8
        elif wire_type == _FIXED32:
            if pos + 4 > end:
                raise DecodeError("truncated fixed32")
            fixed, pos = data[pos : pos + 4], pos + 4
        elif wire_type == _LENGTH:
            length, pos = _read_varint(data, pos, end)
            if pos + length > end:
                raise DecodeError("truncated length-delimited field")
            start, pos = pos, pos + length
        else:
            raise DecodeError(f"unsupported wire type {wire_type}")
        field = fields.get(number)
        if field is None:
            continue  # unknown field: a newer peer's; skipped
        if field.repeated and wire_type == _LENGTH and _WIRE_TYPE[field.kind] != _LENGTH:
            result[field.name].extend(_packed(message, field, data, start, pos))  # parsers take both encodings
            continue
        if _WIRE_TYPE[field.kind] != wire_type:
            raise DecodeError(f"{message}.{field.name}: wire type {wire_type}, expected {_WIRE_TYPE[field.kind]}")
        value: Any
        if field.kind == "string":
            value = data[start:pos].decode("utf-8", errors="replace")
        elif field.kind == "message":
            assert field.message is not None
            value = _decode_range(field.message, data, start, pos)
        else:
            value = _scalar(field, number_value, fixed)
        if field.repeated:
            result[field.name].append(value)
        else:
            if message == "Frame" and field.name in FRAME_BODIES:
                for other in FRAME_BODIES:  # a oneof: the last member seen wins
                    result[other] = None
            result[field.name] = value
    return result


def decode(message: str, data: bytes) -> Dict[str, Any]:
    """Decodes ``data`` as ``message`` into a dict with every schema field; raises DecodeError."""
    return _decode_range(message, bytes(data), 0, len(data))


def body_of(frame: Mapping[str, Any]) -> Tuple[Optional[str], Optional[Dict[str, Any]]]:
    """The name and value of a decoded Frame's body, or (None, None) when it has none (or an unknown one)."""
    for name in FRAME_BODIES:
        value = frame.get(name)
        if value is not None:
            return name, value
    return None, None


def encode_frame(call_id: int, body: str, values: Mapping[str, Any]) -> bytes:
    """A Frame with ``call_id`` and the oneof member ``body`` set to ``values``, without the length prefix."""
    if body not in FRAME_BODIES:
        raise ValueError(f"{body!r} is not a Frame body")
    return encode("Frame", {"call_id": call_id, body: dict(values)})


def repeated_names(message: str) -> List[str]:
    """Names of the repeated fields of ``message`` (for tests)."""
    return [field.name for field in SCHEMA[message].values() if field.repeated]
