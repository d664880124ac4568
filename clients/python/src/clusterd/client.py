"""The blocking client: one TCP connection, thread-safe, reconnecting on the next call after a failure."""

from __future__ import annotations

import os
import socket
import ssl as ssl_module
import threading
import time
from typing import Any, Dict, List, Optional, Sequence

from ._protocol import Call, ConnectionSettings, FrameReader, Page, Protocol, merge_pages, next_page
from ._tls import env_options
from .errors import (
    ClusterdConnectionError,
    ClusterdTimeoutError,
    ProtocolError,
    ServerError,
)
from .models import (
    BatchResult,
    ClusterListing,
    ConversationPlacement,
    CurationLog,
    CurationResult,
    ForceResult,
    ForgetResult,
    RunSummary,
    Status,
    TriggerOutcome,
)
from ._version import __version__

__all__ = ["Client", "DEFAULT_ADDRESS", "CLIENT_NAME"]

DEFAULT_ADDRESS = "127.0.0.1:7420"
CLIENT_NAME = f"clusterd-python/{__version__}"
_READ_CHUNK = 65536


class Client(ConnectionSettings):
    """A blocking clusterd client.

    ``Client("127.0.0.1:7420", token=...)`` connects lazily: the first call connects and says Hello (call
    ``connect()`` to do it up front). Calls are serialised on one connection, so one client may be shared by
    threads. After a connection breaks (the server restarted, the network failed) the call that saw it raises
    ClusterdConnectionError and the next call reconnects; a request is never re-sent automatically. A forked
    child never uses its parent's socket: it opens its own.

    Timeouts, in seconds: ``connect_timeout`` bounds TCP connect plus Hello; ``timeout`` bounds the wait for
    each reply (the connection is kept: a late reply is recognised by its call id and dropped);
    ``write_timeout`` bounds sending one request (the connection is dropped when it fires).
    """

    def __init__(
        self,
        address: str = DEFAULT_ADDRESS,
        *,
        token: Optional[str] = None,
        timeout: float = 5.0,
        connect_timeout: float = 5.0,
        write_timeout: float = 5.0,
        client_name: str = CLIENT_NAME,
        ssl: Optional[ssl_module.SSLContext] = None,
        server_name: Optional[str] = None,
    ) -> None:
        super().__init__(address, token, timeout, connect_timeout, write_timeout, client_name, ssl, server_name)
        self._lock = threading.RLock()
        self._socket: Optional[socket.socket] = None
        self._reader = FrameReader()
        self._pid = os.getpid()

    @classmethod
    def from_env(cls, **options: Any) -> "Client":
        """A client for ``$CLUSTERD_ADDRESS`` (default 127.0.0.1:7420) with ``$CLUSTERD_TOKEN``, as clusterctl."""
        address = os.environ.get("CLUSTERD_ADDRESS") or DEFAULT_ADDRESS
        return cls(address, **env_options(options))

    # ---- connection ----

    @property
    def connected(self) -> bool:
        """True while an open connection is held."""
        return self._socket is not None and self._pid == os.getpid()

    @property
    def server_version(self) -> str:
        """The server's version from the last Hello ("" before one)."""
        return self._protocol.server_version

    @property
    def server_max_frame(self) -> int:
        """The largest frame the server accepts (from Hello; 0 before one)."""
        return self._protocol.server_max_frame

    def connect(self) -> str:
        """Connects and says Hello unless connected; returns the server's version."""
        with self._lock:
            self._ensure_connected()
            return self._protocol.server_version

    def close(self) -> None:
        """Closes the connection (the next call would open a new one)."""
        with self._lock:
            self._drop()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _drop(self) -> None:
        if self._socket is not None and self._pid == os.getpid():
            try:
                self._socket.close()
            except OSError:
                pass
        self._socket = None
        self._reader = FrameReader()
        self._protocol.reset()

    def _ensure_connected(self) -> None:
        if self._pid != os.getpid():  # forked: the socket is the parent's
            self._socket = None
            self._pid = os.getpid()
            self._drop()
        if self._socket is not None and self._closed_by_peer():
            self._drop()
        if self._socket is not None:
            return
        deadline = time.monotonic() + self.connect_timeout
        try:
            sock = socket.create_connection((self.host, self.port), timeout=self.connect_timeout)
        except socket.timeout:
            raise ClusterdTimeoutError(
                f"cannot connect to {self.address}: timed out after {self.connect_timeout:g} s"
            ) from None
        except OSError as error:
            reason = os.strerror(error.errno) if error.errno else str(error)
            raise ClusterdConnectionError(f"cannot connect to {self.address}: {reason.lower()}") from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if self.ssl_context is not None:
            try:
                sock.settimeout(max(0.001, deadline - time.monotonic()))
                sock = self.ssl_context.wrap_socket(sock, server_hostname=self.server_name)
            except (ssl_module.SSLError, ssl_module.CertificateError) as error:
                sock.close()
                raise ClusterdConnectionError(f"TLS handshake with {self.address} failed: {error}") from None
            except socket.timeout:
                sock.close()
                raise ClusterdTimeoutError(f"TLS handshake with {self.address} timed out") from None
            except OSError as error:
                sock.close()
                raise ClusterdConnectionError(f"TLS handshake with {self.address} failed: {error}") from None
        self._socket = sock
        self._reader = FrameReader()
        try:
            self._round_trip(self._protocol.hello(), deadline=deadline)
        except ServerError:
            self._drop()  # UNAUTHENTICATED: the server closes the connection
            raise
        except BaseException:
            self._drop()
            raise

    def _closed_by_peer(self) -> bool:
        """True when the idle connection was closed by the server (EOF or error pending)."""
        assert self._socket is not None
        if isinstance(self._socket, ssl_module.SSLSocket):
            return self._tls_closed_by_peer(self._socket)
        try:
            self._socket.setblocking(False)
            try:
                data = self._socket.recv(_READ_CHUNK, socket.MSG_PEEK)
            finally:
                self._socket.setblocking(True)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True
        return data == b""

    def _tls_closed_by_peer(self, sock: ssl_module.SSLSocket) -> bool:
        """As ``_closed_by_peer`` over TLS (no MSG_PEEK there): a record waiting is read; bytes of a frame are
        kept for the reader, an EOF or an alert means closed."""
        try:
            sock.setblocking(False)
            try:
                data = sock.recv(_READ_CHUNK)
            finally:
                sock.setblocking(True)
        except (ssl_module.SSLWantReadError, ssl_module.SSLWantWriteError, BlockingIOError, InterruptedError):
            return False
        except OSError:
            return True
        if not data:
            return True
        self._reader.feed(data)
        return False

    # ---- one call ----

    def _round_trip(self, call: Call, deadline: Optional[float] = None) -> Any:
        assert self._socket is not None
        sock = self._socket
        try:
            sock.settimeout(self.write_timeout if deadline is None else max(0.001, deadline - time.monotonic()))
            sock.sendall(call.data)
        except socket.timeout:
            self._drop()
            raise ClusterdTimeoutError(f"timed out writing to {self.address}") from None
        except OSError as error:
            self._drop()
            raise ClusterdConnectionError(f"cannot write to {self.address}: {error}") from None
        read_deadline = deadline if deadline is not None else time.monotonic() + self.timeout
        while True:
            try:
                frames = self._reader.frames()
            except ProtocolError as error:
                self._drop()
                raise ProtocolError(f"reply from {self.address} refused: {error}") from None
            for body in frames:
                try:
                    frame = Protocol.decode(body)
                except ProtocolError:
                    self._drop()
                    raise
                matched = self._protocol.match(frame, {call.call_id: call})
                if matched is None:
                    continue  # a late reply to a call that timed out
                try:
                    return call.result(frame)
                except ServerError:
                    if matched == 0:
                        self._drop()  # connection-level error: the server closes
                    raise
                except ProtocolError:
                    self._drop()
                    raise
            remaining = read_deadline - time.monotonic()
            if remaining <= 0:
                raise ClusterdTimeoutError(f"no reply from {self.address} within {self.timeout:g} s")
            try:
                sock.settimeout(remaining)
                data = sock.recv(_READ_CHUNK)
            except socket.timeout:
                raise ClusterdTimeoutError(f"no reply from {self.address} within {self.timeout:g} s") from None
            except OSError as error:
                self._drop()
                raise ClusterdConnectionError(f"connection to {self.address} broke: {error}") from None
            if not data:
                self._drop()
                raise ClusterdConnectionError(f"connection closed by {self.address}")
            self._reader.feed(data)

    def _invoke(self, make: Any, *args: Any) -> Any:
        with self._lock:
            self._ensure_connected()
            return self._round_trip(make(*args))

    def _invoke_pages(self, make: Any, *args: Any) -> Any:
        """A paged list call: asks for pages until the server's next page token is empty; their merged value."""
        pages: List[Page] = []
        token = ""
        while True:
            pages.append(self._invoke(make, *args, token))
            token = next_page(pages[-1], token)
            if not token:
                return merge_pages(pages)

    # ---- calls ----

    def trigger_analysis(self, message_id: Any, conversation_id: Any = None) -> TriggerOutcome:
        """TriggerAnalysis: queues ``message_id`` (str, or anything whose str() is the id, e.g. a bson ObjectId).
        Answers once queued; never waits for the analysis. ServerError RESOURCE_EXHAUSTED when the queue is
        full (the server's sweep still analyses the message later), INVALID_ARGUMENT for a bad id."""
        return self._invoke(self._protocol.trigger_analysis, str(message_id), conversation_id)  # type: ignore[no-any-return]

    def trigger_analysis_batch(
        self, message_ids: Sequence[Any], conversation_ids: Optional[Sequence[Any]] = None
    ) -> BatchResult:
        """TriggerAnalysisBatch: up to 10000 ids in one frame, one result per id (a backfill)."""
        ids = [str(mid) for mid in message_ids]
        conversations = [None if c is None else str(c) for c in conversation_ids] if conversation_ids else None
        return self._invoke(self._protocol.trigger_analysis_batch, ids, conversations)  # type: ignore[no-any-return]

    def trigger_many(self, message_ids: Sequence[Any], batch_size: int = 1000) -> BatchResult:
        """Triggers any number of ids in batches of ``batch_size``; one combined result."""
        results = []
        depth = 0
        for start in range(0, len(message_ids), batch_size):
            batch = self.trigger_analysis_batch(message_ids[start : start + batch_size])
            results.extend(batch.results)
            depth = batch.queue_depth
        return BatchResult(results, depth)

    def force_clustering(self) -> ForceResult:
        """ForceClustering: runs a clustering now (or queues exactly one follow-up behind a running one)."""
        return self._invoke(self._protocol.force_clustering)  # type: ignore[no-any-return]

    def get_status(self) -> Status:
        """GetStatus, answered from the server's memory."""
        return self._invoke(self._protocol.get_status)  # type: ignore[no-any-return]

    def list_runs(self, limit: int = 0) -> List[RunSummary]:
        """ListRuns: the most recent runs of any status, newest first (0: the server's default of 20), every page
        of them (the server sends at most its page size and 1 MiB per reply)."""
        return self._invoke_pages(self._protocol.list_runs, limit)  # type: ignore[no-any-return]

    def forget_messages(self, message_ids: Sequence[Any]) -> ForgetResult:
        """ForgetMessages: erases the server's analyses of these messages (a data-erasure request; at most
        10000 ids; ValueError for none or more). A conversation left without analyses loses its assignments and
        cluster references too. ServerError INVALID_ARGUMENT for an empty or over-1024-character id."""
        return self._invoke(self._protocol.forget_messages, message_ids, None)  # type: ignore[no-any-return]

    def forget_conversation(self, conversation_id: Any) -> ForgetResult:
        """ForgetMessages for one conversation: its analyses, its assignments in every run and its cluster
        references are erased (ValueError for an empty id)."""
        return self._invoke(self._protocol.forget_messages, [], str(conversation_id))  # type: ignore[no-any-return]

    def get_conversation_cluster(self, conversation_id: Any) -> ConversationPlacement:
        """GetConversationCluster: where the conversation sits, its assignment in the latest successful run or its
        provisional placement since, with its cluster path (base cluster first). ServerError NOT_FOUND before any
        successful run or when it has neither; INVALID_ARGUMENT for an empty or over-1024-character id."""
        return self._invoke(  # type: ignore[no-any-return]
            self._protocol.get_conversation_cluster, str(conversation_id)
        )

    def list_clusters(self, run_id: Optional[str] = None) -> ClusterListing:
        """ListClusters: the latest successful run's clusters, or ``run_id``'s (ServerError NOT_FOUND), every page
        of them."""
        return self._invoke_pages(self._protocol.list_clusters, run_id)  # type: ignore[no-any-return]

    def rename_topic(self, stable_id: Any, name: str, description: str = "") -> CurationResult:
        """CurateTopic "rename": the topic keeps ``name`` (and ``description``; "" keeps the run's own) while its
        stable id continues; neither Claude nor local naming replaces it, and the latest successful run shows it at
        once. The server logs the change with who ("token" or "local", with this client's name) and when.
        ServerError NOT_FOUND for an id the latest successful run lacks (or before one); INVALID_ARGUMENT for an
        empty or over-500-character id or name. A refused change changes nothing."""
        return self._invoke(  # type: ignore[no-any-return]
            self._protocol.curate_topic, "rename", str(stable_id), name, description
        )

    def pin_topic(self, stable_id: Any) -> CurationResult:
        """CurateTopic "pin": the topic keeps its current name in every later run, as a rename to it would."""
        return self._invoke(self._protocol.curate_topic, "pin", str(stable_id))  # type: ignore[no-any-return]

    def unpin_topic(self, stable_id: Any) -> CurationResult:
        """CurateTopic "unpin": drops a kept name; from the next run the topic is named by the usual rules.
        ServerError INVALID_ARGUMENT when it has no kept name."""
        return self._invoke(self._protocol.curate_topic, "unpin", str(stable_id))  # type: ignore[no-any-return]

    def merge_topic(self, stable_id: Any, into_stable_id: Any) -> CurationResult:
        """CurateTopic "merge": from the next run the topic's conversations are reported under ``into_stable_id``
        (a topic of the same level) and the two clusters are one. ServerError INVALID_ARGUMENT for a merge into
        itself (directly or through earlier merges) or across levels; NOT_FOUND for an unknown id."""
        return self._invoke(  # type: ignore[no-any-return]
            self._protocol.curate_topic, "merge", str(stable_id), "", "", str(into_stable_id)
        )

    def list_curation(self, stable_id: Optional[Any] = None, limit: int = 0) -> CurationLog:
        """ListCuration: the curated topics and up to ``limit`` logged changes, newest first (0: 100; the server
        caps it at 1000), of one topic (and those merged into it) when ``stable_id`` is given."""
        topic = None if stable_id is None else str(stable_id)
        return self._invoke(self._protocol.list_curation, topic, limit)  # type: ignore[no-any-return]

    def wait_for_run(self, previous_run_id: Optional[str], timeout: float = 600.0, poll: float = 0.2) -> RunSummary:
        """Polls status until no run is queued or running and a run other than ``previous_run_id`` has ended;
        returns that run. ClusterdTimeoutError when none ends within ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.get_status()
            run = status.last_run
            if not status.clustering_in_progress and run is not None and run.id != previous_run_id:
                if run.status != "running":
                    return run
            time.sleep(poll)
        raise ClusterdTimeoutError(f"no clustering run ended within {timeout:g} s")

    def status_dict(self) -> Dict[str, Any]:
        """The status as ``clusterctl status --json`` prints it."""
        return self.get_status().to_dict()
