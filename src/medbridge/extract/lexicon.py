"""Word lists the extraction rules are made of (Simplified Chinese).

They describe the grammar of names (what an organization name ends with, which words may
appear inside one) and the trigger words of events — never particular organizations; the
small dictionary of well-known names lives in data/organizations.json.
"""

from __future__ import annotations

# Suffix → kind, longest first when matching. "Strong" suffixes make a name on their own
# once a name-like prefix is found; weak ones (brand words such as 医疗/科技) need a
# proper-noun prefix, see organizations.py.
STRONG_SUFFIXES: dict[str, str] = {
    # hospitals
    "医院": "hospital", "卫生院": "hospital", "妇幼保健院": "hospital", "保健院": "hospital",
    "诊所": "hospital", "医疗中心": "hospital",
    # universities
    "大学": "university", "医学院": "university", "学院": "university", "学校": "university",
    "医科大": "university", "医学部": "university", "临床医学院": "university",
    # institutes
    "研究院": "institute", "研究所": "institute", "科学院": "institute", "工程院": "institute",
    "医学科学院": "institute", "实验室": "institute", "研究中心": "institute", "药物所": "institute",
    "生物所": "institute", "技术创新中心": "institute", "创新研究院": "institute", "重点实验室": "institute",
    "工程中心": "institute", "医学中心": "institute", "科学研究所": "institute",
    # enterprises
    "有限公司": "enterprise", "有限责任公司": "enterprise", "股份有限公司": "enterprise", "公司": "enterprise",
    "集团": "enterprise", "药业": "enterprise", "制药": "enterprise", "药厂": "enterprise", "股份": "enterprise",
    # investors
    "基金": "investor", "资本": "investor", "创投": "investor", "基金会": "investor", "投资集团": "investor",
    "创业投资": "investor",
    # incubators
    "孵化器": "incubator", "众创空间": "incubator", "加速器": "incubator", "孵化基地": "incubator",
    "孵化中心": "incubator",
    # parks
    "产业园": "park", "科技园": "park", "园区": "park", "健康谷": "park", "医谷": "park", "高新区": "park",
    "经开区": "park", "开发区": "park", "产业基地": "park", "创新港": "park", "科学城": "park", "药谷": "park",
    "生物城": "park", "医药城": "park", "科创园": "park", "产业园区": "park", "科学园": "park", "健康城": "park",
    "医学城": "park", "生物岛": "park", "创新园": "park", "孵化园": "park", "软件园": "park",
    # government
    "人民政府": "government", "政府": "government", "委员会": "government", "管委会": "government",
    "管理委员会": "government", "办公厅": "government", "办公室": "government", "统战部": "government",
    "党工委": "government", "街道": "government", "卫健委": "government", "科委": "government",
    "经信委": "government", "发改委": "government", "商务委": "government", "药监局": "government",
    "监督管理局": "government", "科技局": "government", "信息化局": "government", "卫生健康委": "government",
    "科学技术委员会": "government", "工信部": "government", "科技部": "government", "教育部": "government",
    "区委": "government", "市委": "government", "省委": "government", "局": "government", "厅": "government",
    "政协": "government", "发展和改革委员会": "government", "经济和信息化委员会": "government",
    "经济和信息化局": "government", "工业和信息化局": "government", "工业和信息化厅": "government",
    "科学技术局": "government", "科学技术厅": "government", "卫生健康局": "government",
    # alliances
    "联盟": "alliance", "协会": "alliance", "学会": "alliance", "商会": "alliance", "促进会": "alliance",
    "联合会": "alliance", "研究会": "alliance", "协作网": "alliance", "联合体": "alliance", "共同体": "alliance",
    "医联体": "alliance", "协作组": "alliance",
    # media
    "日报": "media", "晚报": "media", "报社": "media", "电视台": "media", "通讯社": "media", "新闻社": "media",
    "客户端": "media", "动脉网": "media", "参考网": "media", "新闻网": "media", "热点网": "media",
    # service platforms
    "促进中心": "service_platform", "转化中心": "service_platform", "转移中心": "service_platform",
    "服务中心": "service_platform", "审评中心": "government", "评价中心": "government", "审评查验中心": "government",
    "疾病预防控制中心": "government", "疾控中心": "government", "检验中心": "institute", "检测中心": "institute",
    "急救中心": "hospital", "血液中心": "hospital", "服务平台": "service_platform", "科促中心": "service_platform",
    "交易所": "service_platform", "技术转移中心": "service_platform", "创新中心": "institute",
}

# Brand words that end many company short names (西门子医疗, 宣智瞳科技); they only name an
# organization after a proper-noun-like word, never after a common noun (智慧医疗).
WEAK_SUFFIXES: dict[str, str] = {
    "医疗": "enterprise", "科技": "enterprise", "生物": "enterprise", "医药": "enterprise",
    "软件": "enterprise", "器械": "enterprise", "医创": "enterprise", "城投": "enterprise",
    "医学": "enterprise", "医械": "enterprise", "药物": "enterprise", "基因": "enterprise", "投资": "investor",
}

ALL_SUFFIXES = sorted({**STRONG_SUFFIXES, **WEAK_SUFFIXES}, key=len, reverse=True)

# Legal forms dropped when comparing names (华融科创生物科技(天津)有限公司 ≈ 华融科创生物科技).
LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "集团有限公司", "集团", "公司", "股份")

# Words that may not be part of a name even though the tagger calls them nouns.
NAME_STOP_WORDS = frozenset(
    "会上 会议 现场 大会 论坛 仪式 活动 期间 目前 当前 近年来 此次 本次 同时 此外 其中 包括 以及 "
    "相关 部分 多家 各类 一批 一个 这一 该 其 我们 他们 双方 三方 多方 各方 企业 单位 机构 代表 专家 "
    "嘉宾 领导 负责人 记者 工作人员 医生 患者 项目 成果 领域 方向 方面 "
    "全市 全区 全省 全国 辖区 区内 市内 省内 国内 国外 周边 附近 当地 本地 地方 "
    "签约 入驻 落户 揭牌 启动 开园 成立 合作 签署 签订 共建 联合 携手 举办 举行 主办 承办 协办 指导 "
    "支持 推动 打造 建设 依托 发布 出台 印发 加入 颁发 获得 荣获 表示 介绍 指出 透露 认为 建议 落实 暨 以 "
    "大力发展 高度重视 围绕 聚焦 面向 服务 助力 培育 引进 吸引 集聚 汇聚 牵头 组织 召开 参加 出席 "
    "首届 第一届 第二届 年度 上午 下午 当天 日前 近日 今年 去年 明年 获批 获评 获得 入选 成为 建成 首期 一期 "
    "二期 三期".split()
)

# Part-of-speech tags (jieba) of words that can sit inside an organization name.
NAME_POS = frozenset("n nr nrt nrfg ns nt nz j b eng an vn a t nrf ng s f zg".split())

# Place names recognised as such even when no suffix follows.
PLACE_SUFFIXES = ("省", "市", "区", "县", "镇", "乡", "村", "自治州", "自治区", "新区")
MUNICIPALITIES = ("北京", "上海", "天津", "重庆")

# People.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝仲伏"
)
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "令狐", "慕容", "尉迟", "公孙", "长孙", "宇文")
TITLES = sorted(set(
    "院长 副院长 执行院长 常务副院长 校长 副校长 常务副校长 主任 副主任 常务副主任 书记 副书记 党委书记 党委副书记 "
    "党委常委 党组书记 党组成员 党工委书记 党工委副书记 党总支书记 董事长 副董事长 总经理 副总经理 总裁 副总裁 "
    "总裁助理 首席执行官 首席医学官 首席科学家 首席技术官 创始人 联合创始人 合伙人 执行董事 董事 区长 副区长 "
    "市长 副市长 省长 副省长 县长 副县长 局长 副局长 处长 副处长 部长 副部长 厅长 副厅长 主委 副主委 主席 副主席 "
    "秘书长 副秘书长 会长 副会长 理事长 副理事长 所长 副所长 教授 研究员 院士 主任医师 副主任医师 专职副主委 "
    "区委常委 区委副书记 市委常委 负责人 组长 副组长 委员 投委 村委会主任 总监 经理".split()
), key=len, reverse=True)
# Titles that follow the name (顾晓松院士, 王拥军院长).
TITLES_AFTER_NAME = ("院士", "教授", "研究员", "院长", "主任", "书记", "董事长", "总经理", "博士", "先生", "女士")
# Characters that cannot continue a name: the name ended before them.
NAME_ENDERS = set("表介指说认称透等在作主发出参围就、，,。；：:率与和为分致对也强提宣带是同及等将已曾还向从于的了着地均共")

# Counting words: 160家 (enterprises), 22所 (schools), 5个.
COUNT_UNITS = "家所个项名人位件台款次条座支批户种只"
MONEY_UNITS = {"元": "CNY", "人民币": "CNY", "美元": "USD", "欧元": "EUR", "港元": "HKD", "港币": "HKD", "日元": "JPY"}
MULTIPLIERS = {"万亿": 10**12, "千亿": 10**11, "百亿": 10**10, "亿": 10**8, "千万": 10**7, "百万": 10**6,
               "万": 10**4, "千": 10**3}
# Words between the thing measured and its figure (总规模约423亿元).
MEASURE_LINKS = ("达到了", "达到", "超过了", "超过", "突破", "增至", "增长至", "实现", "累计", "合计", "总计", "共计",
                 "约为", "约", "近", "逾", "超", "达", "为", "是", "有", "共", "已", "了", "拥有", "计")

# Events: type → trigger words (Simplified). Order matters where sentences hold several.
EVENT_TRIGGERS: dict[str, tuple[str, ...]] = {
    "settlement": ("签约入驻", "入驻", "落户", "入园", "进驻", "签约落地", "落地"),
    "joint_lab": ("联合实验室", "联合研究中心", "联合创新中心", "共建实验室", "联合研发中心", "联合创新实验室"),
    "agreement_signed": ("签署", "签订", "签约", "达成战略合作", "达成合作", "缔结"),
    "launch": ("正式启动", "启动", "揭牌", "开园", "开业", "投入使用", "投入运营", "正式成立", "成立", "上线",
               "落成", "开工", "奠基", "亮相"),
    "alliance_joined": ("加入", "纳新", "成为会员", "成员单位", "入盟"),
    "award": ("颁奖", "获奖", "荣获", "获评", "授予", "颁发荣誉", "夺得", "获得", "摘得",
              "优胜奖", "金奖", "银奖", "铜奖"),
    "expert_appointed": ("聘书", "聘任", "受聘", "聘为", "聘请", "任命", "担任"),
    "policy_issued": ("发布", "出台", "印发", "颁布", "公布"),
}
# What a trigger needs nearby to count (a 启动 of a meeting is no launch).
LAUNCH_OBJECTS = ("产业园", "园区", "平台", "中心", "基地", "孵化器", "实验室", "研究院", "加速器", "众创空间",
                  "医谷", "健康谷", "科技园", "创新港", "联盟", "基金", "研究所", "专区", "工作站")
POLICY_OBJECTS = ("政策", "计划", "措施", "办法", "意见", "方案", "规划", "条", "细则", "通知", "指南", "清单", "若干")
AGREEMENT_OBJECTS = ("协议", "合同", "备忘录", "合作", "意向书", "框架")
AWARD_CONTEXT = ("奖", "荣誉", "称号", "优胜", "获奖", "名单")
APPOINT_CONTEXT = ("专家", "顾问", "委员", "聘书", "首席", "主任", "院长", "科学家", "主席")
SETTLEMENT_HOSTS = ("孵化器", "产业园", "园区", "科技园", "基地", "众创空间", "加速器", "医谷", "健康谷", "创新港",
                    "大厦", "中心", "小镇")
