"""Hand curation through the Python clients against a real clusterd: rename, pin, unpin, merge and the log, who
and when; bad input is refused and changes nothing."""

from __future__ import annotations

import asyncio
import time
from typing import List, Tuple

import pytest

from clusterd import AsyncClient, Client, ClusterInfo, Code, CurationResult, ServerError
from clusterd.client import CLIENT_NAME
from conftest import Servers, load_sample

TOKEN = "py-curation-token-0123456789abcdef-012345"


def _clustered(servers: Servers, mongo_uri: str) -> Tuple[str, List[ClusterInfo]]:
    """A server (with a token) that has run one clustering over sample conversations; its address and the base
    clusters of that run."""
    server = servers.start({"CLUSTERD_TOKEN": TOKEN})
    message_ids = load_sample(mongo_uri, server.database, conversations=12)
    with Client(server.address, token=TOKEN, timeout=30) as client:
        client.trigger_many(message_ids)
        deadline = time.monotonic() + 60
        while client.get_status().analyzed_total < len(message_ids):
            assert time.monotonic() < deadline, "the messages were not analysed in time"
            time.sleep(0.1)
        previous = client.get_status().last_run
        client.force_clustering()
        run = client.wait_for_run(previous.id if previous else None, timeout=120)
        assert run.status == "succeeded", run
        base = [c for c in client.list_clusters().clusters if c.level == 0 and c.stable_id != "other"]
    assert len(base) >= 2, base
    return server.address, base


def _refused(code: Code, call: object) -> ServerError:
    with pytest.raises(ServerError) as caught:
        call()  # type: ignore[operator]
    assert caught.value.code is code, caught.value
    return caught.value


def test_curation_calls(servers: Servers, mongo_uri: str) -> None:
    address, base = _clustered(servers, mongo_uri)
    first, second = base[0], base[1]
    who = f"token ({CLIENT_NAME})"
    with Client(address, token=TOKEN, timeout=30) as client:
        renamed = client.rename_topic(first.stable_id, "Named from Python", description="Set by the client")
        assert isinstance(renamed, CurationResult) and renamed.message
        assert renamed.change.action == "rename" and renamed.change.stable_id == first.stable_id
        assert renamed.change.name == "Named from Python" and renamed.change.description == "Set by the client"
        assert renamed.change.previous_name == first.name
        assert renamed.change.by == who
        assert renamed.change.at is not None and abs(renamed.change.at.timestamp() - time.time()) < 120
        shown = {c.stable_id: c for c in client.list_clusters().clusters}
        assert shown[first.stable_id].name == "Named from Python", "the latest run shows the rename at once"

        # Bad input: a clear error, and nothing changes or is logged.
        _refused(Code.NOT_FOUND, lambda: client.rename_topic("c-nowhere", "x"))
        assert "c-nowhere" in str(_refused(Code.NOT_FOUND, lambda: client.merge_topic("c-nowhere", first.stable_id)))
        assert "empty" in str(_refused(Code.INVALID_ARGUMENT, lambda: client.rename_topic(first.stable_id, "")))
        assert "itself" in str(
            _refused(Code.INVALID_ARGUMENT, lambda: client.merge_topic(first.stable_id, first.stable_id))
        )
        _refused(Code.INVALID_ARGUMENT, lambda: client.unpin_topic(second.stable_id))
        _refused(Code.INVALID_ARGUMENT, lambda: client.rename_topic(first.stable_id, "x" * 501))
        unknown = _refused(
            Code.INVALID_ARGUMENT, lambda: client._invoke(client._protocol.curate_topic, "delete", first.stable_id)
        )
        assert 'unknown curation action "delete"' in str(unknown)
        log = client.list_curation()
        assert [c.action for c in log.changes] == ["rename"]
        assert [(t.stable_id, t.name) for t in log.topics] == [(first.stable_id, "Named from Python")]

        pinned = client.pin_topic(second.stable_id)
        assert pinned.change.action == "pin" and pinned.change.name == second.name
        assert client.unpin_topic(second.stable_id).change.action == "unpin"
        merged = client.merge_topic(second.stable_id, first.stable_id)
        assert merged.change.into_stable_id == first.stable_id and "next run" in merged.message

        log = client.list_curation()
        assert [c.action for c in log.changes] == ["merge", "unpin", "pin", "rename"]
        assert all(c.by == who for c in log.changes)
        topics = {t.stable_id: t for t in log.topics}
        assert topics[second.stable_id].merged_into == first.stable_id and topics[second.stable_id].name is None
        assert topics[first.stable_id].updated_by == who
        one = client.list_curation(second.stable_id, limit=1)
        assert [c.action for c in one.changes] == ["merge"]
        assert log.to_dict()["changes"][0]["into_stable_id"] == first.stable_id


def test_curation_through_the_async_client(servers: Servers, mongo_uri: str) -> None:
    address, base = _clustered(servers, mongo_uri)

    async def curate() -> None:
        async with AsyncClient(address, token=TOKEN, timeout=30) as client:
            result = await client.rename_topic(base[0].stable_id, "Async name")
            assert result.change.name == "Async name"
            with pytest.raises(ServerError) as caught:
                await client.merge_topic(base[0].stable_id, base[0].stable_id)
            assert caught.value.code is Code.INVALID_ARGUMENT
            assert (await client.pin_topic(base[1].stable_id)).change.action == "pin"
            assert (await client.unpin_topic(base[1].stable_id)).change.action == "unpin"
            assert (await client.merge_topic(base[1].stable_id, base[0].stable_id)).change.action == "merge"
            log = await client.list_curation(limit=10)
            assert [c.action for c in log.changes] == ["merge", "unpin", "pin", "rename"]

    asyncio.run(curate())
