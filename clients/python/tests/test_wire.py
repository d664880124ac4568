"""The hand-written protobuf encoding and the I/O-free framing, without a server."""

from __future__ import annotations

import re
import struct
from pathlib import Path
from typing import Dict, Tuple

import pytest

from clusterd import _wire
from clusterd._protocol import FrameReader, Protocol, split_address
from clusterd.errors import Code, FrameTooLargeError, ProtocolError, ServerError
from clusterd.models import (
    ClusterInfo,
    ClusterListing,
    ClusterPathEntry,
    ConversationPlacement,
    CurationChange,
    CurationResult,
    ForgetResult,
    TopicCuration,
    RunSummary,
    Status,
    TriggerOutcome,
)

PROTO = Path(__file__).resolve().parents[3] / "proto" / "clusterd" / "v1" / "clusterd.proto"

_SCALARS = {"uint32", "uint64", "int64", "bool", "string", "double"}


def _proto_fields() -> Dict[str, Dict[int, Tuple[str, str, bool]]]:
    """message name -> field number -> (name, kind, repeated), parsed from the .proto file."""
    text = re.sub(r"//[^\n]*", "", PROTO.read_text())
    enums = set(re.findall(r"\benum\s+(\w+)", text))
    messages: Dict[str, Dict[int, Tuple[str, str, bool]]] = {}
    stack = []
    for token in re.finditer(r"\bmessage\s+(\w+)\s*\{|\benum\s+\w+\s*\{|\boneof\s+\w+\s*\{|\}|([^;{}]+);", text):
        if token.group(1):
            stack.append(("message", token.group(1)))
            messages[".".join(name for kind, name in stack if kind == "message")] = {}
        elif token.group(0).startswith(("enum", "oneof")):
            stack.append(("block", ""))
        elif token.group(0) == "}":
            stack.pop()
        elif token.group(2) and stack and stack[-1][0] in ("message", "block"):
            statement = token.group(2).strip()
            match = re.fullmatch(r"(repeated\s+)?([\w.]+)\s+(\w+)\s*=\s*(\d+)", statement)
            owner = [name for kind, name in stack if kind == "message"]
            if match is None or not owner or (stack[-1][0] == "block" and not _in_oneof(stack)):
                continue
            type_name = match.group(2)
            kind = type_name if type_name in _SCALARS else (
                "enum" if type_name.split(".")[-1] in enums else "message"
            )
            messages[".".join(owner)][int(match.group(4))] = (match.group(3), kind, bool(match.group(1)))
    return messages


def _in_oneof(stack: list) -> bool:
    return True  # enum bodies hold "NAME = N;" statements, which the field pattern does not match


def test_schema_matches_the_proto_file() -> None:
    parsed = _proto_fields()
    assert set(parsed) == set(_wire.SCHEMA), "messages differ"
    for message, fields in _wire.SCHEMA.items():
        ours = {number: (field.name, field.kind, field.repeated) for number, field in fields.items()}
        assert ours == parsed[message], message


SAMPLES = {
    "hello": {"protocol_version": 1, "client_name": "pytest", "token": "sécret"},
    "hello_reply": {"protocol_version": 1, "server_version": "0.1.0", "max_frame_bytes": 1 << 20},
    "trigger_analysis": {"message_id": "65a1b2c3d4e5f60718293a4b", "conversation_id": "c1"},
    "trigger_analysis_reply": {"outcome": 2, "queue_depth": 17},
    "force_clustering": {},
    "force_clustering_reply": {"started": False, "follow_up_queued": True, "message": "queued"},
    "get_status": {},
    "list_clusters": {"run_id": "r1"},
    "list_clusters_reply": {
        "run": {"id": "r1", "status": "succeeded", "created_at_ms": 1736544600000, "clusters_created": 2},
        "clusters": [
            {"stable_id": "s1", "name": "n", "size": 3, "top_concepts": ["a", "b"]},
            {"stable_id": "s2", "representative_conversation_ids": ["c1"]},
        ],
    },
    "list_runs": {"limit": 5},
    "list_runs_reply": {"runs": [{"id": "r2", "status": "failed", "error": "boom"}, {"id": "r1"}]},
    "trigger_analysis_batch": {"items": [{"message_id": "a"}, {"message_id": "b", "conversation_id": "c"}]},
    "trigger_analysis_batch_reply": {
        "results": [{"outcome": 1}, {"error_code": 8, "error_message": "queue full"}],
        "queue_depth": 4,
    },
    "forget_messages": {"message_ids": ["a", "65a1b2c3d4e5f60718293a4b"], "conversation_id": ""},
    "forget_messages_reply": {"analyses_erased": 3, "assignments_erased": 2, "clusters_scrubbed": 2**40},
    "get_conversation_cluster": {"conversation_id": "conv-1"},
    "get_conversation_cluster_reply": {
        "conversation_id": "conv-1",
        "run_id": "r1",
        "provisional": True,
        "distance": 0.25,
        "assigned_at_ms": 1736544600123,
        "path": [{"stable_id": "s1", "name": "Refunds", "size": 12}, {"stable_id": "s2", "level": 1, "size": 2**40}],
    },
    "export_assignments": {"run_id": "r1", "after": "a65a1b2c3d4e5f60718293a4b", "provisional": True, "limit": 500},
    "export_assignments_reply": {
        "run_id": "r1",
        "assignments": [
            {"conversation_id": "c,1", "stable_id": "s1", "distance": 0.5},
            {"conversation_id": "c2", "stable_id": "s2", "provisional": True, "assigned_at_ms": 1736544600123},
        ],
        "next_after": "sc2",
        "done": True,
    },
    "get_topic_history": {"stable_id": "s1", "has_level": True, "level": 0},
    "get_topic_history_reply": {
        "stable_id": "s1",
        "entries": [
            {"run_id": "r2", "created_at_ms": 1736544600000, "present": True, "name": "Refunds", "size": 4},
            {"run_id": "r1", "events": [{"kind": "born", "stable_ids": ["s1"]}]},
        ],
    },
    "curate_topic": {"action": "merge", "stable_id": "s2", "into_stable_id": "s1"},
    "curate_topic_reply": {
        "change": {"action": "rename", "stable_id": "s1", "name": "Money", "by": "local", "at_ms": 1736544600000},
        "message": "renamed",
    },
    "list_curation": {"stable_id": "s1", "limit": 10},
    "list_curation_reply": {
        "topics": [{"stable_id": "s2", "merged_into": "s1", "updated_by": "token (pytest)"}],
        "changes": [{"action": "merge", "stable_id": "s2", "into_stable_id": "s1", "by": "token (pytest)"}],
    },
    "get_report": {"run_id": "r1", "no_text": True, "offset": 250, "limit": 250},
    "get_report_reply": {"run_id": "r1", "total_clusters": 300, "next_offset": 300, "model_json": "{}"},
    "error": {"code": 16, "message": "no"},
}


def _expand(message: str, values: dict) -> dict:
    """values with every other field at its default, as decode returns them."""
    full = {field.name: _wire._default(field) for field in _wire.SCHEMA[message].values()}
    for name, value in values.items():
        field = next(f for f in _wire.SCHEMA[message].values() if f.name == name)
        if field.kind == "message" and field.message is not None:
            value = [_expand(field.message, v) for v in value] if field.repeated else _expand(field.message, value)
        full[name] = value
    return full


@pytest.mark.parametrize("body", sorted(SAMPLES))
def test_every_frame_body_round_trips(body: str) -> None:
    frame = _wire.decode("Frame", _wire.encode_frame(2**64 - 1, body, SAMPLES[body]))
    assert frame["call_id"] == 2**64 - 1
    name, value = _wire.body_of(frame)
    assert name == body
    field = next(f for f in _wire.SCHEMA["Frame"].values() if f.name == body)
    assert value == _expand(field.message or "", SAMPLES[body])


def test_every_body_kind_has_a_sample() -> None:
    assert set(SAMPLES) | {"get_status_reply"} == set(_wire.FRAME_BODIES)


def test_status_round_trips_negative_minutes_doubles_and_repeated() -> None:
    status = {
        "enabled": True,
        "minutes_since_last_clustering": -1,
        "clustering_progress": 0.25,
        "uptime_seconds": 12.5,
        "degraded": ["store", "embedder:fallback"],
        "configuration": {"message_threshold": 3, "time_threshold_minutes": 30, "analysis_workers": 2},
        "last_run": {"id": "r", "status": "running", "created_at_ms": 1736544600123},
    }
    data = _wire.encode_frame(1, "get_status_reply", {"status": status})
    decoded = Status.from_wire(_wire.decode("Frame", data)["get_status_reply"]["status"])
    assert decoded.minutes_since_last_clustering is None
    assert decoded.clustering_progress == 0.25 and decoded.uptime_seconds == 12.5
    assert decoded.degraded == ["store", "embedder:fallback"]
    assert decoded.message_threshold == 3 and decoded.analysis_workers == 2
    assert decoded.last_run is not None and decoded.last_run.to_dict()["created_at"] == "2025-01-10T21:30:00Z"
    assert decoded.latest_clustering_run is None
    assert decoded.seed_dict()["latest_clustering_run"] is None


def _key(number: int, wire_type: int) -> bytes:
    out = bytearray()
    _wire._varint(number << 3 | wire_type, out)
    return bytes(out)


def _length_delimited(number: int, payload: bytes) -> bytes:
    out = bytearray(_key(number, 2))
    _wire._varint(len(payload), out)
    return bytes(out) + payload


def _packed_varints(values: list) -> bytes:
    out = bytearray()
    for value in values:
        _wire._varint(value, out)
    return bytes(out)


def test_packed_repeated_scalars_decode_as_unpacked_ones() -> None:
    # RunMetrics.sizes as protobuf-c sends it: one length-delimited field holding the varints.
    sizes = [120, 98, 2**64 - 1, 0, 1]
    packed = _length_delimited(3, _packed_varints(sizes))
    assert _wire.decode("RunMetrics", packed)["sizes"] == sizes
    unpacked = _wire.encode("RunMetrics", {"sizes": sizes})
    assert unpacked != packed and _wire.decode("RunMetrics", unpacked)["sizes"] == sizes
    # Both encodings of one field may be mixed in one message; the values concatenate in order.
    mixed = packed + _wire.encode("RunMetrics", {"sizes": [7]}) + _length_delimited(3, _packed_varints([8, 9]))
    assert _wire.decode("RunMetrics", mixed)["sizes"] == sizes + [7, 8, 9]
    assert _wire.decode("RunMetrics", _length_delimited(3, b""))["sizes"] == []
    # A packed value that runs past the field's end is refused, as is a packed double of a wrong length.
    with pytest.raises(_wire.DecodeError, match="truncated varint"):
        _wire.decode("RunMetrics", _length_delimited(3, b"\x05\x80") + _key(4, 0) + b"\x01")
    _wire.SCHEMA["PackedDoubles"] = {1: _wire.Field("values", "double", True)}
    try:
        doubles = _length_delimited(1, struct.pack("<3d", 1.5, -2.0, float("inf")))
        assert _wire.decode("PackedDoubles", doubles)["values"] == [1.5, -2.0, float("inf")]
        with pytest.raises(_wire.DecodeError, match="not a multiple of 8"):
            _wire.decode("PackedDoubles", _length_delimited(1, b"\0" * 12))
    finally:
        del _wire.SCHEMA["PackedDoubles"]
    # Wire type 2 stays refused for a singular scalar: only repeated fields are packed.
    with pytest.raises(_wire.DecodeError, match="RunMetrics.k: wire type 2"):
        _wire.decode("RunMetrics", _length_delimited(4, b"\x01"))


def _metrics_bytes(silhouette: float, churn: float, rand: float, sizes: list) -> bytes:
    """A RunMetrics as the server encodes it: sizes packed, undefined doubles as NaN."""
    return (
        _key(1, 1)
        + struct.pack("<d", silhouette)
        + _key(2, 1)
        + struct.pack("<d", 41.25)
        + _length_delimited(3, _packed_varints(sizes))
        + _key(4, 0)
        + bytes([len(sizes)])
        + _key(5, 1)
        + struct.pack("<d", churn)
        + _key(6, 1)
        + struct.pack("<d", rand)
        + _key(7, 0)
        + b"\x0c"
    )


def test_run_metrics_and_lineage_decode_with_nan_as_none() -> None:
    nan = float("nan")
    lineage = [
        {"kind": "continued", "stable_ids": ["a"], "previous_stable_ids": ["a"], "renamed": True, "overlap": 0.75},
        {"kind": "born", "stable_ids": ["b"], "overlap": nan},
        {"kind": "split", "stable_ids": ["b", "c"], "previous_stable_ids": ["x"], "overlap": nan},
        {"kind": "retired", "previous_stable_ids": ["y"], "overlap": nan},
        {"kind": "someday", "stable_ids": ["z"]},  # a newer server's kind: kept, not counted
    ]
    run_bytes = _wire.encode("RunSummary", {"id": "r", "status": "succeeded", "created_at_ms": 1736544600000})
    run_bytes += _length_delimited(11, _metrics_bytes(0.3125, nan, nan, [5, 4, 2, 1]))
    for event in lineage:
        run_bytes += _length_delimited(12, _wire.encode("LineageEvent", event))
    run = RunSummary.from_wire(_wire.decode("RunSummary", run_bytes))
    assert run.metrics is not None
    assert run.metrics.silhouette == 0.3125 and run.metrics.churn is None and run.metrics.adjusted_rand_index is None
    assert run.metrics.sizes == [5, 4, 2, 1] and run.metrics.k == 4 and run.metrics.compared_conversations == 12
    assert [event.kind for event in run.lineage] == ["continued", "born", "split", "retired", "someday"]
    assert run.lineage[0].overlap == 0.75 and run.lineage[0].renamed and run.lineage[1].overlap is None
    assert run.lineage[3].stable_ids == [] and run.lineage[3].previous_stable_ids == ["y"]
    document = run.to_dict()
    assert document["metrics"] == {
        "silhouette": 0.3125,
        "inertia": 41.25,
        "k": 4,
        "sizes": [5, 4, 2, 1],
        "size_min": 1,
        "size_median": 3.0,
        "size_max": 5,
        "churn": None,
        "adjusted_rand_index": None,
        "compared_conversations": 12,
        "level_sizes": [],
    }
    assert document["lineage_counts"] == {"born": 1, "continued": 1, "split": 1, "merged": 0, "retired": 1}
    assert "lineage" not in document  # status carries only the counts

    # A second run, compared with the first: every number defined; an odd count of sizes has a whole median.
    compared = RunSummary.from_wire(
        _wire.decode("RunSummary", _length_delimited(11, _metrics_bytes(nan, 0.25, -0.5, [3, 9, 1])))
    )
    assert compared.metrics is not None and compared.metrics.to_dict()["silhouette"] is None
    assert (compared.metrics.churn, compared.metrics.adjusted_rand_index) == (0.25, -0.5)
    assert (compared.metrics.size_min, compared.metrics.size_median, compared.metrics.size_max) == (1, 3.0, 9)

    # A run without metrics or lineage (running, failed, or from an older server).
    bare = RunSummary.from_wire(_wire.decode("RunSummary", _wire.encode("RunSummary", {"id": "f", "status": "failed"})))
    assert bare.metrics is None and bare.lineage == []
    assert bare.to_dict()["metrics"] is None
    assert bare.to_dict()["lineage_counts"] == {"born": 0, "continued": 0, "split": 0, "merged": 0, "retired": 0}

    listing = ClusterListing(run, [])
    assert [event["kind"] for event in listing.to_dict()["run"]["lineage"]][:2] == ["continued", "born"]
    assert listing.to_dict()["run"]["lineage"][1]["overlap"] is None


def test_cluster_lineage_fields() -> None:
    values = {"stable_id": "a", "lineage": "merged", "previous_stable_ids": ["p", "q"], "renamed": True}
    cluster = ClusterInfo.from_wire(_wire.decode("ClusterInfo", _wire.encode("ClusterInfo", values)))
    assert (cluster.lineage, cluster.previous_stable_ids, cluster.renamed) == ("merged", ["p", "q"], True)
    assert cluster.to_dict()["lineage"] == {"kind": "merged", "previous_stable_ids": ["p", "q"], "renamed": True}
    older = ClusterInfo.from_wire(_wire.decode("ClusterInfo", _wire.encode("ClusterInfo", {"stable_id": "b"})))
    assert older.to_dict()["lineage"] == {"kind": None, "previous_stable_ids": [], "renamed": False}


def test_status_quality_and_llm_fields() -> None:
    status = {
        "k_rule": "silhouette:2-12",
        "min_cluster_size": 3,
        "llm_state": "over budget",
        "llm_model": "claude-haiku",
        "llm_calls": 40,
        "llm_failures": 2,
        "llm_retries": 1,
        "llm_local_fallbacks": 5,
        "llm_tokens_today": 2**40,
        "llm_daily_token_budget": 100000,
        "llm_tokens_total": 2**40 + 7,
        "llm_last_error": "HTTP 529",
        "llm_backlog": 120,
        "llm_backlog_rate_per_minute": 40.5,
        "llm_backlog_clears_in_seconds": 177.8,
        "llm_concept_requests": 25,
        "llm_messages_upgraded": 940,
        "llm_tokens_per_message": 79.3,
        "llm_names_pending": 2,
        "llm_batch_api": "in flight",
    }
    decoded = Status.from_wire(_wire.decode("Status", _wire.encode("Status", status)))
    operator = decoded.to_dict()["operator"]
    assert operator["k_rule"] == "silhouette:2-12" and operator["min_cluster_size"] == 3
    assert operator["llm"] == {
        "state": "over budget",
        "model": "claude-haiku",
        "calls": 40,
        "failures": 2,
        "retries": 1,
        "local_fallbacks": 5,
        "tokens_today": 2**40,
        "daily_token_budget": 100000,
        "tokens_total": 2**40 + 7,
        "last_error": "HTTP 529",
        "backlog": 120,
        "backlog_rate_per_minute": 40.5,
        "backlog_clears_in_seconds": 177.8,
        "concept_requests": 25,
        "messages_upgraded": 940,
        "tokens_per_message": 79.3,
        "names_pending": 2,
        "batch_api": "in flight",
    }
    # A server before the Claude fields: "not configured", as clusterctl shows it.
    older = Status.from_wire(_wire.decode("Status", b"")).to_dict()["operator"]
    assert older["llm"]["state"] == "not configured" and older["llm"]["calls"] == 0
    assert older["k_rule"] == "" and older["min_cluster_size"] == 0


def test_unknown_fields_are_skipped_and_a_new_body_kind_has_no_body() -> None:
    key = _key
    data = bytearray(_wire.encode_frame(9, "trigger_analysis_reply", {"outcome": 1}))
    data += key(99, 0) + b"\x96\x01"  # an unknown varint
    data += key(100, 2) + b"\x03abc"  # unknown bytes
    data += key(101, 1) + struct.pack("<d", 1.0)  # unknown fixed64
    data += key(102, 5) + b"\0\0\0\0"  # unknown fixed32
    frame = _wire.decode("Frame", bytes(data))
    assert _wire.body_of(frame)[0] == "trigger_analysis_reply"
    newer = _wire.encode("Frame", {"call_id": 3}) + key(60, 2) + b"\x00"  # body field 60: unknown here
    assert _wire.body_of(_wire.decode("Frame", newer)) == (None, None)


@pytest.mark.parametrize(
    "data",
    [b"\x08", b"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", b"\x52\x05ab", b"\x0b", b"\x00\x00", b"\x0a\x00"],
)
def test_malformed_bytes_are_refused(data: bytes) -> None:
    with pytest.raises(_wire.DecodeError):
        _wire.decode("Frame", data)
    with pytest.raises(ProtocolError):
        Protocol.decode(data)


def _framed(body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + body


def test_reader_returns_frames_at_every_split() -> None:
    stream = _framed(b"hello, frame one") + _framed(b"") + _framed(b"and the second frame")
    for split in range(len(stream) + 1):
        reader = FrameReader()
        out = []
        reader.feed(stream[:split])
        out += reader.frames()
        for byte in stream[split:]:
            reader.feed(bytes([byte]))
            out += reader.frames()
        assert out == [b"hello, frame one", b"", b"and the second frame"], split
        assert reader.buffered == 0


def test_reader_refuses_an_oversized_length_before_its_body() -> None:
    reader = FrameReader(max_frame=16)
    reader.feed((17).to_bytes(4, "big"))
    with pytest.raises(ProtocolError, match="17 bytes exceeds the maximum of 16"):
        reader.next()
    with pytest.raises(ProtocolError):
        reader.feed(b"more")
    exact = FrameReader(max_frame=16)
    exact.feed(_framed(b"x" * 16))
    assert exact.next() == b"x" * 16


def test_protocol_calls_and_replies() -> None:
    protocol = Protocol("pytest", "tok")
    hello = protocol.hello()
    assert hello.call_id == 1
    sent = _wire.decode("Frame", hello.data[4:])
    assert sent["hello"] == {"protocol_version": 1, "client_name": "pytest", "token": "tok"}
    reply = _wire.decode("Frame", _wire.encode_frame(1, "hello_reply", {"server_version": "9", "max_frame_bytes": 64}))
    assert hello.result(reply) == "9" and protocol.server_max_frame == 64
    with pytest.raises(FrameTooLargeError):
        protocol.trigger_analysis("x" * 100)
    trigger = protocol.trigger_analysis("m")
    assert trigger.call_id == 3  # ids are never reused, even for a refused request
    refused = _wire.decode("Frame", _wire.encode_frame(3, "error", {"code": 8, "message": "full"}))
    with pytest.raises(ServerError) as caught:
        trigger.result(refused)
    assert caught.value.code is Code.RESOURCE_EXHAUSTED and caught.value.message == "full"
    unknown_code = _wire.decode("Frame", _wire.encode_frame(3, "error", {"code": 99}))
    with pytest.raises(ServerError) as caught:
        trigger.result(unknown_code)
    assert caught.value.code is Code.UNKNOWN
    wrong = _wire.decode("Frame", _wire.encode_frame(3, "get_status", {}))
    with pytest.raises(ProtocolError):
        trigger.result(wrong)
    ok = _wire.decode("Frame", _wire.encode_frame(3, "trigger_analysis_reply", {"outcome": 3}))
    assert trigger.result(ok) is TriggerOutcome.RECORDED
    assert protocol.match(ok, {3: None}) == 3 and protocol.match(ok, {4: None}) is None
    connection_error = _wire.decode("Frame", _wire.encode_frame(0, "error", {"code": 8}))
    assert protocol.match(connection_error, {4: None}) == 0
    with pytest.raises(ValueError):
        protocol.trigger_analysis_batch([], None)
    with pytest.raises(ValueError):
        protocol.trigger_analysis_batch(["a"] * 10001, None)
    for ids, conversation in (([], None), (["a"], "c"), (["a"] * 10001, None)):
        with pytest.raises(ValueError):
            protocol.forget_messages(ids, conversation)
    forget = protocol.forget_messages([], "conv")
    assert _wire.decode("Frame", forget.data[4:])["forget_messages"] == {"message_ids": [], "conversation_id": "conv"}
    erased = _wire.decode(
        "Frame",
        _wire.encode_frame(forget.call_id, "forget_messages_reply", {"analyses_erased": 4, "assignments_erased": 1}),
    )
    assert forget.result(erased) == ForgetResult(4, 1, 0)


def test_conversation_cluster_request_and_typed_reply() -> None:
    protocol = Protocol("pytest", "tok")
    call = protocol.get_conversation_cluster("conv 1")
    assert _wire.decode("Frame", call.data[4:])["get_conversation_cluster"] == {"conversation_id": "conv 1"}
    reply = _wire.decode(
        "Frame",
        _wire.encode_frame(
            call.call_id,
            "get_conversation_cluster_reply",
            {
                "conversation_id": "conv 1",
                "run_id": "r1",
                "provisional": True,
                "distance": 0.5,
                "assigned_at_ms": 1736544600000,
                "path": [{"stable_id": "s1", "name": "Refunds", "size": 3}, {"stable_id": "s2", "level": 1, "size": 9}],
            },
        ),
    )
    placement = call.result(reply)
    assert isinstance(placement, ConversationPlacement)
    assert placement.path == [ClusterPathEntry("s1", "Refunds", 0, 3), ClusterPathEntry("s2", "", 1, 9)]
    assert placement.to_dict() == {
        "conversation_id": "conv 1",
        "run_id": "r1",
        "provisional": True,
        "distance": 0.5,
        "assigned_at": "2025-01-10T21:30:00Z",
        "path": [
            {"stable_id": "s1", "name": "Refunds", "level": 0, "size": 3},
            {"stable_id": "s2", "name": "", "level": 1, "size": 9},
        ],
    }
    assigned = _wire.decode(
        "Frame", _wire.encode_frame(call.call_id, "get_conversation_cluster_reply", {"run_id": "r1"})
    )
    assert call.result(assigned).assigned_at is None and call.result(assigned).to_dict()["assigned_at"] is None
    missing = _wire.decode("Frame", _wire.encode_frame(call.call_id, "error", {"code": 5, "message": "no cluster"}))
    with pytest.raises(ServerError) as caught:
        call.result(missing)
    assert caught.value.code is Code.NOT_FOUND


def test_curation_requests_and_typed_replies() -> None:
    protocol = Protocol("pytest", "tok")
    call = protocol.curate_topic("merge", "c-2", into_stable_id="c-1")
    assert _wire.decode("Frame", call.data[4:])["curate_topic"] == {
        "action": "merge",
        "stable_id": "c-2",
        "name": "",
        "description": "",
        "into_stable_id": "c-1",
    }
    change = {
        "action": "merge",
        "stable_id": "c-2",
        "into_stable_id": "c-1",
        "previous_name": "Parcels",
        "by": "token (pytest)",
        "at_ms": 1736544600000,
    }
    reply = _wire.decode(
        "Frame", _wire.encode_frame(call.call_id, "curate_topic_reply", {"change": change, "message": "merged"})
    )
    result = call.result(reply)
    assert result == CurationResult(
        CurationChange("merge", "c-2", "", "", "c-1", "Parcels", "token (pytest)", result.change.at), "merged"
    )
    assert result.change.to_dict()["at"] == "2025-01-10T21:30:00Z"
    without_change = _wire.decode("Frame", _wire.encode_frame(call.call_id, "curate_topic_reply", {"message": "m"}))
    with pytest.raises(ProtocolError):
        call.result(without_change)

    listing = protocol.list_curation("c-1", 5000000000)
    assert _wire.decode("Frame", listing.data[4:])["list_curation"] == {"stable_id": "c-1", "limit": 0xFFFFFFFF}
    assert _wire.decode("Frame", protocol.list_curation().data[4:])["list_curation"] == {"stable_id": "", "limit": 0}
    log_reply = _wire.decode(
        "Frame",
        _wire.encode_frame(
            listing.call_id,
            "list_curation_reply",
            {
                "topics": [
                    {"stable_id": "c-1", "name": "Money", "updated_by": "local", "updated_at_ms": 1736544600000},
                    {"stable_id": "c-2", "merged_into": "c-1", "updated_by": "local"},
                ],
                "changes": [change],
            },
        ),
    )
    log = listing.result(log_reply)
    assert [t.stable_id for t in log.topics] == ["c-1", "c-2"]
    assert log.topics[1] == TopicCuration("c-2", None, None, "c-1", "local", None)
    assert log.to_dict()["topics"][0] == {
        "stable_id": "c-1",
        "name": "Money",
        "description": None,
        "merged_into": None,
        "updated_by": "local",
        "updated_at": "2025-01-10T21:30:00Z",
    }
    assert [c.action for c in log.changes] == ["merge"]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("127.0.0.1:7420", ("127.0.0.1", 7420)),
        ("example.org", ("example.org", 7420)),
        ("[::1]:9000", ("::1", 9000)),
        ("[::1]", ("::1", 7420)),
        ("::1", ("::1", 7420)),
        (":8000", ("127.0.0.1", 8000)),
    ],
)
def test_split_address(text: str, expected: Tuple[str, int]) -> None:
    assert split_address(text) == expected


@pytest.mark.parametrize("text", ["", "host:", "host:0", "host:70000", "host:x", "[::1", "[::1]x", "[]:80"])
def test_split_address_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        split_address(text)


def test_cluster_hierarchy_fields() -> None:
    values = {"stable_id": "a", "level": 2, "parent": "p"}
    cluster = ClusterInfo.from_wire(_wire.decode("ClusterInfo", _wire.encode("ClusterInfo", values)))
    assert (cluster.level, cluster.parent) == (2, "p")
    assert (cluster.to_dict()["level"], cluster.to_dict()["parent"]) == (2, "p")
    top = ClusterInfo.from_wire(_wire.decode("ClusterInfo", _wire.encode("ClusterInfo", {"stable_id": "b"})))
    assert (top.level, top.parent, top.to_dict()["parent"]) == (0, None, None)
