"""Database engine, sessions and schema migrations."""

from medbridge.db.base import Base
from medbridge.db.engine import Database, make_engine

__all__ = ["Base", "Database", "make_engine"]
