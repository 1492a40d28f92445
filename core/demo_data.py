"""The fixed parts of the demo county (青川县, fictional): places, units, committees, and the name generator's stock.

Everything here is invented. Region codes start with 59, which no province uses, so no demo ID number can be a real
person's.
"""

from __future__ import annotations

PROVINCE = ("东川省", "590000")
CITY = ("江州市", "590100")
COUNTY = ("青川县", "590123")
COUNTY_CONGRESS = "青川县人民代表大会"
PASSWORD = "Renda@Demo2026"
DEPUTY_PHONE = "13912340001"

# (name, is_street, county deputies elected there, area groups, villages/communities)
TOWNSHIPS = [
    ("城关镇", False, 45, 3, ["东街社区", "西街社区", "南门社区", "河坝村", "红光村", "新华村"]),
    ("青溪街道", True, 40, 3, ["学府社区", "滨河社区", "锦绣社区", "花园社区", "文庙社区"]),
    ("河东街道", True, 35, 2, ["新城社区", "翠屏社区", "望江社区", "嘉陵社区", "东升社区"]),
    ("龙泉镇", False, 30, 2, ["龙井村", "青龙村", "双溪村", "茶园村", "金桥村"]),
    ("白马镇", False, 28, 2, ["白果村", "马鞍村", "石门村", "竹林村", "永丰村"]),
    ("石桥镇", False, 27, 2, ["高桥村", "黄桷村", "杨柳村", "大坪村", "光明村"]),
    ("桃源乡", False, 22, 2, ["桃花村", "桂花村", "凉水村", "长岭村", "梅子村"]),
    ("清水镇", False, 25, 2, ["清泉村", "向阳村", "团结村", "胜利村", "和平村"]),
    ("双河镇", False, 24, 2, ["双河村", "梨子村", "柏林村", "前进村", "东风村"]),
    ("凤鸣乡", False, 24, 2, ["凤凰村", "鸣溪村", "观音村", "红星村"]),
]

# Sector groups (专业代表小组): name, sector, the professions drawn into it.
SECTOR_GROUPS = [
    ("农业农村专业代表小组", "农业农村", "agri"),
    ("教育卫生专业代表小组", "教育卫生", "edu"),
    ("经济发展专业代表小组", "经济发展", "econ"),
    ("法治建设专业代表小组", "法治建设", "law"),
    ("城乡建设与生态环境专业代表小组", "城建环保", "build"),
    ("社会事业专业代表小组", "社会事业", "social"),
]
SECTOR_GROUP_SIZE = 10

# Handling units (承办单位): name, kind, the head's title.
UNITS = [
    ("青川县人民政府办公室（督查室）", "gov_office", "主任"),
    ("青川县发展和改革局", "department", "局长"),
    ("青川县教育局", "department", "局长"),
    ("青川县科学技术和经济信息化局", "department", "局长"),
    ("青川县公安局", "department", "局长"),
    ("青川县民政局", "department", "局长"),
    ("青川县司法局", "department", "局长"),
    ("青川县财政局", "department", "局长"),
    ("青川县人力资源和社会保障局", "department", "局长"),
    ("青川县自然资源局", "department", "局长"),
    ("青川县生态环境局", "department", "局长"),
    ("青川县住房和城乡建设局", "department", "局长"),
    ("青川县交通运输局", "department", "局长"),
    ("青川县水利局", "department", "局长"),
    ("青川县农业农村局", "department", "局长"),
    ("青川县商务局", "department", "局长"),
    ("青川县文化广播电视和旅游局", "department", "局长"),
    ("青川县卫生健康局", "department", "局长"),
    ("青川县退役军人事务局", "department", "局长"),
    ("青川县应急管理局", "department", "局长"),
    ("青川县市场监督管理局", "department", "局长"),
    ("青川县医疗保障局", "department", "局长"),
    ("青川县林业局", "department", "局长"),
    ("青川县综合行政执法局", "department", "局长"),
    ("青川县人民法院", "court", "院长"),
    ("青川县人民检察院", "procuratorate", "检察长"),
    ("青川县监察委员会", "supervision", "主任"),
    ("国网青川县供电公司", "other", "总经理"),
]
DEMO_UNIT = "青川县教育局"

# Special committees (专门委员会) and the suggestion fields each supervises.
COMMITTEES = [
    ("法制委员会", "政法、司法、公共安全、信访"),
    ("财政经济委员会", "财政、预算、发展改革、商务、市场监管、国资"),
    ("教育科学文化卫生委员会", "教育、科技、文化、旅游、卫生健康、体育"),
    ("农业农村委员会", "农业、农村、水利、林业、乡村振兴"),
    ("社会建设委员会", "民政、人社、医保、退役军人、应急管理"),
    ("城乡建设环境保护委员会", "住建、交通、自然资源、生态环境、城市管理"),
]
DEMO_COMMITTEE = "教育科学文化卫生委员会"

# Standing-committee members (常委会组成人员): title, is in the 主任会议.
COMMITTEE_MEMBERS = [
    ("常委会主任", True),
    ("常委会副主任", True),
    ("常委会副主任", True),
    ("常委会副主任", True),
    ("常委会副主任", True),
    ("常委会秘书长", False),
    ("常委会委员、人事代表选举工作委员会主任", False),
    ("常委会委员、法制委员会主任委员", False),
    ("常委会委员、财政经济委员会主任委员", False),
    ("常委会委员、教育科学文化卫生委员会主任委员", False),
    ("常委会委员、农业农村委员会主任委员", False),
    ("常委会委员、社会建设委员会主任委员", False),
    ("常委会委员、城乡建设环境保护委员会主任委员", False),
    ("常委会委员", False),
    ("常委会委员", False),
]

SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万严覃武戴向汤"
)
MALE_CHARS = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁健亮俊峰浩凯文海林东兵宇晨志国建成川江山德富贵荣福春松清良"
FEMALE_CHARS = "芳娜敏静丽艳娟霞英兰婷雪琳燕红梅莉萍慧洁颖倩蓉琴玲秀凤桂珍丹雯怡月菊璐萌佳"
ETHNICITIES = ["汉族"] * 44 + ["回族", "藏族", "羌族", "土家族", "彝族", "苗族"]
OTHER_PARTIES = ["民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "九三学社社员"]
# The sector (for sector groups) of a department's director who is a deputy.
UNIT_SECTORS = {
    "青川县教育局": "edu",
    "青川县卫生健康局": "edu",
    "青川县医疗保障局": "social",
    "青川县民政局": "social",
    "青川县人力资源和社会保障局": "social",
    "青川县退役军人事务局": "social",
    "青川县公安局": "law",
    "青川县司法局": "law",
    "青川县农业农村局": "agri",
    "青川县水利局": "agri",
    "青川县林业局": "agri",
    "青川县住房和城乡建设局": "build",
    "青川县生态环境局": "build",
    "青川县自然资源局": "build",
    "青川县交通运输局": "build",
    "青川县综合行政执法局": "build",
}
COMPANIES = [
    "青川川青食品有限公司",
    "青川茶业有限公司",
    "青川县木业有限公司",
    "青川天然气有限公司",
    "青川县中药材加工厂",
    "青川县鑫源纺织有限公司",
    "青川县山珍食品有限公司",
    "青川县水泥有限公司",
]
