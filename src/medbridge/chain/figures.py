"""Cluster figures (产业数据) with their provenance: entered by hand, or read from an article
(the news module's article id and/or its address, and the sentence quoted)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Mapping

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from medbridge.chain.models import ClusterFigure
from medbridge.chain.taxonomy import ChainMap
from medbridge.errors import NotFound, ValidationError
from medbridge.registry.models import Organization

PERIOD = re.compile(r"^(19|20)\d{2}(-(0[1-9]|1[0-2]))?$")
SOURCE_KINDS = ("manual", "article")
MAX_PER_PAGE = 200


@dataclass
class FigureFilters:
    region: str = ""
    organization_id: int | None = None
    metric: str = ""
    chain: str = ""
    page: int = 1
    per_page: int = 50


def prepare(session: Session, chains: ChainMap, data: Mapping[str, Any]) -> dict:
    """A clean figure from posted fields, or ValidationError naming every problem."""
    errors = []

    def problem(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    def text(name: str, limit: int) -> str:
        value = data.get(name)
        value = "" if value is None else str(value).strip()
        if len(value) > limit:
            problem(name, f"最多{limit}字 / at most {limit} characters")
        return value[:limit]

    region = text("region", 64)
    metric = text("metric", 32)
    chain = text("chain", 32)
    period = text("period", 16)
    source_kind = text("source_kind", 16) or "manual"
    source_url = text("source_url", 500)
    quote = text("quote", 2000)
    note = text("note", 500)
    org_id = data.get("organization_id")
    organization = None
    if org_id not in (None, ""):
        try:
            organization = session.get(Organization, int(org_id)) if 0 < int(org_id) < 2**31 else None
        except (TypeError, ValueError):
            organization = None
        if organization is None:
            problem("organization_id", "机构不存在 / no such organization")
    if not region and organization is None:
        problem("region", "地区或机构至少填一项 / give a region or an organization")
    if metric not in chains.metrics:
        problem("metric", f"未知指标“{metric}” / unknown metric; one of {', '.join(chains.metrics)}")
    if chain and not chains.has(chain):
        problem("chain", f"未知产业链“{chain}” / unknown chain")
    if not PERIOD.match(period):
        problem("period", "期间应为年份或年月，如 2023 或 2024-06 / period: a year or year-month, e.g. 2023")
    value = data.get("value")
    try:
        value = float(str(value).replace(",", "").replace("，", "")) if value not in (None, "") else None
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or value < 0 or value > 1e12:
        problem("value", "应为 0 到 10¹² 之间的数 / a number between 0 and 10¹²")
    article_id = data.get("article_id")
    if article_id in ("", None):
        article_id = None
    else:
        try:
            article_id = int(article_id)
            if not 0 < article_id < 2**31:
                raise ValueError
        except (TypeError, ValueError):
            problem("article_id", "应为正整数 / a positive whole number")
            article_id = None
    if source_kind not in SOURCE_KINDS:
        problem("source_kind", "应为 manual 或 article / manual or article")
    if source_url and not re.match(r"^https?://[^\s]+$", source_url):
        problem("source_url", "应为 http(s) 网址 / an http(s) address")
    if source_kind == "article":
        if not (source_url or article_id):
            problem("source_url", "来自文章的数据须注明文章编号或网址 / an article figure needs the article id or address")
        if not quote:
            problem("quote", "来自文章的数据须引用原句 / an article figure needs the sentence quoted")
    if errors:
        raise ValidationError(errors)
    unit = chains.metrics[metric].get("unit", "")
    return {"region": region, "organization_id": organization.id if organization else None, "chain_key": chain,
            "metric": metric, "value": value, "unit": unit, "period": period, "source_kind": source_kind,
            "article_id": article_id, "source_url": source_url, "quote": quote, "note": note}


def add(session: Session, chains: ChainMap, data: Mapping[str, Any], author: str, is_demo: bool = False) -> ClusterFigure:
    figure = ClusterFigure(**prepare(session, chains, data), author=author, is_demo=is_demo)
    session.add(figure)
    session.flush()
    return figure


def get(session: Session, figure_id: int) -> ClusterFigure:
    figure = session.get(ClusterFigure, figure_id)
    if figure is None:
        raise NotFound(f"figure {figure_id} not found / 数据不存在")
    return figure


def list_figures(session: Session, filters: FigureFilters) -> tuple[list[ClusterFigure], int]:
    query = select(ClusterFigure)
    if filters.region:
        in_region = select(Organization.id).where(or_(Organization.province == filters.region,
                                                      Organization.city == filters.region,
                                                      Organization.district == filters.region))
        query = query.where(or_(ClusterFigure.region == filters.region, ClusterFigure.organization_id.in_(in_region)))
    if filters.organization_id:
        query = query.where(ClusterFigure.organization_id == filters.organization_id)
    if filters.metric:
        query = query.where(ClusterFigure.metric == filters.metric)
    if filters.chain:
        query = query.where(ClusterFigure.chain_key == filters.chain)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    per_page = max(1, min(filters.per_page, MAX_PER_PAGE))
    rows = session.scalars(query.order_by(ClusterFigure.metric, ClusterFigure.region, ClusterFigure.period.desc(),
                                          ClusterFigure.id).offset((max(1, filters.page) - 1) * per_page).limit(per_page))
    return list(rows), total


def series(figures: list[ClusterFigure]) -> dict[str, dict[str, list[tuple[str, float]]]]:
    """metric → scope name → [(period, value)] in period order, for trend charts."""
    out: dict[str, dict[str, list[tuple[str, float]]]] = {}
    for f in figures:
        scope = f.organization.name if f.organization else f.region
        if f.chain_key:
            scope = f"{scope} · {f.chain_key}"
        out.setdefault(f.metric, {}).setdefault(scope, []).append((f.period, f.value))
    for scopes in out.values():
        for points in scopes.values():
            points.sort()
    return out


def delete(session: Session, figure: ClusterFigure) -> None:
    session.delete(figure)
    session.flush()
