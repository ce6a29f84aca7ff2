"""The words of a question that name figures (工资 → 工资福利支出, 基本之出 → 基本支出) and the free words left for
project search (消费券专项资金, 信息化服务费)."""

from __future__ import annotations

import re

from rag.text.homophones import same_char, sounds_like
from rag.understand.flags import Span, find_amounts, normalize_question
from rag.understand.vocabulary import CANONICAL_NAMES, DOCUMENT_TERMS, FIGURE_WORDS

_HOLE = "|"


def mask(text: str, spans: list[Span]) -> str:
    """`text` with the characters of `spans` replaced by '|' (offsets kept)."""
    chars = list(text)
    for start, end in spans:
        for i in range(max(0, start), min(end, len(chars))):
            chars[i] = _HOLE
    return "".join(chars)


def _lexicon() -> dict[str, list[str]]:
    lexicon: dict[str, list[str]] = {}
    for name in [*CANONICAL_NAMES, *DOCUMENT_TERMS]:
        lexicon[normalize_question(name)] = [name]
    for word, names in FIGURE_WORDS.items():
        lexicon.setdefault(normalize_question(word), list(names))
    return lexicon


_LEXICON = _lexicon()
_LEXICON_RE = re.compile("|".join(re.escape(word) for word in sorted(_LEXICON, key=len, reverse=True)))
_FUZZY = {
    normalize_question(n): n for n in [*CANONICAL_NAMES, *DOCUMENT_TERMS] if len(normalize_question(n)) >= 4
}
_FUZZY_RE = re.compile(
    "|".join(
        re.escape(word[:i]) + "[\u4e00-\u9fff]" + re.escape(word[i + 1 :])
        for word in sorted(_FUZZY, key=len, reverse=True)
        for i in range(1, len(word))
    )
)
"""Each figure name with one character (not the first) free: 基本之出 → 基本支出."""
_COUNT_RE = re.compile(r"几辆|多少辆|几台|多少台|辆数|数量|几部|多少部|辆")
_MONEY_RE = re.compile(r"费|钱|经费|预算|支出|花")
_CAR_MONEY = "公务用车购置及运行费"
_PURCHASE_PARTS = (("服务", "政府采购服务"), ("货物", "政府采购货物"), ("工程", "政府采购工程"))


def find_metrics(text: str, taken: list[Span]) -> tuple[list[str], list[Span]]:
    """Figures the question asks for, in question order, and the offsets of the words that named them."""
    masked = mask(text, taken)
    found: list[tuple[int, str]] = []
    spans: list[Span] = []
    for m in _LEXICON_RE.finditer(masked):
        found += [(m.start(), name) for name in _LEXICON[m.group(0)]]
        spans.append(m.span())
    for m in _FUZZY_RE.finditer(mask(masked, spans)):
        word = next(w for w in _FUZZY if len(w) == len(m.group(0)) and _one_typo(m.group(0), w))
        if _word_goes_on(masked, m.end(), m.group(0), word):
            continue  # 物业管理面积 is no typo of 物业管理费
        found.append((m.start(), _FUZZY[word]))  # 基本之出 → 基本支出
        spans.append(m.span())
    found += _homophone_metrics(mask(masked, spans), spans)
    metrics: list[str] = []
    for _, name in sorted(found, key=lambda item: item[0]):
        if name not in metrics:
            metrics.append(name)
    rest = mask(text, taken + spans)
    counted = _COUNT_RE.search(rest) or re.search(r"\d\s*辆", text)
    if "车" in rest and counted and "公务用车" not in metrics:
        metrics.append("公务用车")  # 车有几辆
    if {"公务用车", _CAR_MONEY} & set(metrics):
        car = (
            "公务用车"
            if counted or (not _MONEY_RE.search(rest) and "公务用车" in metrics)
            else _CAR_MONEY
        )
        metrics = [car if m in {"公务用车", _CAR_MONEY} else m for m in metrics]
        metrics = list(dict.fromkeys(metrics))
    if "政府采购" in metrics:
        after = rest[text.find("采购") :] if "采购" in text else rest
        for word, part in _PURCHASE_PARTS:
            if word in after and part not in metrics:
                metrics.append(part)  # 政府采购一共多少？服务类占多少？
                spans += [(m.start(), m.end()) for m in re.finditer(word + "类?", rest)]
    return metrics, spans


_SOUND_WORDS = sorted((w for w in _LEXICON if len(w) >= 3), key=len, reverse=True)


def _homophone_metrics(masked: str, spans: list[Span]) -> list[tuple[int, str]]:
    """Figure words typed with a sound-alike character (招代费 → 公务接待费); adds their offsets to `spans`."""
    found: list[tuple[int, str]] = []
    taken = [False] * len(masked)
    for word in _SOUND_WORDS:
        n = len(word)
        for start in range(len(masked) - n + 1):
            window = masked[start : start + n]
            if _HOLE in window or any(taken[start : start + n]) or not sounds_like(window, word):
                continue
            found += [(start, name) for name in _LEXICON[word]]
            spans.append((start, start + n))
            taken[start : start + n] = [True] * n
    return found


_NOUN_ENDINGS = ("面积", "数量", "人数", "人次", "次数", "标准", "时长", "时间", "金额", "比例", "项目", "系统", "平台")


def _word_goes_on(text: str, end: int, window: str, word: str) -> bool:
    """The differing last character starts another word with what follows (面|积): not a typo of `word`."""
    if window[-1] == word[-1]:
        return False
    return any(text.startswith(noun, end - 1) for noun in _NOUN_ENDINGS)


def _one_typo(window: str, word: str) -> bool:
    diffs = [i for i, (a, b) in enumerate(zip(window, word, strict=True)) if a != b]
    return len(diffs) == 1 and diffs[0] > 0


_SEPARATORS = re.compile(
    r"(?:要|需要|得|一年|每年)?花(?=多少|几|了|掉|费了)|一年要|每年要|一年|每年|全年|一个月|每月|今年|明年|去年|"
    r"干什么|干嘛|干啥|做什么|做啥|用来|有什么用|负责什么|负责哪些|负责|职责|职能|主要工作|"
    r"可我看|我看到|我看|绩效表上写的是|绩效表上写|表上写的是|表上写|上面写的是|上面写|你是不是说错了|是不是说错了|说错了|搞错了|"
    r"花钱|要花|得花|花这|这笔钱|这笔|这些钱|这个钱|这项钱|这项|该项目|这个项目|这个|换成|换到|改成|改为|再看看|再问|那么|实施期资金总额|实施期总额|实施期|年度资金总额|年度资金|资金总额|总额|到底|究竟|具体|大概|大约|包括|包含|请问|我想知道|想知道|我想问|想问一下|想问|问一下|告诉我|帮我查一下|帮我查|帮我|查一下|看一下|看看|一下|"
    r"多少钱|是多少|有多少|多少个|多少|几个|几辆|几台|几项|有几|哪些|哪几个|哪个|哪家|什么|为什么|为啥|为何|怎么回事|怎么|咋|原因|"
    r"是不是|对吧|对吗|对不对|是吗|没错|真的|这么便宜|这么贵|这么多|这么少|这么高|这么低|这么|那么|"
    r"总预算|预算|决算|实际上|实际|执行|花了|花掉|用了|安排了|安排|"
    r"比上年|比去年|比上一年|同比|增加|减少|增长|下降|降幅|增幅|减幅|涨幅|降低|多了|少了|降了|涨了|变化|变动|有没有|没有|"
    r"排在第一|排第一|第一名|居首|最多|最少|最高|最低|最大|最小|差多少|相差|差距|占比|比例|比重|百分之|排名|排序|排一下|按金额|一共|合计|总共|加起来|总和|共计|"
    r"多大|多高|多长|多久|多远|直接回答|直接说|就说|只回答|回答|输出|主要用于|用途|主要|"
    r"(?:用|花)(?:在|到)哪(?:些|个|里)?(?:方面|地方|领域)?|哪些方面|哪方面|方面|"
    r"有哪些|列出|列举|分别|明细|清单|啥叫|什么叫|什么是|啥是|何为|意思|指什么|含义|定义|解释|"
    r"这几个单位|这些单位|各单位|所有单位|哪个单位|哪个部门|谁的|谁|[一二两三四五六七八九十]成多?|"
    r"的|了|吗|呢|吧|啊|呀|是|在|和|跟|与|及|比|那个|这个|那|这|里|给|按|都|也|还|就|才|只|又|再|说|请|"
    r"[\s,，.。!！?？;；:：、()（）“”\"'《》\[\]]"
)
_STOP_PIECES = {"资金", "经费", "费用", "钱", "项目", "目标", "指标", "金额", "情况", "单位", "部门", "数", "个", "一年", "每年",
                "全年", "大概", "具体", "到底", "平米", "平方米", "万元", "元", "辆", "人", "年", "今年", "去年", "主要", "收入", "支出",
                "花在", "哪", "排", "名字", "名称", "开头", "多", "少", "高", "低", "钱最", "便宜", "贵"}  # fmt: skip


def free_terms(text: str, taken: list[Span], name_filter: str | None) -> list[str]:
    """Words left for project-row search once departments, years, numbers and figure words are taken out."""
    amounts = [(a.start, a.end) for a in find_amounts(text) if a.unit]
    rest = _SEPARATORS.sub(_HOLE, mask(text, taken + amounts))
    terms = [name_filter] if name_filter else []
    for piece in rest.split(_HOLE):
        piece = re.sub(r"(?:那个|这个|的)?项目$", "", piece).strip()
        if len(piece) > 3 and same_char(piece[-2], "项") and same_char(piece[-1], "目"):
            piece = piece[:-2]  # 培训向目: 项目 mistyped by sound
        piece = re.sub(r"^(?:还需要|需要|还要|要|得|去|来)(?=[\u4e00-\u9fff]{2})", "", piece)  # 为什么要装修
        if len(piece) < 2 or piece in _STOP_PIECES or not re.search(r"[\u4e00-\u9fff]", piece):
            continue
        if piece not in terms:
            terms.append(piece)
    return terms


_DEFINE_STRIP = re.compile(
    r"什么是|什么叫|啥叫|啥是|何为|何谓|解释一下|解释下|怎么理解|如何理解|是什么意思|什么意思|啥意思|指什么|指的是什么|是指什么|"
    r"是指啥|的含义|的定义|的意思|是个啥|是什么东西|是啥东西|到底|究竟|是个什么平台|是个什么系统|是个什么|是什么平台|是什么系统|有啥不一样|有什么不一样|有什么区别|有啥区别|区别是什么|的区别|指的是哪些人?|指哪些人?|指的是谁|是哪些人|是什么|是啥|预算里说的|文件里说的|文件里的|里说的|里面的|所谓的?|"
    r"请问|这个|一下|[?？。!！“”\"'《》,，]"
)


def define_term(text: str, metrics: list[str]) -> str:
    """The term a definition question asks about: the figure named, else the words around 什么是/指什么."""
    if metrics:
        return metrics[0]
    pieces = [p for p in _DEFINE_STRIP.sub(_HOLE, text).split(_HOLE) if len(p) >= 2]
    return max(pieces, key=len) if pieces else ""
