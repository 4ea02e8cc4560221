"""Request-scoped dependencies shared by the API and the pages."""

from __future__ import annotations

from typing import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from medbridge.db import Database


def get_database(request: Request) -> Database:
    return request.app.state.database


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: committed if the handler returns, rolled back if it raises."""
    with get_database(request).session() as session:
        yield session


# Commit before the response is sent (FastAPI's default for yield dependencies is after), so a
# client never sees "saved" for a write that then fails, nor reads stale data after a redirect.
SessionDep = Depends(get_session, scope="function")
