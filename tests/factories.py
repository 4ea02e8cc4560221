"""Small builders for test data, so each test states only what matters to it."""

from __future__ import annotations

from medbridge.registry.service import create_organization


def make_org(session, name="北京天坛医院（测试）", kind="hospital", **extra):
    extra.setdefault("province", "北京市")
    extra.setdefault("city", "北京市")
    return create_organization(session, name=name, kind=kind, **extra)


def outcome_data(owner_org, **overrides) -> dict:
    data = {
        "code": "T-001",
        "title": "基于深度学习的脑卒中CT影像辅助诊断软件",
        "summary": "利用深度学习算法自动识别急性缺血性脑卒中CT影像中的早期缺血改变，辅助急诊医生在数分钟内完成判断，"
                   "已在三家医院完成回顾性验证，敏感度与特异度均超过九成，可与现有PACS系统对接。",
        "owner_id": owner_org.id if owner_org else None,
        "inventors": ["张三", "李四"],
        "kind": "software",
        "field": "ai_medicine",
        "stage": "clinical",
        "trl": 6,
        "patents": [{"number": "CN202310001234.5", "type": "invention", "status": "granted"}],
        "transfer_modes": ["license"],
        "contact": "成果转化办公室 010-00000000",
        "market_size": 30,
        "regulatory_status": "planned",
    }
    data.update(overrides)
    return data
