"""TLS and token settings shared by both clients: an ``ssl.SSLContext`` for a clusterd server, and the options
``from_env`` reads (the same variables as clusterctl)."""

from __future__ import annotations

import os
import ssl
from typing import Any, Dict, Optional

__all__ = ["tls_context", "read_token_file", "env_options"]

_TRUE = {"1", "true", "yes", "on"}


def tls_context(
    ca_file: Optional[str] = None, cert_file: Optional[str] = None, key_file: Optional[str] = None
) -> ssl.SSLContext:
    """A client context for clusterd: TLS 1.2 or later, the server's certificate verified against ``ca_file``
    (the system's roots when None) and its name; ``cert_file``/``key_file`` for a server that requires client
    certificates (``CLUSTERD_TLS_CLIENT_CA_FILE``)."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=ca_file)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if cert_file is not None or key_file is not None:
        if cert_file is None or key_file is None:
            raise ValueError("a client certificate needs both cert_file and key_file")
        context.load_cert_chain(cert_file, key_file)
    return context


def read_token_file(path: str) -> str:
    """The token in ``path`` (trailing line breaks dropped), as the server and clusterctl read it."""
    with open(path, encoding="utf-8") as handle:
        token = handle.read().strip()
    if not token:
        raise ValueError(f"the token file {path} is empty")
    return token


def env_options(options: Dict[str, Any]) -> Dict[str, Any]:
    """``options`` with the token (``$CLUSTERD_TOKEN``, else ``$CLUSTERD_TOKEN_FILE``) and TLS (on with
    ``$CLUSTERD_TLS=1`` or ``$CLUSTERD_TLS_CA_FILE``; client certificate from ``$CLUSTERD_TLS_CLIENT_CERT_FILE``
    and ``$CLUSTERD_TLS_CLIENT_KEY_FILE``) filled in where not given."""
    merged = dict(options)
    if "token" not in merged:
        token: Optional[str] = os.environ.get("CLUSTERD_TOKEN") or None
        path = os.environ.get("CLUSTERD_TOKEN_FILE")
        if token is None and path:
            token = read_token_file(path)
        merged["token"] = token
    if "ssl" not in merged:
        ca_file = os.environ.get("CLUSTERD_TLS_CA_FILE") or None
        if ca_file is not None or os.environ.get("CLUSTERD_TLS", "").lower() in _TRUE:
            merged["ssl"] = tls_context(
                ca_file,
                os.environ.get("CLUSTERD_TLS_CLIENT_CERT_FILE") or None,
                os.environ.get("CLUSTERD_TLS_CLIENT_KEY_FILE") or None,
            )
    return merged
