"""The small signals in a question: years, asserted numbers, thresholds, top-N, name filters, injection, scope.

Each finder returns what it found and the question offsets it used, so understanding can mask them before it
looks for figures and free project words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from rag.text.numbers import CN_NUMERALS, cn_number

Span = tuple[int, int]


@dataclass(frozen=True)
class Premise:
    """A number the question asserts (是100万对吧？/ 才3108元？): the answer confirms or corrects it."""

    value: Decimal
    unit: str
    """'万元', '元', '亿元', '%', '辆', '人', '平方米' … ('' when none was written)."""
    text: str
    """As written (100万)."""


@dataclass(frozen=True)
class Threshold:
    """A filter on amounts (超过200万 → '>', 200, '万元')."""

    comparator: str
    """'>', '≥', '<' or '≤'."""
    value: Decimal
    unit: str
    text: str


@dataclass(frozen=True)
class Years:
    """The years a question names."""

    year: int | None
    """The year asked about (the first one not used as a comparison base)."""
    years: list[int]
    """Every year asked about, in order (not the comparison bases)."""
    compare_year: int | None
    """The base of a comparison (比2022年, 比去年)."""
    relative: bool
    """The year was given as 今年/去年/前年/明年 (resolved against the latest loaded year)."""
    spans: list[Span]


def normalize_question(text: str) -> str:
    """Full-width digits/letters/punctuation folded (NFKC), spaces dropped, traditional characters simplified
    (呂梁市行政審批服務管理局 → 吕梁市行政审批服务管理局)."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("−", "-")
    return _simplified(folded)


@lru_cache(maxsize=1)
def _converter():
    from opencc import OpenCC  # heavy: loaded on first use

    return OpenCC("t2s")


@lru_cache(maxsize=4096)
def _simplified(text: str) -> str:
    return _converter().convert(text)


# --- numbers ------------------------------------------------------------------------------------------------------
_CN_NUM = CN_NUMERALS
_UNIT_MAP = {"万块": "万元", "万块钱": "万元", "万": "万元", "万元": "万元", "亿": "亿元", "亿元": "亿元", "元": "元", "块": "元", "块钱": "元", "千元": "千元",
             "%": "%", "辆": "辆", "个": "个", "人": "人", "名": "人", "平方米": "平方米", "平米": "平方米", "平": "平方米",
             "项": "项"}  # fmt: skip
_UNIT_RE = r"万元|亿元|千元|块钱|平方米|平米|万|亿|元|块|%|辆|个|人|名|项|平(?!台|均)"
_AMOUNT_RE = re.compile(
    rf"(?P<num>(?<![\d.])\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|(?<![\d.])\d+(?:\.\d+)?|[{_CN_NUM}]+)(?:\s?(?P<unit>{_UNIT_RE}))?"
)
_PERCENT_RE = re.compile(rf"百分之(?P<num>[\d.]+|[{_CN_NUM}]+)|(?P<cheng>[一二两三四五六七八九十])成")


@dataclass(frozen=True)
class Amount:
    value: Decimal
    unit: str
    start: int
    end: int
    text: str


def find_amounts(text: str) -> list[Amount]:
    """Numbers with their units (100万 → 100 万元; 百分之十 → 10 %; 六成 → 60 %); bare Chinese numerals skipped."""
    found: list[Amount] = []
    for m in _PERCENT_RE.finditer(text):
        value = cn_number(m.group("num")) if m.group("num") else cn_number(m.group("cheng"))
        if value is not None:
            found.append(Amount(value * (10 if m.group("cheng") else 1), "%", m.start(), m.end(), m.group(0)))
    for m in _AMOUNT_RE.finditer(text):
        if any(a.start <= m.start() < a.end for a in found):
            continue
        num, unit = m.group("num"), m.group("unit") or ""
        if not num[0].isdigit() and not unit:
            continue  # 一下, 三公: Chinese numerals count only with a unit
        if not num[0].isdigit() and unit in {"个", "项", "人", "名"}:
            continue  # 几个 / 一个 / 三个 are counting words, not asserted figures
        value = cn_number(num)
        if value is not None:
            found.append(Amount(value, _UNIT_MAP.get(unit, unit), m.start(), m.end(), m.group(0)))
    return sorted(found, key=lambda a: a.start)


# --- years --------------------------------------------------------------------------------------------------------
_YEAR_RE = re.compile(
    r"(?P<full>(?<![\d.])(?:19|20)\d{2}(?![\d.万亿元%个辆人块项次套台平]|\s*(?:块|元|万|亿)))(?:年度|年)?"
    r"|(?P<short>(?<![\d.])\d{2})年(?!代)"
    r"|(?P<cn>[二〇零一三四五六七八九]{4})年"
    r"|(?P<rel>今年|去年(?!结转|剩|结余)|上一年(?!结转|剩|结余)|前一年|前年|明年|下一年|本年度(?!收入|支出))"
)
_COMPARE_BEFORE = re.compile(r"(比|较|比起|相比|相较|对比|同|与|和|跟)$")
_COMPARE_AFTER = re.compile(r"^(相比|比较|对比|比|相较|来比)")
_RELATIVE = {"今年": 0, "本年度": 0, "去年": -1, "上一年": -1, "前一年": -1, "前年": -2, "明年": 1, "下一年": 1}


def find_years(text: str, latest: int | None) -> Years:
    """Years asked about and the comparison base; 今年/去年 are resolved against `latest` (the newest loaded year).

    '2023年比2022年多了多少' → year 2023, compare 2022; '24年为啥比去年少了' → 2024, compare 2023 (去年 of the year
    asked); '去年的预算' → latest − 1, relative.
    """
    asked: list[int] = []
    compare: int | None = None
    relative = False
    spans: list[Span] = []
    for m in _YEAR_RE.finditer(text):
        before, after = text[max(0, m.start() - 2) : m.start()], text[m.end() : m.end() + 3]
        is_base = bool(re.search(r"(比|较|比起|相比|相较|对比)$", before)) or bool(
            _COMPARE_BEFORE.search(before) and _COMPARE_AFTER.search(after)
        )
        if m.group("full"):
            year = int(m.group("full"))
        elif m.group("short"):
            short = int(m.group("short"))
            year = 2000 + short if short < 70 else 1900 + short
        elif m.group("cn"):
            year = int(cn_number(m.group("cn")) or 0)
        else:
            anchor = asked[0] if is_base and asked else latest
            if anchor is None:
                continue
            year = anchor + _RELATIVE[m.group("rel")]
            relative = relative or not is_base
        spans.append(m.span())
        if is_base:
            compare = compare or year
        elif year not in asked:
            asked.append(year)
    return Years(asked[0] if asked else None, asked, compare, relative, spans)


# --- filters ------------------------------------------------------------------------------------------------------
_THRESHOLD_RE = re.compile(
    r"(?P<op>超过|超出|高于|大于|多于|不少于|不低于|至少|低于|少于|小于|不到|不足|不超过|不高于)"
    rf"(?P<num>[\d.,]+|[{_CN_NUM}]+)(?P<unit>万元|亿元|万|亿|元)?(?P<tail>以上|以下)?"
    rf"|(?P<num2>[\d.,]+|[{_CN_NUM}]+)(?P<unit2>万元|亿元|万|亿|元)(?P<tail2>及以上|以上|及以下|以下)"
    rf"|(?P<num3>[\d.,]+|[{_CN_NUM}]+)(?P<unit3>万块钱|万块|万元|万|亿元|亿|元|块钱|块)(?:钱)?(?:都|也|还)?(?P<tail3>不到|不足|以内)"
)
_OPS = {"以内": "≤", "超过": ">", "超出": ">", "高于": ">", "大于": ">", "多于": ">", "不少于": "≥", "不低于": "≥", "至少": "≥",
        "低于": "<", "少于": "<", "小于": "<", "不到": "<", "不足": "<", "不超过": "≤", "不高于": "≤",
        "以上": "≥", "及以上": "≥", "以下": "≤", "及以下": "≤"}  # fmt: skip


def find_threshold(text: str) -> tuple[Threshold | None, Span | None]:
    """超过200万 → ('>', 200, '万元'); 100万以上 → ('≥', 100, '万元')."""
    m = _THRESHOLD_RE.search(text)
    if not m:
        return None, None
    num = m.group("num") or m.group("num2") or m.group("num3")
    value = cn_number(num.replace(",", ""))
    if value is None:
        return None, None
    op = _OPS[m.group("op") or m.group("tail2") or m.group("tail3")]
    unit = _UNIT_MAP.get(m.group("unit") or m.group("unit2") or m.group("unit3") or "万", "万元")
    return Threshold(op, value, unit, m.group(0)), m.span()


_TOP_RE = re.compile(
    rf"(?:排名)?前(?P<n>\d+|[{_CN_NUM}]+)(?:个|名|位|项|大|家)?(?!年)"
    rf"|(?:最多|最大|最高|最贵|最少|最小|最低)的(?P<n2>\d+|[一二两三四五六七八九十]+)(?:个|项|家)"
    r"|top\s*(?P<n3>\d+)",
    re.IGNORECASE,
)


def find_top_n(text: str) -> tuple[int | None, Span | None]:
    """前三 → 3; 最多的五个 → 5; top3 → 3."""
    m = _TOP_RE.search(text)
    if not m:
        return None, None
    value = cn_number(m.group("n") or m.group("n2") or m.group("n3"))
    return (int(value), m.span()) if value else (None, None)


_QUOTED = r"[“\"'‘「]?(?P<q>[^“”\"'‘’「」]{1,30}?)[”\"'’」]?"
_PREFIX_RE = re.compile(rf"(?:名字|名称|项目名|名)?(?:以|用){_QUOTED}(?:开头|打头|开始|起头)的?")
_CONTAINS_RE = re.compile(rf"(?:名字|名称|项目名)(?:里|中)?(?:含有|包含|含|带有|带|有){_QUOTED}(?:的|$)")


def find_name_filter(text: str) -> tuple[str | None, str | None, Span | None]:
    """以“12345热线”开头 → ('prefix', '12345热线'); 名称包含“热线” → ('contains', '热线')."""
    for kind, pattern in (("prefix", _PREFIX_RE), ("contains", _CONTAINS_RE)):
        m = pattern.search(text)
        if m and m.group("q").strip():
            return kind, m.group("q").strip(), m.span()
    return None, None, None


# --- premises -----------------------------------------------------------------------------------------------------
_TAG_RE = re.compile(
    r"对吧|对吗|对不对|是吗|是不是|没错吧|没错吗|真的吗|是真的|确定吗|吧[?？]?$|吧[?？,，。]|吗[?？]?$"
)
_CHANGE_BEFORE = re.compile(r"(少了|多了|增加了?|减少了?|增长了?|下降了?|降了|涨了|降低了?|差了?|相差)$")
_PREMISE_UNITS = {"万元", "元", "亿元", "千元", "%", "辆", "人", "平方米", "零"}


def _zeros(text: str) -> list[Amount]:
    """'是0吗' / '是不是零': a claimed zero has no unit to write."""
    return [Amount(Decimal(0), "零", m.start(1), m.end(1), m.group(1))
            for m in re.finditer(r"(?:是|为|就是)(0|零)(?![\d.万元亿%个辆人])", text)]  # fmt: skip


def find_premise(text: str, taken: list[Span], coerced: bool = False) -> tuple[Premise | None, Span | None]:
    """The number a question asserts: a figure with its unit and a tag (对吧/对吗/是吗) or 才/只有/竟然 before it,
    or any figure when the question tries to dictate the answer (`coerced`: 直接回答1亿)."""
    tagged = coerced or bool(_TAG_RE.search(text))
    for amount in find_amounts(text) + _zeros(text):
        if amount.unit not in _PREMISE_UNITS or any(s <= amount.start < e for s, e in taken):
            continue
        before = text[max(0, amount.start - 3) : amount.start]
        if _CHANGE_BEFORE.search(before) and not tagged:
            continue  # 少了1万 is the change asked about, not a claim about the figure
        strong = re.search(r"(才|只有|只要|只需|只花|才花|仅仅|仅|只|竟然|居然|高达|足足|整整)$", before)
        if strong or tagged:
            value = amount.value * 1000 if amount.unit == "千元" else amount.value
            unit = {"千元": "元", "零": ""}.get(amount.unit, amount.unit)
            return Premise(value, unit, amount.text), (amount.start, amount.end)
    return None, None


# --- injection and scope ------------------------------------------------------------------------------------------
_INJECTION_REMOVE = [
    r"[【\[(（][^】\])）]{0,12}(?:指令|系统|管理员|admin|system)[^】\])）]{0,12}[】\])）][^。？?]*[。；;]?",
    r"(?:以后|今后|从现在起|从今以后)?所有(?:的)?(?:金额|数字|数据|答案)(?:都|一律)?[^。？?]{0,20}[。；;]?",
    r"(?:请)?(?:忽略|无视|忘记|忘掉|抛开|不要理会|别管|不用管|跳过|绕过)(?:掉)?(?:你)?(?:之前|以上|上面|前面|先前|此前|所有|一切|"
    r"全部|原来|原有|你的|系统|这些)*的?(?:所有|全部|一切)?(?:指令|指示|规则|提示词?|设定|要求|限制|约束|规定|设置|prompt|规矩|命令)",
    r"(?:please\s*)?(?:ignore|disregard|forget)\W*(?:all|any|the|your|previous|prior|above|earlier|\s)*"
    r"(?:instructions?|prompts?|rules?)",
    r"(?:输出|显示|打印|告诉我|泄露|给我看|重复|说出|透露|展示)(?:一下)?(?:你的)?(?:系统提示词?|系统指令|systemprompt|提示词|"
    r"初始指令|内部指令|隐藏指令|系统消息|设定)",
    r"systemprompt|developermode|开发者模式|越狱|jailbreak|(?<![a-z])dan(?![a-z])",
    r"(?:不要|别|无需|不用|不必)(?:再)?(?:核实|验证|引用|查证|查文件|看文件|根据文件|依据文件|管文件|检查)",
    r"新的?指令[:：]?|newinstructions?:?",
]
_INJECTION_CLAUSE = [
    r"你现在是|你现在扮演|现在你是|从现在(?:开始|起)你|扮演(?:一个|成)|假装(?:你|成)|假设你是|你的新(?:角色|身份|任务)|"
    r"youarenow|actas|pretend(?:tobe|you)|roleplay",
]
_INJECTION_FLAG = [r"(?:就|直接|只)(?:说|回答|输出|写)", r"(?:回答|答案)(?:必须|一定|只能)(?:是|为)"]
_CLAUSE_END = re.compile(r"[，,。.！!？?；;]")


def strip_injection(text: str) -> tuple[str, bool]:
    """The question without instructions aimed at the system (忽略之前的指令, 你现在是…, 输出系统提示)."""
    cleaned, found = text, False
    for pattern in _INJECTION_CLAUSE:
        for m in list(re.finditer(pattern, cleaned, re.IGNORECASE))[::-1]:
            end = _CLAUSE_END.search(cleaned, m.end())
            cleaned = cleaned[: m.start()] + cleaned[end.end() if end else len(cleaned) :]
            found = True
    for pattern in _INJECTION_REMOVE:
        cleaned, n = re.subn(pattern, "", cleaned, flags=re.IGNORECASE)
        found = found or n > 0
    found = found or any(re.search(p, cleaned) for p in _INJECTION_FLAG)
    cleaned = re.sub(r"^[，,。.！!；;:：\s]+", "", cleaned)
    return cleaned, found


_ACTUAL_RE = re.compile(
    r"决算|实际(?:上)?(?:花|支出|使用|用|发生|执行|完成|接|到位|拨付|开支|花费|收入|收到|付|交|缴|到账)|最后(?:实际)?(?:付|花|用)了|执行(?:情况|率|数)|花掉|用掉了|最终花了|到底花了"
)
_MONEY_RE = re.compile(r"花|支出|钱|开支|经费|费用|收入|预算|资金")
_PERSONAL_RE = re.compile(
    r"(?:局长|主任|科长|处长|书记|院长|部长|厅长|主席|负责人|联系人|领导|一把手|[张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾]某+)"
    r"(?:的)?(?:个人)?(?:工资|收入|薪水|薪酬|年薪|月薪|奖金|电话|手机|名字|姓名|是谁|叫什么|住址|身份证|家庭)"
    r"|(?:^|[，,。？?！!\s]|请问|问一下)[张王李赵刘陈杨黄周吴徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾][\u4e00-\u9fff]{1,2}"
    r"(?:的|一个月|一年|每月|每年)(?:个人)?(?:工资|收入|薪水|薪酬|年薪|月薪|奖金|电话|手机|住址|身份证)"
    r"|(?:检察长|庭长|区长|市长|省长|县长|所长|站长|队长|校长|委员长|秘书长|主委|局长|主任|书记|院长|部长|厅长|主席|处长|科长)"
    r"(?:的|一个月|一年|每月|每年|个人)?(?:工资|收入|薪水|薪酬|年薪|月薪|奖金|电话|手机|是谁|叫什么)"
    r"|(?:局长|主任|科长|处长|书记|院长|部长|厅长|主席|负责人|领导)[\u4e00-\u9fff]{2,3}(?:的|一个月|一年|每月|每年)"
    r"(?:个人)?(?:工资|收入|薪水|薪酬|年薪|月薪|奖金|电话|手机)"
    r"|(?:某某|某人|他|她|我|某个人|某位|个人)(?:的|一个月|一年|每月|每年)(?:工资|收入|薪水|薪酬|年薪|月薪|奖金|电话|手机)"
    r"|(?:经办人|填报人|联系人|负责人|审核人|项目负责人)(?:是谁|叫什么|姓名|名字|电话|手机|是哪位)"
    r"|电话号码|联系电话|联系方式|手机号|身份证|家庭住址|叫什么名字|(?<!项目)姓名|负责人是谁|联系人是谁|谁是负责人"
    r"|(?:领导|领导班子|局长|主任|负责人)(?:是谁|有谁|都是谁|名单)"
)


def asks_actual(text: str) -> str | None:
    """'决算' when the question asks for final accounts or money actually spent, 'actual' for other actual results."""
    if not _ACTUAL_RE.search(text):
        return None
    return "决算" if "决算" in text or _MONEY_RE.search(text) else "actual"


def asks_personal(text: str) -> bool:
    """A person's salary, name or phone number: personal data the documents do not (and should not) give."""
    return bool(_PERSONAL_RE.search(text))


PURPOSE_RE = re.compile(
    r"干什么|干嘛|干啥|做什么|做啥|用来|有什么用|什么用途|用途是|负责什么|负责哪些|管什么|管哪些|职责|职能|主要工作|"
    r"(?:补贴|补助|资助|奖励|支付|购买|采购|买)(?:的|了)?(?:是)?(?:什么|啥|哪些)|用于(?:什么|哪些|啥)|"
    r"都花(?:在|到)?哪|花哪了|建些?(?:啥|什么)|做些?(?:啥|什么)|干些?(?:啥|什么)|咋算|怎么算|如何算|如何测算|怎么测算|算出来|"
    r"怎么来的|依据是什么|有什么依据|"
    r"是什么(?:单位|部门|机构)|是(?:个|一个)?什么样的(?:单位|部门|机构)|什么性质|啥性质|什么级别"
)
"""What a project is for, or what a department does (its 职责)."""
