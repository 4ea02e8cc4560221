"""Fictional demo needs (demo_data/needs.json) for the demo organizations."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy.orm import Session

from medbridge.needs.service import create_need
from medbridge.registry.service import find_organization

DEMO_FILE = Path(__file__).parent.parent / "demo_data" / "needs.json"


def load_demo_needs(session: Session) -> int:
    """Post every demo need whose organization exists; returns how many were posted."""
    posted = 0
    for item in json.loads(DEMO_FILE.read_text(encoding="utf-8"))["needs"]:
        data = dict(item)
        owner = find_organization(session, data.pop("owner"))
        if owner is None:
            continue
        create_need(session, {**data, "owner_id": owner.id}, author="demo", is_demo=True)
        posted += 1
    return posted
