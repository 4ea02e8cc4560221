"""Builds bench/data/matching_set.json: a labelled set of needs with judged relevant outcomes.

How it is made (deterministic, seed 2024):
- Topics: 8 fields × 6 technology topics, each with the spellings people use for it (full
  term, abbreviation, synonym; see TOPICS). Diseases: 12 application areas.
- Outcomes (supply): for each field, 40 outcomes; each picks one topic and one disease of its
  field's lists and is written from title/summary templates in the canonical spelling, with
  a random stage; plus generic filler sentences so texts are not just the two terms.
- Needs (demand): 120 templated needs, each asking for one (topic, disease) in one of the
  topic's OTHER spellings (abbreviation or synonym) about half the time, and in Traditional
  characters one time in five; plus 16 hand-written needs (HAND_WRITTEN) in free wording,
  annotated with their topic and disease.
- Relevance (the rule, applied to every need × outcome): 2 = same topic and same disease;
  1 = same topic, other disease; 0 otherwise.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

TOPICS = {
    "brain_science": [["脑机接口", "BCI", "脑机介面"], ["脑电解码", "EEG解码", "脑电信号分析"],
                      ["经颅磁刺激", "TMS", "磁刺激治疗"], ["脑深部电刺激", "DBS", "深部脑刺激"],
                      ["神经调控", "神经刺激调控"], ["柔性神经电极", "柔性电极"]],
    "ai_medicine": [["深度学习影像辅助诊断", "AI影像诊断", "人工智能影像"], ["病理切片智能分析", "数字病理AI"],
                    ["电子病历自然语言处理", "EMR文本挖掘", "病历NLP"], ["心电图智能分析", "ECG AI分析"],
                    ["医学大模型", "医疗大语言模型"], ["手术视频识别", "术中视频AI"]],
    "high_end_device": [["可降解血管支架", "可吸收支架"], ["磁共振成像线圈", "MRI线圈"], ["超声内镜", "EUS内镜"],
                        ["人工耳蜗", "耳蜗植入"], ["体外膜肺氧合", "ECMO"], ["介入导管", "血管导管"]],
    "innovative_drug": [["小分子激酶抑制剂", "激酶抑制剂"], ["抗体偶联药物", "ADC"], ["多肽药物", "肽类药物"],
                        ["纳米药物递送", "纳米给药系统"], ["口服缓释制剂", "缓释片"], ["双特异性抗体", "双抗"]],
    "cell_gene_therapy": [["CAR-T细胞治疗", "CAR-T"], ["基因编辑", "CRISPR"], ["干细胞治疗", "间充质干细胞"],
                          ["mRNA疫苗", "信使核糖核酸疫苗"], ["腺相关病毒载体", "AAV载体"], ["类器官", "类器官模型"]],
    "surgical_robot": [["骨科手术机器人", "骨科机器人"], ["腔镜手术机器人", "腹腔镜机器人"],
                       ["血管介入机器人", "介入机器人"], ["手术导航", "术中导航系统"], ["康复机器人", "外骨骼机器人"],
                       ["穿刺机器人", "自动穿刺系统"]],
    "ivd": [["核酸检测试剂盒", "PCR检测试剂"], ["化学发光免疫分析", "化学发光检测"], ["液体活检", "ctDNA检测"],
            ["即时检验", "POCT"], ["微流控芯片", "微流控检测"], ["质谱检测", "质谱分析"]],
    "tcm": [["中药复方颗粒", "复方颗粒剂"], ["针灸", "针刺疗法"], ["中药材质量控制", "药材质控"],
            ["中医舌诊智能分析", "舌象AI"], ["经典名方", "古代经典名方"], ["中药注射液", "中药针剂"]],
}
DISEASES = ["脑卒中", "帕金森病", "阿尔茨海默病", "肺癌", "乳腺癌", "肝癌", "糖尿病", "冠心病", "抑郁症",
            "骨关节炎", "慢性肾病", "新冠肺炎"]
STAGES = ["lab", "prototype", "preclinical", "clinical", "registration", "market"]
TITLES = ["面向{d}的{t}{o}", "{t}在{d}中的应用", "基于{t}的{d}{o}", "一种用于{d}的{t}{o}"]
OBJECTS = ["系统", "方法", "装置", "平台", "技术", "产品"]
SUMMARIES = ["本成果研发{t}，主要针对{d}患者，", "团队围绕{d}开展{t}研究，", "该{o}以{t}为核心，服务{d}诊疗，"]
FILLERS = ["已完成小样本验证，具备进一步转化条件。", "拥有多项发明专利，寻求产业化合作伙伴。",
           "与多家三甲医院合作开展研究，数据积累充分。", "可与现有临床流程对接，操作简便。",
           "成本较同类进口产品显著降低。", "团队具有多年工程化经验。"]
NEED_TEMPLATES = ["寻找{t}相关技术用于{d}", "{d}诊疗中需要{t}解决方案", "征集{d}方向的{t}项目",
                  "我院临床急需{t}，用于{d}患者", "投资方向：{t}，聚焦{d}"]
NEED_KINDS = ["tech_need", "clinical_problem", "incubator_call", "tech_need", "investment_thesis"]
HAND_WRITTEN = [
    ("寻找能让中风偏瘫病人用意念控制外骨骼的BCI方案", "希望与医院合作做康复临床验证", "brain_science", 0, "脑卒中"),
    ("帕金森患者震颤控制：想找DBS新型电极或程控技术", "", "brain_science", 3, "帕金森病"),
    ("肺结节CT片子太多，想要AI影像诊断帮放射科减负", "肺癌早筛场景", "ai_medicine", 0, "肺癌"),
    ("糖網篩查以外，我們想做心電圖AI分析的糖尿病心臟併發症預警", "繁体描述的需求", "ai_medicine", 3, "糖尿病"),
    ("冠脉介入后想用可吸收支架替代金属支架", "关注冠心病患者远期获益", "high_end_device", 0, "冠心病"),
    ("重症科需要国产ECMO，用于新冠重症救治", "", "high_end_device", 4, "新冠肺炎"),
    ("乳腺癌HER2阳性患者：寻求ADC药物合作开发", "", "innovative_drug", 1, "乳腺癌"),
    ("肝癌靶向治疗，找纳米给药系统提高药物富集", "", "innovative_drug", 3, "肝癌"),
    ("血液瘤之外，CAR-T能否用于实体瘤肺癌？寻求合作", "", "cell_gene_therapy", 0, "肺癌"),
    ("用CRISPR做遗传性肾病的基因治疗，找技术团队", "", "cell_gene_therapy", 1, "慢性肾病"),
    ("膝关节置换想引进骨科机器人", "骨关节炎患者手术量大", "surgical_robot", 0, "骨关节炎"),
    ("脑卒中后上肢康复，医院想采购外骨骼机器人", "", "surgical_robot", 4, "脑卒中"),
    ("基层医院需要POCT快速检测心肌标志物", "胸痛中心冠心病筛查", "ivd", 3, "冠心病"),
    ("肺癌术后复发监测，寻找ctDNA液体活检产品", "", "ivd", 2, "肺癌"),
    ("抑郁症针刺疗法的循证研究与产品化", "", "tcm", 1, "抑郁症"),
    ("阿尔茨海默病：寻找经典名方新药开发项目", "", "tcm", 4, "阿尔茨海默病"),
]


def build(seed: int = 2024) -> dict:
    import opencc

    traditional = opencc.OpenCC("s2tw")
    rng = random.Random(seed)
    outcomes = []
    for field, topics in TOPICS.items():
        for n in range(40):
            topic = rng.randrange(len(topics))
            disease = rng.choice(DISEASES)
            spelling, obj = topics[topic][0], rng.choice(OBJECTS)
            title = rng.choice(TITLES).format(t=spelling, d=disease, o=obj)
            summary = rng.choice(SUMMARIES).format(t=spelling, d=disease, o=obj) + "".join(rng.sample(FILLERS, 2))
            outcomes.append({"key": f"O{len(outcomes):04d}", "title": title, "summary": summary, "field": field,
                             "stage": rng.choice(STAGES), "topic": f"{field}:{topic}", "disease": disease})
    needs = []
    fields = list(TOPICS)
    for n in range(120):
        field = fields[n % len(fields)]
        topic = rng.randrange(len(TOPICS[field]))
        disease = rng.choice(DISEASES)
        spellings = TOPICS[field][topic]
        spelling = rng.choice(spellings[1:]) if rng.random() < 0.5 and len(spellings) > 1 else spellings[0]
        template = rng.randrange(len(NEED_TEMPLATES))
        title = NEED_TEMPLATES[template].format(t=spelling, d=disease)
        if rng.random() < 0.2:
            title = traditional.convert(title)
        needs.append({"key": f"N{n:03d}", "title": title, "description": "", "kind": NEED_KINDS[template],
                      "fields": [field], "stages": rng.sample(STAGES, 3), "topic": f"{field}:{topic}",
                      "disease": disease, "source": "template"})
    for n, (title, description, field, topic, disease) in enumerate(HAND_WRITTEN):
        needs.append({"key": f"H{n:02d}", "title": title, "description": description, "kind": "tech_need",
                      "fields": [field], "stages": [], "topic": f"{field}:{topic}", "disease": disease,
                      "source": "hand"})
    for need in needs:
        need["judged"] = {o["key"]: 2 if o["disease"] == need["disease"] else 1
                          for o in outcomes if o["topic"] == need["topic"]}
    return {"about": __doc__, "outcomes": outcomes, "needs": needs}


if __name__ == "__main__":
    out = Path(__file__).with_name("matching_set.json")
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=1), encoding="utf-8")
    data = json.loads(out.read_text(encoding="utf-8"))
    print(f"written {out}: {len(data['outcomes'])} outcomes, {len(data['needs'])} needs")
