"""Both Python clients over TLS against a real clusterd, with a CA made at run time by the openssl command;
the token from a file through ``from_env``."""

from __future__ import annotations

import asyncio
import subprocess
from pathlib import Path
from typing import Dict

import pytest

from clusterd import AsyncClient, Client, ClusterdConnectionError, read_token_file, tls_context
from conftest import Servers

TOKEN = "py-tls-token-0123456789abcdef-0123456789"


def _openssl(*arguments: str) -> None:
    subprocess.run(["openssl", *arguments], check=True, capture_output=True, timeout=30)


def _make_ca(directory: Path, name: str) -> Dict[str, str]:
    """A CA and a server certificate for 127.0.0.1/localhost and a client certificate, all signed by it."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    files = {kind: str(directory / f"{name}-{kind}") for kind in ("ca.pem", "ca.key")}
    _openssl("req", "-x509", "-new", *ec, "-keyout", files["ca.key"], "-out", files["ca.pem"], "-days", "1",
             "-subj", f"/CN={name}", "-addext", "basicConstraints=critical,CA:TRUE")
    for kind, extensions in (
        ("server", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth"),
        ("client", "extendedKeyUsage=clientAuth"),
    ):
        stem = str(directory / f"{name}-{kind}")
        Path(f"{stem}.ext").write_text(extensions)
        _openssl("req", "-new", *ec, "-keyout", f"{stem}.key", "-out", f"{stem}.csr", "-subj", f"/CN={kind}")
        _openssl("x509", "-req", "-in", f"{stem}.csr", "-CA", files["ca.pem"], "-CAkey", files["ca.key"],
                 "-CAcreateserial", "-days", "1", "-extfile", f"{stem}.ext", "-out", f"{stem}.pem")
        files[f"{kind}.pem"], files[f"{kind}.key"] = f"{stem}.pem", f"{stem}.key"
    return files


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, str]:
    directory = tmp_path_factory.mktemp("pki")
    ours = _make_ca(directory, "ours")
    other = _make_ca(directory, "other")
    token_file = directory / "token"
    token_file.write_text(TOKEN + "\n")
    return {**ours, "other-ca.pem": other["ca.pem"], "other-client.pem": other["client.pem"],
            "other-client.key": other["client.key"], "token": str(token_file)}


def test_both_clients_over_tls_and_a_clear_error_without_the_ca(
    servers: Servers, pki: Dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    server = servers.start({"CLUSTERD_TLS_CERT_FILE": pki["server.pem"], "CLUSTERD_TLS_KEY_FILE": pki["server.key"],
                            "CLUSTERD_TOKEN_FILE": pki["token"]})
    assert read_token_file(pki["token"]) == TOKEN
    with Client(server.address, token=TOKEN, ssl=tls_context(pki["ca.pem"]), timeout=30) as client:
        assert client.get_status().version
        assert client.get_status().version  # the idle check before the second call works over TLS
    with Client(server.address, token=TOKEN, ssl=tls_context(pki["other-ca.pem"])) as stranger:
        with pytest.raises(ClusterdConnectionError, match="TLS handshake with .* failed.*CERTIFICATE_VERIFY_FAILED"):
            stranger.get_status()

    async def run_async() -> None:
        async with AsyncClient(server.address, token=TOKEN, ssl=tls_context(pki["ca.pem"]), timeout=30) as client:
            statuses = await asyncio.gather(*(client.get_status() for _ in range(5)))
            assert all(status.version for status in statuses)
        with pytest.raises(ClusterdConnectionError, match="TLS handshake"):
            await AsyncClient(server.address, token=TOKEN, ssl=tls_context(pki["other-ca.pem"])).get_status()

    asyncio.run(asyncio.wait_for(run_async(), 60))

    # from_env: the token file and the CA from the same variables clusterctl reads.
    monkeypatch.delenv("CLUSTERD_TOKEN", raising=False)
    monkeypatch.setenv("CLUSTERD_ADDRESS", server.address)
    monkeypatch.setenv("CLUSTERD_TOKEN_FILE", pki["token"])
    monkeypatch.setenv("CLUSTERD_TLS_CA_FILE", pki["ca.pem"])
    with Client.from_env(timeout=30) as client:
        assert client.get_status().version


def test_client_certificates_required(servers: Servers, pki: Dict[str, str]) -> None:
    server = servers.start({"CLUSTERD_TLS_CERT_FILE": pki["server.pem"], "CLUSTERD_TLS_KEY_FILE": pki["server.key"],
                            "CLUSTERD_TLS_CLIENT_CA_FILE": pki["ca.pem"]})
    good = tls_context(pki["ca.pem"], pki["client.pem"], pki["client.key"])
    with Client(server.address, ssl=good, timeout=30) as client:
        assert client.get_status().version
    for context in (tls_context(pki["ca.pem"]), tls_context(pki["ca.pem"], pki["other-client.pem"],
                                                           pki["other-client.key"])):
        with Client(server.address, ssl=context, timeout=5) as refused:
            with pytest.raises(ClusterdConnectionError):
                refused.get_status()


def test_tls_context_needs_both_certificate_and_key() -> None:
    with pytest.raises(ValueError, match="both"):
        tls_context(None, "/cert.pem", None)


def test_clusterctl_reads_the_same_variables(servers: Servers, pki: Dict[str, str], clusterctl_bin: str) -> None:
    server = servers.start({"CLUSTERD_TLS_CERT_FILE": pki["server.pem"], "CLUSTERD_TLS_KEY_FILE": pki["server.key"],
                            "CLUSTERD_TOKEN_FILE": pki["token"]})
    env = {"PATH": "/usr/bin:/bin", "CLUSTERD_ADDRESS": server.address, "CLUSTERD_TOKEN_FILE": pki["token"],
           "CLUSTERD_TLS_CA_FILE": pki["ca.pem"]}
    done = subprocess.run([clusterctl_bin, "status", "--json"], env=env, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
