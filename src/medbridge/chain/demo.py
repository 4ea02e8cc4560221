"""Demo chain data (fictional, demo_data/chain.json): the placement rules run over the demo
organizations, the demo operator confirms the confident suggestions, rejects a few and places
what the rules cannot see; tenants are attached to the demo parks; invented figures with
invented sources let the dashboards compare regions on first run."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from medbridge.chain import figures, placement, taxonomy
from medbridge.chain.models import ChainPlacement, ClusterFigure, ParkTenant
from medbridge.registry.models import Organization

DATA_FILE = Path(__file__).resolve().parent.parent / "demo_data" / "chain.json"


def load_chain_demo(session: Session) -> dict[str, int]:
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    chains = taxonomy.current(session)
    orgs = {o.name: o for o in session.scalars(select(Organization).where(Organization.is_demo.is_(True)))}
    placement.refresh_suggestions(session, chains, sorted(orgs.values(), key=lambda o: o.id), is_demo=True)
    author = data["decided_by"]
    rejected = {tuple(item) for item in data["reject"]}
    for row in session.scalars(select(ChainPlacement).where(ChainPlacement.is_demo.is_(True))
                               .order_by(ChainPlacement.id)):
        key = (row.organization.name, row.chain_key, row.segment_key)
        if key in rejected:
            placement.decide(session, row, False, author, "演示：不属于该环节 / demo: not in this segment")
        elif row.confidence is not None and row.confidence >= data["confirm_at"]:
            placement.decide(session, row, True, author)
    for name, chain_key, segment_key, note in data["place"]:
        placement.place(session, chains, orgs[name], chain_key, segment_key, author, note)
    tenants = 0
    for park, members in data["parks"].items():
        for name in members:
            session.add(ParkTenant(organization_id=orgs[name].id, park_id=orgs[park].id, is_demo=True))
            tenants += 1
    count = 0
    for name, metric, values in data["organization_figures"]:
        for period, value in values.items():
            figures.add(session, chains, {"organization_id": orgs[name].id, "metric": metric, "value": value,
                                          "period": period, "note": "演示数据（虚构）/ demo data (fictional)"},
                        author, is_demo=True)
            count += 1
    for item in data["region_figures"]:
        article = item.get("article")
        for period, value in item["values"].items():
            source = {"source_kind": "article", "source_url": article["url"], "quote": article["quote"]} \
                if article and period == max(item["values"]) else {}
            figures.add(session, chains, {"region": item["region"], "metric": item["metric"], "value": value,
                                          "period": period, "note": "演示数据（虚构）/ demo data (fictional)",
                                          **source}, author, is_demo=True)
            count += 1
    session.flush()
    demo_rows = select(func.count()).select_from(ChainPlacement).where(ChainPlacement.is_demo.is_(True))
    return {"chain_placements": session.scalar(demo_rows),
            "chain_confirmed": session.scalar(demo_rows.where(ChainPlacement.status == "confirmed")),
            "park_tenants": tenants, "cluster_figures": count}


def remove_chain_demo(session: Session) -> None:
    """Delete the demo chain rows (those on demo organizations go with them; figures of a region do not)."""
    quiet = {"synchronize_session": False}
    for model in (ChainPlacement, ParkTenant, ClusterFigure):
        session.execute(delete(model).where(model.is_demo.is_(True)), execution_options=quiet)
