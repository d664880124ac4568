"""The client's version, written here only (pyproject.toml and the Hello client name read it)."""

__version__ = "0.2.0"
