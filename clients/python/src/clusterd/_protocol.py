"""The protocol without I/O, shared by the sync and the asyncio client: framing, call ids, requests,
and replies turned into results or exceptions. Feed it bytes, take frames out; it never touches a socket
(like hiredis' reader, or libclusterd's clusterd_reader_t)."""

from __future__ import annotations

import ssl
from typing import Any, Callable, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from . import _wire
from .errors import Code, FrameTooLargeError, ProtocolError, ServerError
from .models import (
    BatchItemResult,
    BatchResult,
    ClusterInfo,
    ClusterListing,
    ForceResult,
    ConversationPlacement,
    CurationChange,
    CurationLog,
    CurationResult,
    ForgetResult,
    TopicCuration,
    RunSummary,
    Status,
    TriggerOutcome,
)

PROTOCOL_VERSION = 1
DEFAULT_MAX_FRAME = 1024 * 1024
MAX_BATCH = 10000

__all__ = ["FrameReader", "Call", "Protocol", "PROTOCOL_VERSION", "DEFAULT_MAX_FRAME", "MAX_BATCH"]


class Page(NamedTuple):
    """One reply of a paged list call: its value (runs, or a ClusterListing) and the next page's token ("" on
    the last page)."""

    value: Any
    next_page_token: str


def merge_pages(pages: List[Page]) -> Any:
    """The value of a whole paged listing: runs concatenated, or the first listing with every page's clusters."""
    first = pages[0].value
    if isinstance(first, ClusterListing):
        return ClusterListing(run=first.run, clusters=[c for page in pages for c in page.value.clusters])
    return [item for page in pages for item in page.value]


def next_page(page: Page, token: str) -> str:
    """The token to ask for after ``page`` (asked for with ``token``); ProtocolError when the server repeats it."""
    if page.next_page_token and page.next_page_token == token:
        raise ProtocolError(f"the server repeated page token {page.next_page_token!r}")
    return page.next_page_token


class FrameReader:
    """Splits a byte stream into frame bodies. A length above ``max_frame`` is refused as soon as its 4-byte
    prefix arrives, before any of the body is buffered; after that the reader stays failed."""

    def __init__(self, max_frame: int = DEFAULT_MAX_FRAME) -> None:
        self.max_frame = max_frame
        self._buffer = bytearray()
        self._error: Optional[str] = None

    def feed(self, data: bytes) -> None:
        """Appends bytes read from the connection."""
        if self._error is not None:
            raise ProtocolError(self._error)
        self._buffer += data

    def next(self) -> Optional[bytes]:
        """The next complete frame body (possibly empty), or None when more bytes are needed."""
        if self._error is not None:
            raise ProtocolError(self._error)
        if len(self._buffer) < 4:
            return None
        length = int.from_bytes(self._buffer[:4], "big")
        if length > self.max_frame:
            self._error = f"frame of {length} bytes exceeds the maximum of {self.max_frame} bytes"
            raise ProtocolError(self._error)
        if len(self._buffer) < 4 + length:
            return None
        body = bytes(self._buffer[4 : 4 + length])
        del self._buffer[: 4 + length]
        return body

    def frames(self) -> List[bytes]:
        """Every complete frame body buffered so far."""
        out: List[bytes] = []
        while (body := self.next()) is not None:
            out.append(body)
        return out

    @property
    def buffered(self) -> int:
        """Bytes held that are not yet a complete frame."""
        return len(self._buffer)


class Call:
    """One request ready to send: its call id, its framed bytes, and how to read its reply."""

    __slots__ = ("call_id", "data", "expected", "parse")

    def __init__(self, call_id: int, data: bytes, expected: str, parse: Callable[[Dict[str, Any]], Any]) -> None:
        self.call_id = call_id
        self.data = data
        self.expected = expected
        self.parse = parse

    def result(self, frame: Dict[str, Any]) -> Any:
        """The call's result from its reply frame; raises ServerError for an Error reply."""
        name, body = _wire.body_of(frame)
        if name == "error" and body is not None:
            raise ServerError(Code.from_wire(body["code"]), body["message"] or Code.from_wire(body["code"]).name)
        if name != self.expected or body is None:
            raise ProtocolError(f"unexpected reply {name or 'without a body'} (expected {self.expected})")
        return self.parse(body)


def _frame(call_id: int, body: str, values: Mapping[str, Any], limit: int) -> bytes:
    payload = _wire.encode_frame(call_id, body, values)
    if len(payload) > limit:
        raise FrameTooLargeError(f"request of {len(payload)} bytes exceeds the server's maximum frame of {limit} bytes")
    return len(payload).to_bytes(4, "big") + payload


class Protocol:
    """Call ids, request encoding and reply decoding for one connection. Not thread-safe: the clients
    serialise access to it."""

    def __init__(self, client_name: str, token: Optional[str]) -> None:
        self.client_name = client_name
        self.token = token or ""
        self.server_version = ""
        self.server_max_frame = 0
        self._last_call_id = 0

    def reset(self) -> None:
        """Forgets what the last Hello said (a new connection follows)."""
        self.server_version = ""
        self.server_max_frame = 0

    @property
    def send_limit(self) -> int:
        """Largest frame body to send: the server's announced maximum, else the default."""
        return self.server_max_frame or DEFAULT_MAX_FRAME

    def _call(self, body: str, values: Mapping[str, Any], expected: str, parse: Callable[[Dict[str, Any]], Any]) -> Call:
        self._last_call_id += 1
        return Call(self._last_call_id, _frame(self._last_call_id, body, values, self.send_limit), expected, parse)

    def match(self, frame: Dict[str, Any], pending: Mapping[int, Any]) -> Optional[int]:
        """The pending call id a decoded reply frame answers, or None to drop it (a late reply). An Error with
        call id 0 is a connection-level error: it answers every pending call (returned as 0)."""
        call_id = int(frame["call_id"])
        if call_id in pending:
            return call_id
        name, _ = _wire.body_of(frame)
        if call_id == 0 and name == "error":
            return 0
        return None

    @staticmethod
    def decode(body: bytes) -> Dict[str, Any]:
        """A frame body as a decoded Frame; ProtocolError when malformed."""
        try:
            return _wire.decode("Frame", body)
        except _wire.DecodeError as error:
            raise ProtocolError(f"malformed frame of {len(body)} bytes: {error}") from None

    # ---- requests ----

    def hello(self) -> Call:
        def parse(body: Dict[str, Any]) -> str:
            self.server_version = body["server_version"]
            self.server_max_frame = body["max_frame_bytes"]
            return self.server_version

        values = {"protocol_version": PROTOCOL_VERSION, "client_name": self.client_name, "token": self.token}
        return self._call("hello", values, "hello_reply", parse)

    def trigger_analysis(self, message_id: str, conversation_id: Optional[str] = None) -> Call:
        values = {"message_id": str(message_id), "conversation_id": str(conversation_id or "")}
        return self._call(
            "trigger_analysis", values, "trigger_analysis_reply", lambda body: TriggerOutcome.from_wire(body["outcome"])
        )

    def trigger_analysis_batch(self, message_ids: List[str], conversation_ids: Optional[List[Optional[str]]]) -> Call:
        if not message_ids or len(message_ids) > MAX_BATCH:
            raise ValueError(f"a batch holds 1 to {MAX_BATCH} message ids, not {len(message_ids)}")
        if conversation_ids is not None and len(conversation_ids) != len(message_ids):
            raise ValueError("conversation_ids must have one entry per message id")
        items = [
            {"message_id": str(mid), "conversation_id": str((conversation_ids or [None] * len(message_ids))[i] or "")}
            for i, mid in enumerate(message_ids)
        ]
        count = len(items)

        def parse(body: Dict[str, Any]) -> BatchResult:
            results = body["results"]
            if len(results) != count:
                raise ProtocolError(f"batch reply has {len(results)} results for {count} ids")
            return BatchResult(
                results=[
                    BatchItemResult(
                        message_id=str(message_ids[i]),
                        outcome=TriggerOutcome.from_wire(r["outcome"]) if r["error_code"] == 0 else None,
                        error=None
                        if r["error_code"] == 0
                        else ServerError(Code.from_wire(r["error_code"]), r["error_message"]),
                    )
                    for i, r in enumerate(results)
                ],
                queue_depth=body["queue_depth"],
            )

        return self._call("trigger_analysis_batch", {"items": items}, "trigger_analysis_batch_reply", parse)

    def force_clustering(self) -> Call:
        return self._call(
            "force_clustering",
            {},
            "force_clustering_reply",
            lambda body: ForceResult(body["started"], body["follow_up_queued"], body["message"]),
        )

    def get_status(self) -> Call:
        def parse(body: Dict[str, Any]) -> Status:
            if body["status"] is None:
                raise ProtocolError("status reply carries no status")
            return Status.from_wire(body["status"])

        return self._call("get_status", {}, "get_status_reply", parse)

    def list_runs(self, limit: int = 0, page_token: str = "") -> Call:
        """One page of ListRuns, parsed to a Page of RunSummary."""
        return self._call(
            "list_runs",
            {"limit": max(0, min(int(limit), 0xFFFFFFFF)), "page_token": page_token},
            "list_runs_reply",
            lambda body: Page([RunSummary.from_wire(run) for run in body["runs"]], body["next_page_token"]),
        )

    def forget_messages(self, message_ids: Sequence[Any], conversation_id: Optional[str] = None) -> Call:
        """ForgetMessages: either message ids (1 to MAX_BATCH) or one conversation id, never both."""
        ids = [str(mid) for mid in message_ids]
        if bool(ids) == bool(conversation_id):
            raise ValueError("give message ids or a conversation id, not both or neither")
        if len(ids) > MAX_BATCH:
            raise ValueError(f"forget takes 1 to {MAX_BATCH} message ids, not {len(ids)}")
        return self._call(
            "forget_messages",
            {"message_ids": ids, "conversation_id": str(conversation_id or "")},
            "forget_messages_reply",
            lambda body: ForgetResult(
                body["analyses_erased"], body["assignments_erased"], body["clusters_scrubbed"]
            ),
        )

    def get_conversation_cluster(self, conversation_id: str) -> Call:
        """GetConversationCluster: where one conversation sits (the server refuses an empty id)."""
        return self._call(
            "get_conversation_cluster",
            {"conversation_id": str(conversation_id)},
            "get_conversation_cluster_reply",
            ConversationPlacement.from_wire,
        )

    def curate_topic(
        self, action: str, stable_id: str, name: str = "", description: str = "", into_stable_id: str = ""
    ) -> Call:
        """CurateTopic with ``action`` ("rename", "pin", "unpin" or "merge"), sent as given: the server refuses an
        unknown action, an empty id or name, or a merge into itself with INVALID_ARGUMENT."""

        def parse(body: Dict[str, Any]) -> CurationResult:
            if body["change"] is None:
                raise ProtocolError("curation reply carries no change")
            return CurationResult(CurationChange.from_wire(body["change"]), body["message"])

        values = {
            "action": action,
            "stable_id": str(stable_id),
            "name": name,
            "description": description,
            "into_stable_id": str(into_stable_id),
        }
        return self._call("curate_topic", values, "curate_topic_reply", parse)

    def list_curation(self, stable_id: Optional[str] = None, limit: int = 0) -> Call:
        """ListCuration: the curated topics and up to ``limit`` changes (0: the server's 100), of one topic when
        ``stable_id`` is given."""
        return self._call(
            "list_curation",
            {"stable_id": str(stable_id or ""), "limit": max(0, min(int(limit), 0xFFFFFFFF))},
            "list_curation_reply",
            lambda body: CurationLog(
                topics=[TopicCuration.from_wire(topic) for topic in body["topics"]],
                changes=[CurationChange.from_wire(change) for change in body["changes"]],
            ),
        )

    def list_clusters(self, run_id: Optional[str] = None, page_token: str = "") -> Call:
        """One page of ListClusters, parsed to a Page of ClusterListing."""

        def parse(body: Dict[str, Any]) -> Page:
            if body["run"] is None:
                raise ProtocolError("cluster listing names no run")
            listing = ClusterListing(
                run=RunSummary.from_wire(body["run"]),
                clusters=[ClusterInfo.from_wire(cluster) for cluster in body["clusters"]],
            )
            return Page(listing, body["next_page_token"])

        return self._call(
            "list_clusters", {"run_id": run_id or "", "page_token": page_token}, "list_clusters_reply", parse
        )


def split_address(address: str, default_port: int = 7420) -> Tuple[str, int]:
    """``host:port``, ``[v6]:port``, ``host`` or ``:port`` as (host, port); ValueError otherwise."""
    text = address.strip()
    port_text: Optional[str] = None
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or (close + 1 < len(text) and text[close + 1] != ":"):
            raise ValueError(f"address must be host:port, [ipv6]:port or host, not {address!r}")
        host = text[1:close]
        if close + 1 < len(text):
            port_text = text[close + 2 :]
        if not host:
            raise ValueError(f"address has an empty host: {address!r}")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
    else:
        host = text
    port = default_port
    if port_text is not None:
        if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
            raise ValueError(f"address has a bad port: {address!r}")
        port = int(port_text)
    if not text:
        raise ValueError("address is empty")
    return host or "127.0.0.1", port


class ConnectionSettings:
    """Address, timeouts and protocol state shared by the sync and the asyncio client."""

    def __init__(
        self,
        address: str,
        token: Optional[str],
        timeout: float,
        connect_timeout: float,
        write_timeout: float,
        client_name: str,
        ssl_context: Optional["ssl.SSLContext"] = None,
        server_name: Optional[str] = None,
    ) -> None:
        self.host, self.port = split_address(address)
        self.ssl_context = ssl_context
        self.server_name = server_name or self.host
        self.address = f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        self.write_timeout = write_timeout
        self._protocol = Protocol(client_name, token)
