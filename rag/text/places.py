"""Chinese place names: provinces, prefecture-level cities and municipal districts, and how official names start.

Department names begin with their places (山西省…, 大同市…, 上海市普陀区…, 山西转型综合改革示范区…). Splitting
them lets understanding derive short names (大同政务中心, 省政务中心, 普陀商务委) and recognise a place that no
loaded department has (太原市…) as a department that is not in the documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_GAZETTEER = """
北京:东城 西城 朝阳 丰台 石景山 海淀 门头沟 房山 通州 顺义 昌平 大兴 怀柔 平谷 密云 延庆
天津:和平 河东 河西 南开 河北 红桥 东丽 西青 津南 北辰 武清 宝坻 滨海 宁河 静海 蓟州
上海:黄浦 徐汇 长宁 静安 普陀 虹口 杨浦 闵行 宝山 嘉定 浦东 金山 松江 青浦 奉贤 崇明
重庆:渝中 江北 沙坪坝 九龙坡 南岸 北碚 渝北 巴南 万州 涪陵 黔江 长寿 江津 合川 永川 綦江 大足 璧山 铜梁 潼南 荣昌
河北:石家庄 唐山 秦皇岛 邯郸 邢台 保定 张家口 承德 沧州 廊坊 衡水 雄安
山西:太原 大同 阳泉 长治 晋城 朔州 晋中 运城 忻州 临汾 吕梁 孝义 汾阳 介休 古交 高平 永济 河津 原平 侯马 霍州
内蒙古:呼和浩特 包头 乌海 赤峰 通辽 鄂尔多斯 呼伦贝尔 巴彦淖尔 乌兰察布 兴安 锡林郭勒 阿拉善
辽宁:沈阳 大连 鞍山 抚顺 本溪 丹东 锦州 营口 阜新 辽阳 盘锦 铁岭 朝阳 葫芦岛
吉林:长春 吉林 四平 辽源 通化 白山 松原 白城 延边
黑龙江:哈尔滨 齐齐哈尔 鸡西 鹤岗 双鸭山 大庆 伊春 佳木斯 七台河 牡丹江 黑河 绥化 大兴安岭
江苏:南京 无锡 徐州 常州 苏州 南通 连云港 淮安 盐城 扬州 镇江 泰州 宿迁 昆山 江阴 张家港 常熟
浙江:杭州 宁波 温州 嘉兴 湖州 绍兴 金华 衢州 舟山 台州 丽水 义乌
安徽:合肥 芜湖 蚌埠 淮南 马鞍山 淮北 铜陵 安庆 黄山 滁州 阜阳 宿州 六安 亳州 池州 宣城
福建:福州 厦门 莆田 三明 泉州 漳州 南平 龙岩 宁德
江西:南昌 景德镇 萍乡 九江 新余 鹰潭 赣州 吉安 宜春 抚州 上饶
山东:济南 青岛 淄博 枣庄 东营 烟台 潍坊 济宁 泰安 威海 日照 临沂 德州 聊城 滨州 菏泽
河南:郑州 开封 洛阳 平顶山 安阳 鹤壁 新乡 焦作 濮阳 许昌 漯河 三门峡 南阳 商丘 信阳 周口 驻马店 济源
湖北:武汉 黄石 十堰 宜昌 襄阳 鄂州 荆门 孝感 荆州 黄冈 咸宁 随州 恩施
湖南:长沙 株洲 湘潭 衡阳 邵阳 岳阳 常德 张家界 益阳 郴州 永州 怀化 娄底 湘西
广东:广州 韶关 深圳 珠海 汕头 佛山 江门 湛江 茂名 肇庆 惠州 梅州 汕尾 河源 阳江 清远 东莞 中山 潮州 揭阳 云浮
广西:南宁 柳州 桂林 梧州 北海 防城港 钦州 贵港 玉林 百色 贺州 河池 来宾 崇左
海南:海口 三亚 三沙 儋州
四川:成都 自贡 攀枝花 泸州 德阳 绵阳 广元 遂宁 内江 乐山 南充 眉山 宜宾 广安 达州 雅安 巴中 资阳 阿坝 甘孜 凉山
贵州:贵阳 六盘水 遵义 安顺 毕节 铜仁 黔西南 黔东南 黔南
云南:昆明 曲靖 玉溪 保山 昭通 丽江 普洱 临沧 楚雄 红河 文山 西双版纳 大理 德宏 怒江 迪庆
西藏:拉萨 日喀则 昌都 林芝 山南 那曲 阿里
陕西:西安 铜川 宝鸡 咸阳 渭南 延安 汉中 榆林 安康 商洛
甘肃:兰州 嘉峪关 金昌 白银 天水 武威 张掖 平凉 酒泉 庆阳 定西 陇南 临夏 甘南
青海:西宁 海东 海北 黄南 果洛 玉树 海西
宁夏:银川 石嘴山 吴忠 固原 中卫
新疆:乌鲁木齐 克拉玛依 吐鲁番 哈密 昌吉 博尔塔拉 巴音郭楞 阿克苏 克孜勒苏 喀什 和田 伊犁 塔城 阿勒泰 石河子
台湾:台北 高雄 台中 台南
香港:
澳门:
"""

PROVINCE_SUFFIX: dict[str, str] = {
    **{name: "市" for name in ("北京", "天津", "上海", "重庆")},
    "内蒙古": "自治区", "广西": "壮族自治区", "西藏": "自治区", "宁夏": "回族自治区", "新疆": "维吾尔自治区",
    "香港": "特别行政区", "澳门": "特别行政区",
}  # fmt: skip
"""Provinces whose full name does not end in 省."""

PROVINCE_OF: dict[str, str] = {}
"""Place stem → its province stem (太原 → 山西, 普陀 → 上海); provinces map to themselves."""
for _line in _GAZETTEER.strip().splitlines():
    _province, _, _places = _line.partition(":")
    PROVINCE_OF[_province] = _province
    for _place in _places.split():
        PROVINCE_OF.setdefault(_place, _province)

COMMON_WORD_PLACES = frozenset(
    {
        "日照",
        "来宾",
        "白银",
        "和平",
        "北海",
        "金山",
        "长宁",
        "普洱",
        "大理",
        "红河",
        "文山",
        "阿里",
        "黄山",
        "白山",
        "中山",
        "安康",
        "朝阳",
        "宝山",
        "海东",
        "海北",
        "海西",
        "山南",
        "三明",
        "定西",
        "新余",
        "吉安",
        "玉树",
        "南开",
        "河东",
        "河西",
        "静安",
        "嘉定",
        "红桥",
        "东丽",
        "西青",
        "北辰",
        "滨海",
        "和田",
        "黑河",
        "大庆",
        "长寿",
        "南岸",
        "江北",
        "河北",
        "吉林",
        "海南",
        "通化",
        "兴安",
        "合川",
        "永川",
        "大足",
        "荣昌",
        "铜梁",
        "凉山",
        "宜春",
        "江门",
        "阳江",
        "平凉",
        "庆阳",
        "丽水",
        "中卫",
        "金昌",
        "长春",
        "安顺",
        "黔南",
        "怒江",
        "东城",
        "西城",
        "大兴",
        "密云",
        "通州",
        "丰台",
        "崇明",
        "虹口",
        "黄浦",
        "闵行",
        "松江",
        "青浦",
        "奉贤",
        "浦东",
        "杨浦",
        "徐汇",
        "永济",
        "高平",
    }
)
"""Place names that are also everyday words: they count as places only with 省/市/区/县 or an office after them."""

_SUFFIX_BY_LEVEL = {
    "省": "省",
    "市": "市",
    "区": "区",
    "县": "县",
    "州": "市",
    "旗": "县",
    "盟": "市",
    "地区": "市",
}
ZONE_WORDS = (
    "综合改革示范区|经济技术开发区|高新技术产业开发区|示范区|开发区|高新区|经开区|新区|试验区|自贸区|保税区"
)
_ZONE_RE = re.compile(rf"[\u4e00-\u9fff]{{2,12}}?(?:{ZONE_WORDS})")
_ZONE_STEM_RE = re.compile(r"(?:示范区|经济技术开发区|开发区|高新区|经开区|新区|试验区|自贸区|保税区)$")
_PROVINCE_RE = re.compile(
    "(" + "|".join(sorted((p for p in PROVINCE_OF if PROVINCE_OF[p] == p), key=len, reverse=True)) + ")"
    r"(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?"
)
_CITY_RE = re.compile(r"([\u4e00-\u9fff]{2,4}?)(市|自治州|地区|州|盟)")
_DISTRICT_RE = re.compile(r"([\u4e00-\u9fff]{2,3}?)(区|县|旗)")
_NOISE_RE = re.compile(r"^(?:.*[>＞]\s*)?(?:第[一二三四五六七八九十\d]+部分)?\s*(?:中共|中国共产党)?")


@dataclass(frozen=True)
class Place:
    """One place at the start of an official name."""

    text: str
    """As written in the name (大同市, 山西转型综合改革示范区)."""
    stem: str
    """Without its level word (大同, 山西转型综合改革)."""
    level: str
    """'省', '市', '区', '县' or 'zone' (示范区, 开发区 …)."""
    start: int
    """Offset of the place in the name."""
    suffix_at: int = -1
    """Offset of the level character (省/市/区/县) when the name writes it, else -1."""


def clean_name(name: str) -> str:
    """An official name without layout debris (第二部分…, 当前位置：首页>…, 中共…)."""
    return _NOISE_RE.sub("", name).strip()


def split_places(name: str) -> tuple[list[Place], int]:
    """The places a (clean) name starts with, and where its office part begins.

    '上海市普陀区商务委员会' → [上海市 (省), 普陀区 (区)], 6; '山西转型综合改革示范区晋中开发区经济运行与安全监管部'
    → [山西转型综合改革示范区 (zone), 晋中开发区 (zone)], 16. '江苏省委办公厅' keeps 省委 in the office part.
    """
    places: list[Place] = []
    pos = 0
    while pos < len(name):
        rest = name[pos:]
        zone = _ZONE_RE.match(rest)
        province = _PROVINCE_RE.match(rest)
        if zone and not (province and province.group(2) and province.end() < zone.end() - 2 and not places):
            text = zone.group(0)
            places.append(Place(text, _ZONE_STEM_RE.sub("", text), "zone", pos))
            pos += len(text)
            continue
        if province and not places and (province.group(2) or rest[province.end() :][:1] in {"", "委"}):
            stem, suffix = province.group(1), province.group(2) or ""
            if (
                rest[province.end() : province.end() + 1] == "委"
            ):  # 江苏省委办公厅: 省委 belongs to the office
                places.append(Place(stem, stem, "省", pos))
                pos += len(stem)
                break
            places.append(Place(stem + suffix, stem, "省", pos, pos + len(stem) if suffix else -1))
            pos += len(stem) + len(suffix)
            continue
        level_words = [p.level for p in places]
        city = _CITY_RE.match(rest)
        if (
            city
            and "市" not in level_words
            and "区" not in level_words
            and (city.group(1) in PROVINCE_OF or not places or level_words[-1] == "省")
        ):
            stem, suffix = city.groups()
            if rest[len(stem) + len(suffix) : len(stem) + len(suffix) + 1] == "委":
                places.append(Place(stem, stem, "市", pos))
                pos += len(stem)
                break
            places.append(Place(stem + suffix, stem, "市", pos, pos + len(stem)))
            pos += len(stem) + len(suffix)
            continue
        district = _DISTRICT_RE.match(rest)
        if district and places and places[-1].level in {"省", "市"} and "区" not in level_words:
            stem, suffix = district.groups()
            level = _SUFFIX_BY_LEVEL[suffix]
            if rest[len(stem) + 1 : len(stem) + 2] == "委":  # 普陀区委社会工作部
                places.append(Place(stem, stem, level, pos))
                pos += len(stem)
                break
            places.append(Place(stem + suffix, stem, level, pos, pos + len(stem)))
            pos += len(stem) + 1
            continue
        break
    return places, pos


def province_of(stem: str) -> str | None:
    """The province a place stem lies in (大同 → 山西), None when unknown."""
    return PROVINCE_OF.get(stem)


def gazetteer_pattern() -> re.Pattern[str]:
    """Every known place stem, longest first, with an optional level word after it."""
    names = sorted(PROVINCE_OF, key=len, reverse=True)
    return re.compile(
        "(" + "|".join(names) + r")(省|市|壮族自治区|回族自治区|维吾尔自治区|自治区|自治州|地区|区|县|州)?"
    )
