"""Cleaning outcome fields: loose input in, clean values or every problem out."""

from medbridge.library.fields import clean_outcome_fields, split_list


def test_labels_in_either_language_become_keys():
    clean, errors = clean_outcome_fields({"kind": "软件/算法", "stage": "Clinical trial", "field": "中药",
                                          "transfer_modes": "许可；作价入股", "confidentiality": "仅摘要"},
                                         partial=True)
    assert errors == []
    assert clean == {"kind": "software", "stage": "clinical", "field": "tcm",
                     "transfer_modes": ["license", "equity"], "confidentiality": "summary"}


def test_lists_split_on_chinese_and_western_separators():
    assert split_list("张三、李四；王五,赵六\n钱七") == ["张三", "李四", "王五", "赵六", "钱七"]


def test_patents_from_spreadsheet_text():
    clean, errors = clean_outcome_fields({"patents": "CN202310001234.5:发明专利:已授权；ZL2022200001.1:实用新型"},
                                         partial=True)
    assert errors == []
    assert clean["patents"] == [{"number": "CN202310001234.5", "type": "invention", "status": "granted"},
                                {"number": "ZL2022200001.1", "type": "utility", "status": "pending"}]


def test_numbers_are_checked():
    clean, errors = clean_outcome_fields({"trl": "6.0", "market_size": "12.5亿元"}, partial=True)
    assert clean == {"trl": 6, "market_size": 12.5} and errors == []
    _, errors = clean_outcome_fields({"trl": "6.5", "market_size": "-3"}, partial=True)
    assert {e["field"] for e in errors} == {"trl", "market_size"}


def test_required_fields_and_unknown_fields_are_reported_together():
    _, errors = clean_outcome_fields({"title": "x", "colour": "red"})
    assert {e["field"] for e in errors} == {"colour", "code", "owner_id", "kind", "field", "stage"}


def test_codes_are_plain_identifiers():
    _, errors = clean_outcome_fields({"code": "含 空格"}, partial=True)
    assert errors[0]["field"] == "code"
