"""Errors the domain raises for people to read; the API, CLI and pages show them as they are."""

from __future__ import annotations


class ValidationError(ValueError):
    """Input that cannot be accepted; `errors` lists each problem as {field, message}."""

    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


class NotFound(LookupError):
    """The thing asked for does not exist."""


class Forbidden(PermissionError):
    """The person may not do this; status 401 when signing in would help, else 403."""

    def __init__(self, message: str, status: int = 403):
        self.status = status
        super().__init__(message)
