"""Bounds on numbers that name rows or pages, so that an absurd number is a 422, not a
database overflow (ids are 32-bit integers in PostgreSQL; SQLite stops at 64 bits)."""

from __future__ import annotations

from typing import Annotated, Optional

from fastapi import Depends, Path, Query, Request
from pydantic import Field

from medbridge.errors import ValidationError

MAX_ID = 2**31 - 1

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
VersionNumber = Annotated[int, Path(ge=1, le=MAX_ID)]
OptionalId = Annotated[Optional[int], Query(ge=1, le=MAX_ID)]
PageNumber = Annotated[int, Query(ge=1, le=MAX_ID)]
BodyId = Annotated[int, Field(ge=1, le=MAX_ID)]  # an id inside a JSON body


def no_nul_in_query(request: Request) -> None:
    """The query string may not carry NUL characters (PostgreSQL cannot compare text with one)."""
    from medbridge.api.schemas import NUL_MESSAGE

    bad = [name for name, value in request.query_params.multi_items() if "\x00" in name or "\x00" in value]
    if bad:
        raise ValidationError([{"field": name.replace("\x00", "\\0"), "message": NUL_MESSAGE} for name in bad])


QueryChecks = [Depends(no_nul_in_query)]
