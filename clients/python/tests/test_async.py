"""The asyncio client against a real clusterd: pipelining, errors, reconnect."""

from __future__ import annotations

import asyncio

import pytest

from clusterd import (
    AsyncClient,
    ClusterdConnectionError,
    ClusterdTimeoutError,
    Code,
    FrameTooLargeError,
    ServerError,
    TriggerOutcome,
)
from conftest import Servers, free_port, load_sample

ASYNC_TOKEN = "async-token-0123456789abcdef-0123456789"


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(asyncio.wait_for(coroutine, 120))


def test_pipelined_calls_on_one_connection(servers: Servers, mongo_uri: str) -> None:
    server = servers.start({"CLUSTERD_LIST_PAGE_SIZE": "1"})  # list replies of one item: pages are followed
    message_ids = load_sample(mongo_uri, server.database, conversations=6)

    async def scenario() -> None:
        async with AsyncClient(server.address, timeout=30) as client:
            outcomes = await asyncio.gather(*(client.trigger_analysis(mid) for mid in message_ids))
            assert all(o in (TriggerOutcome.QUEUED, TriggerOutcome.ALREADY_QUEUED) for o in outcomes)
            many = await asyncio.gather(*(client.get_status() for _ in range(200)), client.list_runs())
            assert all(status.version for status in many[:-1])
            batch = await client.trigger_analysis_batch(message_ids)
            assert len(batch.results) == len(message_ids) and not batch.refused
            for _ in range(600):  # every message analysed before the forced run takes its snapshot
                if (await client.get_status()).analyzed_total >= len(message_ids):
                    break
                await asyncio.sleep(0.1)
            previous = (await client.get_status()).last_run
            forced = await client.force_clustering()
            assert forced.started or forced.follow_up_queued
            for _ in range(600):
                status = await client.get_status()
                if not status.clustering_in_progress and status.last_run and status.last_run != previous:
                    break
                await asyncio.sleep(0.2)
            assert status.last_run is not None and status.last_run.status == "succeeded"
            listing, runs = await asyncio.gather(client.list_clusters(), client.list_runs(3))
            assert listing.run.id == runs[0].id == status.last_run.id
            assert sum(cluster.size for cluster in listing.clusters) == 6
            assert len(listing.clusters) >= 2
            with pytest.raises(ServerError) as caught:
                await client.list_clusters("nope")
            assert caught.value.code is Code.NOT_FOUND

            # Erasure: a conversation, then one message of another; the counts come back typed.
            first = listing.clusters[0].representative_conversation_ids[0]
            placement = await client.get_conversation_cluster(first)
            assert not placement.provisional and placement.path[0].stable_id == listing.clusters[0].stable_id
            erased = await client.forget_conversation(first)
            assert erased.analyses_erased >= 1 and erased.assignments_erased >= 1
            assert (await client.forget_conversation(first)).analyses_erased == 0
            other = next(mid for mid in message_ids if not mid.startswith(first))
            assert (await client.forget_messages([other])).analyses_erased == 1
            with pytest.raises(ServerError) as caught:
                await client.forget_messages([""])
            assert caught.value.code is Code.INVALID_ARGUMENT

    run(scenario())


def test_errors_timeouts_and_reconnect(servers: Servers) -> None:
    first = servers.start({"CLUSTERD_TOKEN": ASYNC_TOKEN})

    async def scenario() -> None:
        with pytest.raises(ClusterdConnectionError, match="connection refused"):
            await AsyncClient(f"127.0.0.1:{free_port()}").get_status()
        with pytest.raises(ServerError) as caught:
            await AsyncClient(first.address, token="wrong").get_status()
        assert caught.value.code is Code.UNAUTHENTICATED

        client = AsyncClient(first.address, token=ASYNC_TOKEN, timeout=0.3, connect_timeout=2)
        with pytest.raises(ServerError) as caught:
            await client.trigger_analysis("")
        assert caught.value.code is Code.INVALID_ARGUMENT
        with pytest.raises(FrameTooLargeError):
            await client.trigger_analysis("x" * (client.server_max_frame + 1))
        assert client.connected

        first.pause()
        try:
            with pytest.raises(ClusterdTimeoutError):
                await client.get_status()
            assert client.connected
        finally:
            first.resume()
        client.timeout = 10
        assert (await client.get_status()).version  # the late reply was dropped by call id

        first.kill()  # every pending and later call fails; then the next call reconnects
        with pytest.raises(ClusterdConnectionError):
            await client.get_status()
        second = servers.start({"CLUSTERD_TOKEN": ASYNC_TOKEN}, database=first.database, listen=first.address)
        assert second.port == first.port
        assert (await client.get_status()).version
        await client.close()

    run(scenario())
