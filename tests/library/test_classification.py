"""Classification suggestions: a field and a kind from the text, with confidence and evidence."""

import pytest

from medbridge.library.classification import suggest_field, suggest_kind


@pytest.mark.parametrize("text, field", [
    ("基于深度学习的肺结节CT影像辅助诊断系统", "ai_medicine"),
    ("面向运动障碍患者的植入式脑机接口与神经调控系统", "brain_science"),
    ("靶向CD19的新型CAR-T细胞治疗产品", "cell_gene_therapy"),
    ("骨科手术机器人的光学导航与机械臂控制", "surgical_robot"),
    ("用于新冠抗原快速检测的免疫层析试剂盒", "ivd"),
    ("治疗慢性胃炎的中药复方颗粒及其制备方法", "tcm"),
    ("可降解镁合金冠脉支架及其输送导管", "high_end_device"),
    ("一种新型KRAS抑制剂小分子化合物及其药物组合物", "innovative_drug"),
])
def test_typical_titles_get_their_field(text, field):
    assert suggest_field(text).key == field


def test_confidence_is_high_when_evidence_is_strong_and_unambiguous():
    strong = suggest_field("脑机接口 脑电 神经调控 经颅磁刺激")
    weak = suggest_field("一种智能识别方法")
    assert strong.confidence > 0.8 > weak.confidence
    assert "脑机接口" in strong.evidence


def test_no_evidence_means_no_suggestion():
    suggestion = suggest_field("年度工作总结")
    assert suggestion.key is None and suggestion.confidence == 0.0


def test_kind_is_suggested_too():
    assert suggest_kind("一种血糖检测试剂盒").key == "diagnostic"
    assert suggest_kind("医学影像分割算法软件").key == "software"
