"""The drop-in BackgroundClusteringService: the seed's names and shapes, against a real clusterd."""

from __future__ import annotations

import json
import logging
import subprocess
import time
from typing import Iterator

import pytest
from pymongo import MongoClient

import seed_backend
from clusterd import SEED_STATUS_KEYS, BackgroundClusteringService, ClusterdConnectionError
from conftest import Servers, free_port


@pytest.fixture(autouse=True)
def fresh_instances() -> Iterator[None]:
    BackgroundClusteringService.reset_instances()
    yield
    BackgroundClusteringService.reset_instances()


def test_singleton_per_address_and_env(monkeypatch: pytest.MonkeyPatch, servers: Servers) -> None:
    server = servers.start()
    monkeypatch.setenv("CLUSTERD_ADDRESS", server.address)
    monkeypatch.delenv("CLUSTERD_TOKEN", raising=False)
    first = BackgroundClusteringService()
    assert BackgroundClusteringService() is first
    assert BackgroundClusteringService(server.address) is first
    assert BackgroundClusteringService("127.0.0.1:1") is not first
    assert first.client.address == server.address


def test_status_is_the_seed_dict_and_matches_clusterctl(servers: Servers, clusterctl_bin: str) -> None:
    server = servers.start()
    service = BackgroundClusteringService(server.address)
    status = service.get_status()
    assert tuple(status) == SEED_STATUS_KEYS
    assert status["configuration"] == {"message_threshold": 3, "time_threshold_minutes": 30}
    assert status["latest_clustering_run"] is None and status["minutes_since_last_clustering"] is None
    assert service.is_clustering_in_progress() is False
    printed = subprocess.run(
        [clusterctl_bin, "status", "--json", "--address", server.address], capture_output=True, text=True, timeout=30
    )
    assert printed.returncode == 0, printed.stderr
    from_cli = json.loads(printed.stdout)
    full = service.client.get_status().to_dict()
    assert set(from_cli) == set(full) == set(SEED_STATUS_KEYS) | {"operator"}
    assert {k: from_cli[k] for k in SEED_STATUS_KEYS} == {k: full[k] for k in SEED_STATUS_KEYS}
    assert set(from_cli["operator"]) == set(full["operator"])
    # The change stream may still be starting at the first read and following at the second.
    for volatile in ("uptime_seconds", "change_stream"):
        from_cli["operator"].pop(volatile)
        full["operator"].pop(volatile)
    for document in (from_cli, full):  # the lease's age moves between the two reads
        document["operator"]["replica"].pop("lease_age_seconds")
    assert from_cli["operator"] == full["operator"]


def test_trigger_never_raises(caplog: pytest.LogCaptureFixture) -> None:
    service = BackgroundClusteringService(f"127.0.0.1:{free_port()}", timeout=1, connect_timeout=1)
    with caplog.at_level(logging.WARNING, logger="BackgroundClusteringService"):
        assert service.trigger_background_analysis("65a1b2c3d4e5f60718293a4b") is False
    assert "Could not trigger background analysis for message 65a1b2c3d4e5f60718293a4b" in caplog.text
    assert "connection refused" in caplog.text
    with pytest.raises(ClusterdConnectionError):
        service.get_status()


def test_a_seed_backend_runs_unchanged_but_for_its_import(
    servers: Servers, mongo_uri: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    server = servers.start()
    monkeypatch.setenv("CLUSTERD_ADDRESS", server.address)
    db = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)[server.database]
    conversations = seed_backend.ConversationService(db)
    for topic in seed_backend.TOPICS:
        for first, *rest in ([sentence] for sentence in topic):
            conversation = conversations.create_conversation(first)
            for sentence in rest:
                conversations.add_user_message(conversation, sentence)
    messages = db.messages.count_documents({})
    assert messages == 9

    deadline = time.monotonic() + 60
    while db.message_analyses.count_documents({"embedding": {"$exists": True}}) < messages:
        assert time.monotonic() < deadline, "the backend's messages were not analysed"
        time.sleep(0.2)

    status = seed_backend.background_status()
    before = status["latest_clustering_run"]
    assert seed_backend.background_force() == {"success": True}
    deadline = time.monotonic() + 120
    while True:
        status = seed_backend.background_status()
        run = status["latest_clustering_run"]
        if not status["clustering_in_progress"] and run is not None and run != before:
            break
        assert time.monotonic() < deadline, status
        time.sleep(0.2)
    assert run["total_conversations"] == 9 and run["clusters_created"] >= 2
    assert set(run) >= {"created_at", "total_conversations", "clusters_created"}
    assert run["created_at"].endswith("Z")
    assert seed_backend.trigger_analysis(str(db.messages.find_one()["_id"])) == {"success": True}
    listing = BackgroundClusteringService().list_clusters()
    assert sum(cluster.size for cluster in listing.clusters) == 9
    assert server.log_contains("Triggered background analysis for message")
