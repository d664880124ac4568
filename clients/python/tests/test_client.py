"""The blocking client against a real clusterd: every call and every error path."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from typing import Any, List

import pytest

from clusterd import (
    Client,
    ClusterdConnectionError,
    ClusterdTimeoutError,
    Code,
    FrameTooLargeError,
    ServerError,
    TriggerOutcome,
)
from conftest import Servers, free_port, load_sample

TOKEN = "py-client-token-0123456789abcdef-0123456789"


@pytest.fixture
def server(servers: Servers):  # type: ignore[no-untyped-def]
    # One cluster or run per reply: the list calls below only see everything by following the pages.
    return servers.start({"CLUSTERD_TOKEN": TOKEN, "CLUSTERD_LIST_PAGE_SIZE": "1"})


def _clusterctl(binary: str, address: str, *arguments: str) -> Any:
    printed = subprocess.run(
        [binary, *arguments, "--json", "--address", address, "--token", TOKEN],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert printed.returncode == 0, printed.stderr
    return json.loads(printed.stdout)


def test_every_call(server, mongo_uri: str, clusterctl_bin: str) -> None:  # type: ignore[no-untyped-def]
    message_ids = load_sample(mongo_uri, server.database, conversations=12)
    with Client(server.address, token=TOKEN, timeout=30) as client:
        assert client.connect() == client.server_version != ""
        assert client.server_max_frame == 1024 * 1024
        assert client.trigger_analysis(message_ids[0]) in (TriggerOutcome.QUEUED, TriggerOutcome.ALREADY_QUEUED)

        batch = client.trigger_analysis_batch(message_ids[1:] + ["", "x" * 1025])
        assert len(batch.results) == len(message_ids) + 1
        assert [r.message_id for r in batch.results[:3]] == message_ids[1:4]
        assert len(batch.accepted) == len(message_ids) - 1
        assert all(r.outcome in (TriggerOutcome.QUEUED, TriggerOutcome.ALREADY_QUEUED) for r in batch.accepted)
        assert [r.error.code for r in batch.refused if r.error] == [Code.INVALID_ARGUMENT] * 2
        assert "1024" in str(batch.refused[1].error)

        deadline = time.monotonic() + 60  # every message analysed before the forced run takes its snapshot
        while client.get_status().analyzed_total < len(message_ids):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        status = client.get_status()
        assert status.enabled and status.queue_capacity == 10000 and status.message_threshold == 3
        assert status.version == client.server_version

        previous = status.last_run.id if status.last_run else None
        forced = client.force_clustering()
        assert forced.started or forced.follow_up_queued
        run = client.wait_for_run(previous, timeout=120)
        assert run.status == "succeeded", run
        assert run.total_conversations == 12 and run.clusters_created >= 2

        runs = client.list_runs(5)
        assert 1 <= len(runs) <= 5 and runs[0].id == run.id and runs[0].finished_at is not None

        listing = client.list_clusters()
        assert listing.run.id == run.id
        # Two or more pages of one cluster each, gathered.
        assert len(listing.clusters) >= 2
        assert sum(cluster.size for cluster in listing.clusters) == 12
        assert all(cluster.stable_id and cluster.top_concepts for cluster in listing.clusters)
        assert client.list_clusters(run.id).run.id == run.id
        with pytest.raises(ServerError) as caught:
            client.list_clusters("000000000000000000000000")
        assert caught.value.code is Code.NOT_FOUND

        status = client.get_status()
        assert status.latest_clustering_run is not None and status.latest_clustering_run.id == run.id
        seed = status.seed_dict()
        assert seed["latest_clustering_run"]["total_conversations"] == 12
        assert seed["minutes_since_last_clustering"] == 0

        # A succeeded run carries metrics and lineage, and the dicts equal clusterctl's JSON.
        metrics = status.latest_clustering_run.metrics
        assert metrics is not None and metrics.k >= 2 and sum(metrics.sizes) == 12
        assert metrics.silhouette is not None and -1 <= metrics.silhouette <= 1
        assert status.k_rule != "" and status.min_cluster_size >= 1
        born: List[str] = [sid for event in listing.run.lineage if event.kind == "born" for sid in event.stable_ids]
        assert sorted(born) == sorted(cluster.stable_id for cluster in listing.clusters if cluster.lineage == "born")
        from_cli = _clusterctl(clusterctl_bin, server.address, "status")
        full = client.get_status().to_dict()
        for document in (from_cli, full):  # the uptime and the lease's age move between the two reads
            document["operator"].pop("uptime_seconds")
            document["operator"]["replica"].pop("lease_age_seconds")
        assert full == from_cli
        assert full["latest_clustering_run"]["metrics"]["size_max"] == max(metrics.sizes)
        clusters_cli = _clusterctl(clusterctl_bin, server.address, "clusters")
        assert [cluster.to_dict() for cluster in listing.clusters] == clusters_cli["clusters"]
        listed_run = listing.to_dict()["run"]
        assert listed_run["metrics"] == clusters_cli["run"]["metrics"]
        assert listed_run["lineage"] == clusters_cli["run"]["lineage"]


def test_error_replies_keep_the_connection(server) -> None:  # type: ignore[no-untyped-def]
    client = Client(server.address, token=TOKEN)
    client.connect()
    for bad in ("", "x" * 1025):
        with pytest.raises(ServerError) as caught:
            client.trigger_analysis(bad)
        assert caught.value.code is Code.INVALID_ARGUMENT
    # Above the server's maximum frame: refused before sending; the connection stays.
    with pytest.raises(FrameTooLargeError):
        client.trigger_analysis("b" * (client.server_max_frame + 1))
    with pytest.raises(ValueError):
        client.trigger_analysis_batch(["a"] * 10001)
    with pytest.raises(ValueError):
        client.trigger_analysis_batch([])
    assert client.connected
    assert client.trigger_analysis("65a1b2c3d4e5f60718293a4b") is TriggerOutcome.QUEUED
    client.close()


def test_forget_messages_and_a_conversation(server, mongo_uri: str) -> None:  # type: ignore[no-untyped-def]
    message_ids = load_sample(mongo_uri, server.database, conversations=4)
    with Client(server.address, token=TOKEN, timeout=30) as client:
        client.trigger_analysis_batch(message_ids)
        deadline = time.monotonic() + 60
        while client.get_status().analyzed_total < len(message_ids):
            assert time.monotonic() < deadline
            time.sleep(0.1)
        previous = client.get_status().last_run
        client.force_clustering()
        client.wait_for_run(previous.id if previous else None, timeout=120)
        while client.get_status().clustering_in_progress:  # an automatic run may follow the forced one
            assert time.monotonic() < deadline + 120
            time.sleep(0.1)
        run = client.list_clusters().run
        conversation = client.list_clusters().clusters[0].representative_conversation_ids[0]
        own = [mid for mid in message_ids if mid.startswith(conversation)]

        result = client.forget_conversation(conversation)
        assert result.analyses_erased == len(own)
        assert result.assignments_erased >= 1 and result.clusters_scrubbed >= 1
        listing = client.list_clusters(run.id)
        assert all(conversation not in cluster.representative_conversation_ids for cluster in listing.clusters)
        assert client.forget_conversation(conversation).analyses_erased == 0

        rest = [mid for mid in message_ids if not mid.startswith(conversation)]
        assert client.forget_messages(rest[:2]).analyses_erased == 2
        assert client.forget_messages(rest[:2]).analyses_erased == 0

        with pytest.raises(ServerError) as caught:
            client.forget_messages(["ok", ""])
        assert caught.value.code is Code.INVALID_ARGUMENT and "message_ids[1]" in caught.value.message
        with pytest.raises(ServerError) as caught:
            client.forget_conversation("x" * 1025)
        assert caught.value.code is Code.INVALID_ARGUMENT and "1024" in caught.value.message
        for bad in ([], ["a"] * 10001):
            with pytest.raises(ValueError):
                client.forget_messages(bad)
        with pytest.raises(ValueError):
            client.forget_conversation("")
        assert client.connected


def test_conversation_cluster(server, mongo_uri: str, clusterctl_bin: str) -> None:  # type: ignore[no-untyped-def]
    message_ids = load_sample(mongo_uri, server.database, conversations=4)
    with Client(server.address, token=TOKEN, timeout=30) as client:
        with pytest.raises(ServerError) as caught:
            client.get_conversation_cluster("anything")
        assert caught.value.code is Code.NOT_FOUND  # no successful run yet, or (a first run was quick) no cluster
        client.trigger_analysis_batch(message_ids)
        previous = client.get_status().last_run
        client.force_clustering()
        client.wait_for_run(previous.id if previous else None, timeout=120)
        deadline = time.monotonic() + 120
        while client.get_status().clustering_in_progress:  # an automatic run may follow the forced one
            assert time.monotonic() < deadline
            time.sleep(0.1)
        listing = client.list_clusters()
        cluster = listing.clusters[0]
        conversation = cluster.representative_conversation_ids[0]

        placement = client.get_conversation_cluster(conversation)
        assert placement.conversation_id == conversation and placement.run_id == listing.run.id
        assert not placement.provisional and placement.assigned_at is None
        assert placement.path[0].stable_id == cluster.stable_id and placement.path[0].level == 0
        assert placement.path[0].name == cluster.name and placement.path[0].size == cluster.size
        assert placement.to_dict() == _clusterctl(clusterctl_bin, server.address, "conversation", conversation)

        with pytest.raises(ServerError) as caught:
            client.get_conversation_cluster("conv-nowhere")
        assert caught.value.code is Code.NOT_FOUND
        for bad in ("", "x" * 1025):
            with pytest.raises(ServerError) as caught:
                client.get_conversation_cluster(bad)
            assert caught.value.code is Code.INVALID_ARGUMENT
        assert client.connected


def test_server_down_wrong_token_and_no_token(server) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    with pytest.raises(ClusterdConnectionError, match=f"cannot connect to 127.0.0.1:{port}: connection refused"):
        Client(f"127.0.0.1:{port}").get_status()
    for token in ("wrong", None):
        with pytest.raises(ServerError) as caught:
            Client(server.address, token=token).get_status()
        assert caught.value.code is Code.UNAUTHENTICATED
    assert server.log_contains("Refused a connection: missing or wrong token")
    assert TOKEN not in server.log


def test_read_timeout_keeps_the_connection(server) -> None:  # type: ignore[no-untyped-def]
    client = Client(server.address, token=TOKEN, timeout=0.3)
    client.connect()
    server.pause()
    try:
        started = time.monotonic()
        with pytest.raises(ClusterdTimeoutError):
            client.get_status()
        assert 0.25 < time.monotonic() - started < 3
        assert client.connected
    finally:
        server.resume()
    # The late status reply arrives first and is dropped by its call id.
    client.timeout = 10
    assert client.trigger_analysis("late-reply-check") is TriggerOutcome.QUEUED
    assert client.connected


def test_server_dies_mid_call_then_down_then_back(servers: Servers, mongo_uri: str) -> None:
    first = servers.start({"CLUSTERD_TOKEN": TOKEN})
    client = Client(first.address, token=TOKEN, timeout=10, connect_timeout=2)
    client.connect()
    first.pause()
    killer = threading.Timer(0.3, first.kill)
    killer.start()
    with pytest.raises(ClusterdConnectionError):
        client.get_status()  # sent to a stopped server, which then dies
    killer.join()
    assert not client.connected
    with pytest.raises(ClusterdConnectionError, match="connection refused"):
        client.get_status()
    second = servers.start({"CLUSTERD_TOKEN": TOKEN}, database=first.database, listen=first.address)
    assert second.port == first.port
    assert client.get_status().version != ""  # the same client reconnected by itself
    assert client.connected


def test_full_queue_refuses_per_item_and_disabled_mode_records(servers: Servers) -> None:
    small = servers.start({"CLUSTERD_QUEUE_CAPACITY": "1"})
    with Client(small.address) as client:
        batch = client.trigger_analysis_batch([f"missing-{i}" for i in range(20)])
        codes = [r.error.code for r in batch.refused if r.error]
        assert len(batch.accepted) <= 1 and len(codes) >= 19
        assert set(codes) == {Code.RESOURCE_EXHAUSTED}
        assert "queue is full" in batch.refused[0].error.message  # type: ignore[union-attr]
        assert client.get_status().triggers_refused >= 19
    disabled = servers.start({"BACKGROUND_CLUSTERING_ENABLED": "false"})
    with Client(disabled.address) as client:
        assert client.trigger_analysis("m1") is TriggerOutcome.RECORDED
        assert not client.get_status().enabled


def test_a_client_is_shared_by_threads(server) -> None:  # type: ignore[no-untyped-def]
    client = Client(server.address, token=TOKEN)
    errors: list = []

    def work(worker: int) -> None:
        try:
            for i in range(25):
                client.trigger_analysis(f"thread-{worker}-{i}")
                client.get_status()
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert client.get_status().triggers_total == 200
    client.close()
