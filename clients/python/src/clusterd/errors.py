"""Errors raised by the clients, and the wire status codes."""

from __future__ import annotations

import enum
from typing import Optional

__all__ = [
    "Code",
    "ClusterdError",
    "ServerError",
    "ClusterdConnectionError",
    "ClusterdTimeoutError",
    "ProtocolError",
    "FrameTooLargeError",
]


class Code(enum.IntEnum):
    """clusterd.v1.Code, numbered as gRPC's status codes."""

    OK = 0
    UNKNOWN = 2  # a code this client does not know (a newer server)
    INVALID_ARGUMENT = 3
    NOT_FOUND = 5
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    UNAUTHENTICATED = 16

    @classmethod
    def from_wire(cls, value: int) -> "Code":
        """The code for a wire value; UNKNOWN for values this version does not know."""
        try:
            return cls(value)
        except ValueError:
            return cls.UNKNOWN


class ClusterdError(Exception):
    """Base of every error the clients raise. ``code`` is the wire code for server errors, else None."""

    code: Optional[Code] = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ServerError(ClusterdError):
    """The server answered with an Error: ``code`` says why (e.g. RESOURCE_EXHAUSTED when the queue is full)."""

    code: Code

    def __init__(self, code: Code, message: str) -> None:
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        return f"{self.code.name}: {self.message}"

    def __repr__(self) -> str:
        return f"ServerError({self.code.name}, {self.message!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ServerError) and (self.code, self.message) == (other.code, other.message)

    def __hash__(self) -> int:
        return hash((self.code, self.message))


class ClusterdConnectionError(ClusterdError, ConnectionError):
    """The server cannot be reached, or the connection broke during a call. The next call reconnects."""


class ClusterdTimeoutError(ClusterdError, TimeoutError):
    """No reply in time (the connection is kept; a late reply is dropped), or connecting/sending took too long
    (then the connection is dropped and the next call reconnects)."""


class ProtocolError(ClusterdError):
    """The peer broke the protocol (malformed or oversized frame, unexpected reply). The connection is dropped."""


class FrameTooLargeError(ProtocolError):
    """A request above the server's maximum frame size: refused before sending; the connection is kept."""
