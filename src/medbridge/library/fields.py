"""The editable fields of an outcome and their validation, shared by the API, pages and imports.

`clean_outcome_fields` takes loosely typed input (JSON, a form, a spreadsheet row already
split into Python values) and returns either clean values or every problem at once.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping

from medbridge.library.taxonomy import Vocabulary, get_taxonomy

# Field order here is the order of columns in exports and of rows in diffs.
EDITABLE_FIELDS = (
    "code", "title", "summary", "owner_id", "inventors", "kind", "field", "segment", "stage", "trl",
    "patents", "clinical_trial_id", "regulatory_status", "market_size", "transfer_modes",
    "confidentiality", "keywords", "contact",
)
REQUIRED_FIELDS = ("code", "title", "owner_id", "kind", "field", "stage")

FIELD_LABELS = {
    "code": ("编号", "Code"), "title": ("名称", "Title"), "summary": ("简介", "Summary"),
    "owner_id": ("所属机构", "Owner organization"), "inventors": ("发明人", "Inventors"),
    "kind": ("成果类型", "Kind"), "field": ("领域", "Field"), "segment": ("产业链环节", "Chain segment"),
    "stage": ("阶段", "Stage"), "trl": ("技术成熟度TRL", "TRL"), "patents": ("专利", "Patents"),
    "clinical_trial_id": ("临床试验登记号", "Clinical trial id"),
    "regulatory_status": ("注册状态", "Regulatory status"), "market_size": ("市场规模(亿元)", "Market size (100M CNY)"),
    "transfer_modes": ("转化方式", "Transfer modes"), "confidentiality": ("公开级别", "Confidentiality"),
    "keywords": ("关键词", "Keywords"), "contact": ("联系人", "Contact"),
}

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")
LIST_SEPARATORS = re.compile(r"[;；,，、\n]+")


def split_list(value: Any) -> list[str]:
    """A list from a list or from text separated by ; ， 、 or newlines."""
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = LIST_SEPARATORS.split(str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def _text(limit: int) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if len(text) > limit:
            raise ValueError(f"过长（{len(text)}字，上限{limit}）/ too long ({len(text)} > {limit} chars)")
        return text
    return clean


def _term(vocabulary_name: str) -> Callable[[Any], str]:
    def clean(value: Any) -> str:
        vocabulary: Vocabulary = getattr(get_taxonomy(), vocabulary_name)
        text = "" if value is None else str(value).strip()
        if not text:
            return ""
        key = vocabulary.resolve(text)
        if key is None:
            allowed = "、".join(t.zh for t in vocabulary.terms)
            raise ValueError(f"“{text}”不是可选值（可选：{allowed}）/ not one of {', '.join(vocabulary.keys)}")
        return key
    return clean


def _terms(vocabulary_name: str) -> Callable[[Any], list[str]]:
    single = _term(vocabulary_name)
    return lambda value: list(dict.fromkeys(single(item) for item in split_list(value)))


def _code(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    if text and not CODE_PATTERN.match(text):
        raise ValueError("只能用字母、数字和 . _ - /，最长64位 / letters, digits and . _ - / only, up to 64")
    return text


def _trl(value: Any) -> int | None:
    if value is None or str(value).strip() == "":
        return None
    try:
        number = float(str(value).strip())
    except ValueError:
        raise ValueError(f"“{value}”不是数字 / not a number") from None
    if number != int(number) or not 1 <= number <= 9:
        raise ValueError(f"应为1到9的整数，收到{value} / must be a whole number from 1 to 9")
    return int(number)


def _market_size(value: Any) -> float | None:
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip().replace(",", "").removesuffix("亿元").removesuffix("亿")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"“{value}”不是数字（单位：亿元）/ not a number (unit: 100M CNY)") from None
    if number < 0:
        raise ValueError("不能为负 / must not be negative")
    return number


def _owner(value: Any) -> int | None:
    # Names are resolved to ids before this point (see resolve_owner); here only ids arrive.
    if value is None or str(value).strip() == "":
        return None
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise ValueError(f"机构“{value}”不存在 / unknown organization")
    return int(value)


PATENT_TEXT = re.compile(r"^\s*(?P<number>[^:：]+?)\s*(?:[:：]\s*(?P<type>[^:：]+?)\s*(?:[:：]\s*(?P<status>[^:：]+?))?)?\s*$")


def _patents(value: Any) -> list[dict]:
    """Patents as [{number, type, status}] or text "CN2023…:发明专利:已授权; …"."""
    taxonomy = get_taxonomy()
    items = value if isinstance(value, list) else split_list(value if value is None else str(value).replace(",", ";"))
    patents = []
    for item in items:
        if isinstance(item, Mapping):
            number, kind, status = item.get("number"), item.get("type"), item.get("status")
        else:
            match = PATENT_TEXT.match(str(item))
            number, kind, status = match.group("number"), match.group("type"), match.group("status")
        number = (number or "").strip()
        if not number:
            raise ValueError("专利号为空 / empty patent number")
        kind_key = taxonomy.patent_types.resolve(kind or "invention")
        status_key = taxonomy.patent_statuses.resolve(status or "pending")
        if kind_key is None:
            raise ValueError(f"专利“{number}”类型“{kind}”未知 / unknown patent type")
        if status_key is None:
            raise ValueError(f"专利“{number}”状态“{status}”未知 / unknown patent status")
        patents.append({"number": number, "type": kind_key, "status": status_key})
    return patents


CLEANERS: dict[str, Callable[[Any], Any]] = {
    "code": _code, "title": _text(300), "summary": _text(5000), "owner_id": _owner,
    "inventors": lambda v: split_list(v)[:50], "kind": _term("kinds"), "field": _term("fields"),
    "segment": _term("segments"), "stage": _term("stages"), "trl": _trl, "patents": _patents,
    "clinical_trial_id": _text(64), "regulatory_status": _term("regulatory_statuses"),
    "market_size": _market_size, "transfer_modes": _terms("transfer_modes"),
    "confidentiality": _term("confidentiality"), "keywords": lambda v: split_list(v)[:30],
    "contact": _text(200),
}

DEFAULTS = {"summary": "", "inventors": [], "segment": "", "trl": None, "patents": [],
            "clinical_trial_id": "", "regulatory_status": "none", "market_size": None,
            "transfer_modes": [], "confidentiality": "public", "keywords": [], "contact": ""}


def clean_outcome_fields(data: Mapping[str, Any], partial: bool = False) -> tuple[dict, list[dict]]:
    """Clean every given field; with partial=False, also demand the required ones.

    Returns (clean values, errors); errors name the field and say what is wrong, in
    Chinese and English, and all of them are reported, not just the first.
    """
    clean, errors = {}, []
    unknown = sorted(set(data) - set(EDITABLE_FIELDS))
    for name in unknown:
        errors.append({"field": name, "message": "未知字段 / unknown field"})
    for name in EDITABLE_FIELDS:
        if name not in data:
            continue
        try:
            clean[name] = CLEANERS[name](data[name])
        except ValueError as exc:
            errors.append({"field": name, "message": str(exc)})
    if not partial:
        for name, default in DEFAULTS.items():
            clean.setdefault(name, default)
        failed = {e["field"] for e in errors}
        for name in REQUIRED_FIELDS:
            if name not in failed and clean.get(name) in (None, ""):
                errors.append({"field": name, "message": "必填 / required"})
    for name in ("regulatory_status", "confidentiality"):
        if clean.get(name) == "":
            clean[name] = DEFAULTS[name]
    return clean, errors
