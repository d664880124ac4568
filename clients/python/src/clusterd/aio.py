"""The asyncio client: one connection, calls pipelined and matched by call id, reconnecting on the next call
after a failure. It shares the protocol code (framing, encoding, replies) with the blocking client."""

from __future__ import annotations

import asyncio
import os
import socket
import ssl as ssl_module
from typing import Any, Dict, List, Optional, Sequence

from ._protocol import Call, ConnectionSettings, FrameReader, Page, Protocol, merge_pages, next_page
from ._tls import env_options
from .client import CLIENT_NAME, DEFAULT_ADDRESS
from .errors import ClusterdConnectionError, ClusterdError, ClusterdTimeoutError, ProtocolError, ServerError
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

__all__ = ["AsyncClient"]


class AsyncClient(ConnectionSettings):
    """An asyncio clusterd client. Many calls may run at once on its single connection (they are pipelined:
    replies are matched by call id, in any order). Lazy like ``Client``: the first call connects and says
    Hello; after the connection breaks, every pending call fails with ClusterdConnectionError and the next call
    reconnects. Use from one event loop. Timeouts as in ``Client``."""

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
        self._writer: Optional[asyncio.StreamWriter] = None
        self._reader_task: Optional["asyncio.Task[None]"] = None
        self._pending: Dict[int, "asyncio.Future[Dict[str, Any]]"] = {}
        self._connect_lock: Optional[asyncio.Lock] = None
        self._write_lock: Optional[asyncio.Lock] = None

    @classmethod
    def from_env(cls, **options: Any) -> "AsyncClient":
        """A client for ``$CLUSTERD_ADDRESS`` with ``$CLUSTERD_TOKEN``, as clusterctl."""
        address = os.environ.get("CLUSTERD_ADDRESS") or DEFAULT_ADDRESS
        return cls(address, **env_options(options))

    @property
    def connected(self) -> bool:
        return self._writer is not None

    @property
    def server_version(self) -> str:
        return self._protocol.server_version

    @property
    def server_max_frame(self) -> int:
        return self._protocol.server_max_frame

    async def __aenter__(self) -> "AsyncClient":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def connect(self) -> str:
        """Connects and says Hello unless connected; returns the server's version."""
        if self._connect_lock is None:
            self._connect_lock = asyncio.Lock()
            self._write_lock = asyncio.Lock()
        async with self._connect_lock:
            if self._writer is not None:
                return self._protocol.server_version
            try:
                if self.ssl_context is not None:
                    opening = asyncio.open_connection(
                        self.host, self.port, ssl=self.ssl_context, server_hostname=self.server_name
                    )
                else:
                    opening = asyncio.open_connection(self.host, self.port)
                reader, writer = await asyncio.wait_for(opening, self.connect_timeout)
            except (ssl_module.SSLError, ssl_module.CertificateError) as error:
                raise ClusterdConnectionError(f"TLS handshake with {self.address} failed: {error}") from None
            except asyncio.TimeoutError:
                raise ClusterdTimeoutError(
                    f"cannot connect to {self.address}: timed out after {self.connect_timeout:g} s"
                ) from None
            except OSError as error:
                reason = os.strerror(error.errno) if error.errno else str(error)
                raise ClusterdConnectionError(f"cannot connect to {self.address}: {reason.lower()}") from None
            sock = writer.get_extra_info("socket")
            if sock is not None:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._writer = writer
            self._reader_task = asyncio.ensure_future(self._read_loop(reader, writer))
            try:
                await self._send(self._protocol.hello(), timeout=self.connect_timeout)
            except BaseException:
                await self._drop(writer, ClusterdConnectionError(f"Hello to {self.address} failed"))
                raise
            return self._protocol.server_version

    async def close(self) -> None:
        """Closes the connection; pending calls fail with ClusterdConnectionError."""
        if self._writer is not None:
            await self._drop(self._writer, ClusterdConnectionError("the client was closed"))

    async def _drop(self, writer: asyncio.StreamWriter, error: ClusterdError) -> None:
        if self._writer is not writer:
            return
        self._writer = None
        self._protocol.reset()
        pending, self._pending = self._pending, {}
        for future in pending.values():
            if not future.done():
                future.set_exception(error)
        task, self._reader_task = self._reader_task, None
        if task is not None and task is not asyncio.current_task():
            task.cancel()
        writer.close()
        try:
            await writer.wait_closed()
        except (OSError, asyncio.CancelledError):
            pass

    async def _read_loop(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        frames = FrameReader()
        error: ClusterdError = ClusterdConnectionError(f"connection closed by {self.address}")
        try:
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                frames.feed(data)
                for body in frames.frames():
                    frame = Protocol.decode(body)
                    matched = self._protocol.match(frame, self._pending)
                    if matched == 0:  # connection-level error: answers every pending call
                        for future in self._pending.values():
                            if not future.done():
                                future.set_result(frame)
                        self._pending = {}
                    elif matched is not None:
                        future = self._pending.pop(matched)
                        if not future.done():
                            future.set_result(frame)
        except ProtocolError as failure:
            error = ProtocolError(f"reply from {self.address} refused: {failure}")
        except OSError as failure:
            error = ClusterdConnectionError(f"connection to {self.address} broke: {failure}")
        except asyncio.CancelledError:
            return
        await self._drop(writer, error)

    async def _send(self, call: Call, timeout: Optional[float] = None) -> Any:
        writer = self._writer
        if writer is None:
            raise ClusterdConnectionError(f"not connected to {self.address}")
        future: "asyncio.Future[Dict[str, Any]]" = asyncio.get_running_loop().create_future()
        self._pending[call.call_id] = future
        assert self._write_lock is not None
        try:
            async with self._write_lock:
                writer.write(call.data)
                await asyncio.wait_for(writer.drain(), self.write_timeout)
        except asyncio.TimeoutError:
            await self._drop(writer, ClusterdTimeoutError(f"timed out writing to {self.address}"))
            raise ClusterdTimeoutError(f"timed out writing to {self.address}") from None
        except OSError as error:
            await self._drop(writer, ClusterdConnectionError(f"cannot write to {self.address}: {error}"))
            raise ClusterdConnectionError(f"cannot write to {self.address}: {error}") from None
        limit = self.timeout if timeout is None else timeout
        try:
            frame = await asyncio.wait_for(asyncio.shield(future), limit)
        except asyncio.TimeoutError:
            self._pending.pop(call.call_id, None)  # a late reply is dropped by call id
            raise ClusterdTimeoutError(f"no reply from {self.address} within {limit:g} s") from None
        try:
            return call.result(frame)
        except ServerError:
            if int(frame["call_id"]) == 0:
                await self._drop(writer, ClusterdConnectionError("connection-level error"))
            raise
        except ProtocolError:
            await self._drop(writer, ProtocolError("unexpected reply"))
            raise

    async def _invoke(self, make: Any, *args: Any) -> Any:
        if self._writer is None:
            await self.connect()
        return await self._send(make(*args))

    async def _invoke_pages(self, make: Any, *args: Any) -> Any:
        """A paged list call: asks for pages until the server's next page token is empty; their merged value."""
        pages: List[Page] = []
        token = ""
        while True:
            pages.append(await self._invoke(make, *args, token))
            token = next_page(pages[-1], token)
            if not token:
                return merge_pages(pages)

    async def trigger_analysis(self, message_id: Any, conversation_id: Any = None) -> TriggerOutcome:
        """TriggerAnalysis; see Client.trigger_analysis."""
        return await self._invoke(self._protocol.trigger_analysis, str(message_id), conversation_id)  # type: ignore[no-any-return]

    async def trigger_analysis_batch(
        self, message_ids: Sequence[Any], conversation_ids: Optional[Sequence[Any]] = None
    ) -> BatchResult:
        """TriggerAnalysisBatch; see Client.trigger_analysis_batch."""
        ids = [str(mid) for mid in message_ids]
        conversations = [None if c is None else str(c) for c in conversation_ids] if conversation_ids else None
        return await self._invoke(self._protocol.trigger_analysis_batch, ids, conversations)  # type: ignore[no-any-return]

    async def force_clustering(self) -> ForceResult:
        """ForceClustering; see Client.force_clustering."""
        return await self._invoke(self._protocol.force_clustering)  # type: ignore[no-any-return]

    async def get_status(self) -> Status:
        """GetStatus."""
        return await self._invoke(self._protocol.get_status)  # type: ignore[no-any-return]

    async def list_runs(self, limit: int = 0) -> List[RunSummary]:
        """ListRuns; see Client.list_runs."""
        return await self._invoke_pages(self._protocol.list_runs, limit)  # type: ignore[no-any-return]

    async def forget_messages(self, message_ids: Sequence[Any]) -> ForgetResult:
        """ForgetMessages by message ids; see Client.forget_messages."""
        return await self._invoke(self._protocol.forget_messages, message_ids, None)  # type: ignore[no-any-return]

    async def forget_conversation(self, conversation_id: Any) -> ForgetResult:
        """ForgetMessages for one conversation; see Client.forget_conversation."""
        return await self._invoke(  # type: ignore[no-any-return]
            self._protocol.forget_messages, [], str(conversation_id)
        )

    async def get_conversation_cluster(self, conversation_id: Any) -> ConversationPlacement:
        """GetConversationCluster; see Client.get_conversation_cluster."""
        return await self._invoke(  # type: ignore[no-any-return]
            self._protocol.get_conversation_cluster, str(conversation_id)
        )

    async def list_clusters(self, run_id: Optional[str] = None) -> ClusterListing:
        """ListClusters; see Client.list_clusters."""
        return await self._invoke_pages(self._protocol.list_clusters, run_id)  # type: ignore[no-any-return]

    async def rename_topic(self, stable_id: Any, name: str, description: str = "") -> CurationResult:
        """CurateTopic "rename"; see Client.rename_topic."""
        return await self._invoke(  # type: ignore[no-any-return]
            self._protocol.curate_topic, "rename", str(stable_id), name, description
        )

    async def pin_topic(self, stable_id: Any) -> CurationResult:
        """CurateTopic "pin"; see Client.pin_topic."""
        return await self._invoke(self._protocol.curate_topic, "pin", str(stable_id))  # type: ignore[no-any-return]

    async def unpin_topic(self, stable_id: Any) -> CurationResult:
        """CurateTopic "unpin"; see Client.unpin_topic."""
        return await self._invoke(self._protocol.curate_topic, "unpin", str(stable_id))  # type: ignore[no-any-return]

    async def merge_topic(self, stable_id: Any, into_stable_id: Any) -> CurationResult:
        """CurateTopic "merge"; see Client.merge_topic."""
        return await self._invoke(  # type: ignore[no-any-return]
            self._protocol.curate_topic, "merge", str(stable_id), "", "", str(into_stable_id)
        )

    async def list_curation(self, stable_id: Optional[Any] = None, limit: int = 0) -> CurationLog:
        """ListCuration; see Client.list_curation."""
        topic = None if stable_id is None else str(stable_id)
        return await self._invoke(self._protocol.list_curation, topic, limit)  # type: ignore[no-any-return]
