"""Settings read from the environment, with defaults that work on a fresh machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_SQLITE_FILE = "medbridge.db"


@dataclass(frozen=True)
class Settings:
    database_url: str
    # Uploads larger than this are refused before parsing (imports, articles).
    max_upload_bytes: int = 10 * 1024 * 1024
    # Rows per import: a sheet beyond this is refused whole, not truncated.
    max_import_rows: int = 20_000
    # Served over HTTPS: cookies get the Secure flag and responses ask browsers to insist on HTTPS.
    secure_cookies: bool = False


def database_url_from_env() -> str:
    url = os.environ.get("MEDBRIDGE_DATABASE_URL", "").strip()
    if url:
        return url
    return "sqlite:///" + str(Path.cwd() / DEFAULT_SQLITE_FILE)


def get_settings() -> Settings:
    return Settings(
        database_url=database_url_from_env(),
        max_upload_bytes=int(os.environ.get("MEDBRIDGE_MAX_UPLOAD_BYTES", 10 * 1024 * 1024)),
        max_import_rows=int(os.environ.get("MEDBRIDGE_MAX_IMPORT_ROWS", 20_000)),
        secure_cookies=os.environ.get("MEDBRIDGE_SECURE_COOKIES", "").strip().lower() in ("1", "true", "yes", "on"),
    )
