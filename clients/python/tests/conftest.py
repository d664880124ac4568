"""Fixtures: the embedded MongoDB-wire server (or $CLUSTERD_TEST_MONGODB_URI) and real clusterd processes
started on 127.0.0.1:0 with --port-file. Nothing is mocked; everything stays on loopback."""

from __future__ import annotations

import datetime
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import pytest

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = ROOT / "samples" / "sgd-sample.jsonl"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _binary(name: str, variable: str) -> str:
    """$VARIABLE, else the most recently built .build*/debug/NAME; fails the test when there is none."""
    path = os.environ.get(variable)
    if path:
        return path
    candidates = [p for p in ROOT.glob(f".build*/debug/{name}") if os.access(p, os.X_OK)]
    if not candidates:
        pytest.fail(f"{name} is not built: run `swift build` or set {variable}")
    return str(max(candidates, key=lambda p: p.stat().st_mtime))


@pytest.fixture(scope="session")
def clusterd_bin() -> str:
    return _binary("clusterd", "CLUSTERD_BIN")


@pytest.fixture(scope="session")
def clusterctl_bin() -> str:
    return _binary("clusterctl", "CLUSTERCTL_BIN")


@pytest.fixture(scope="session")
def mongo_uri() -> Iterator[str]:
    """mongodb://host:port (no database)."""
    given = os.environ.get("CLUSTERD_TEST_MONGODB_URI")
    if given:
        yield given.rstrip("/")
        return
    port = free_port()
    script = str(ROOT / "scripts" / "mongo-embedded")
    uri = subprocess.run(
        [script, "start", str(port), ":memory:"], check=True, capture_output=True, text=True, timeout=60
    ).stdout.strip()
    try:
        yield uri
    finally:
        subprocess.run([script, "stop", str(port)], check=False, timeout=30)


class Server:
    """One clusterd process; its log is kept for assertions and failures."""

    def __init__(self, binary: str, mongo_uri: str, database: str, environment: Dict[str, str], listen: str) -> None:
        self.directory = tempfile.TemporaryDirectory(prefix="clusterd-py-")
        port_file = Path(self.directory.name) / "port"
        self.log_path = Path(self.directory.name) / "stderr.log"
        env = {key: os.environ[key] for key in ("PATH", "HOME", "LANG", "LD_LIBRARY_PATH") if key in os.environ}
        env.update({"CLUSTERD_TICK_SECONDS": "0.3", "CLUSTERD_ANALYSIS_WORKERS": "2"})
        env.update(environment)
        self.environment = environment
        self.database = database
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [
                    binary,
                    "--listen",
                    listen,
                    "--mongodb-uri",
                    f"{mongo_uri}/{database}",
                    "--port-file",
                    str(port_file),
                    "--env-file",
                    str(Path(self.directory.name) / "no.env"),
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
        deadline = time.monotonic() + 30
        while True:
            try:
                text = port_file.read_text().strip()
                if text:
                    self.port = int(text)
                    break
            except (FileNotFoundError, ValueError):
                pass
            if self.process.poll() is not None:
                raise RuntimeError(f"clusterd exited at start-up:\n{self.log}")
            if time.monotonic() > deadline:
                self.process.kill()
                raise RuntimeError(f"clusterd wrote no port file within 30 s:\n{self.log}")
            time.sleep(0.025)
        self.address = f"127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_contains(self, text: str, timeout: float = 5.0) -> bool:
        """Whether the log shows `text` within `timeout` seconds (clusterd writes its log off the request path, a
        batch at a time, so a line lands about a millisecond after the call that logged it)."""
        deadline = time.monotonic() + timeout
        while text not in self.log:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self.directory.cleanup()

    def pause(self) -> None:
        """SIGSTOP, returning once the process is really stopped (kill returns before it is)."""
        os.kill(self.pid, signal.SIGSTOP)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
            if stat[stat.rindex(")") + 2] in "Tt":
                return
            time.sleep(0.01)
        raise RuntimeError("clusterd did not stop")

    def resume(self) -> None:
        os.kill(self.pid, signal.SIGCONT)

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)


class Servers:
    """Starts servers for a test and stops them all afterwards."""

    def __init__(self, binary: str, mongo_uri: str) -> None:
        self.binary = binary
        self.mongo_uri = mongo_uri
        self.started: List[Server] = []

    def start(
        self, environment: Optional[Dict[str, str]] = None, database: Optional[str] = None, listen: str = "127.0.0.1:0"
    ) -> Server:
        database = database or f"py_{uuid.uuid4().hex[:12]}"
        server = Server(self.binary, self.mongo_uri, database, environment or {}, listen)
        self.started.append(server)
        return server

    def stop_all(self) -> None:
        for server in self.started:
            server.stop()


@pytest.fixture
def servers(clusterd_bin: str, mongo_uri: str) -> Iterator[Servers]:
    pool = Servers(clusterd_bin, mongo_uri)
    try:
        yield pool
    finally:
        pool.stop_all()


def load_sample(mongo_uri: str, database: str, conversations: int = 12) -> List[str]:
    """Writes `conversations` sample conversations (distinct topics first) the way a chat backend does; returns
    the message ids in order."""
    from pymongo import MongoClient

    rows = [json.loads(line) for line in SAMPLES.read_text(encoding="utf-8").splitlines()]
    by_label: Dict[str, List[dict]] = {}
    for row in rows:
        by_label.setdefault(row["label"], []).append(row)
    chosen: List[dict] = []
    while len(chosen) < conversations and any(by_label.values()):
        for label in sorted(by_label):
            if by_label[label] and len(chosen) < conversations:
                chosen.append(by_label[label].pop(0))
    client: MongoClient = MongoClient(mongo_uri, serverSelectionTimeoutMS=5000)
    db = client[database]
    message_ids: List[str] = []
    start = datetime.datetime(2025, 1, 10, 21, 0, tzinfo=datetime.timezone.utc)
    conversation_docs, message_docs = [], []
    for index, row in enumerate(chosen):
        cid = row["conversation_id"]
        created = start + datetime.timedelta(minutes=index)
        conversation_docs.append({"_id": cid, "title": cid, "created_at": created})
        for turn, message in enumerate(row["messages"]):
            mid = f"{cid}-m{turn:02d}"
            message_docs.append(
                {
                    "_id": mid,
                    "conversation_id": cid,
                    "role": message["role"],
                    "content": message["content"],
                    "created_at": created + datetime.timedelta(seconds=turn),
                }
            )
            message_ids.append(mid)
    db.conversations.insert_many(conversation_docs)
    db.messages.insert_many(message_docs)
    client.close()
    return message_ids
