"""A synthetic corpus of N budget documents made from the five seeds, with questions whose answers are known.

Each document is a seed with
- another department: the seed's place name (吕梁, 大同, 山西转型综合改革示范区 …) becomes a city of its own, and
  every city belongs to one seed only, so department names never collide across seeds;
- another year: every year written in the text (2024年, 2023年12月, 2024预算数) moves by the same delta;
- amounts times a whole factor k (1–9, those that add no major self-check finding to the seed, see
  `allowed_factors`): every money figure — table cells (万元), the 项目资金 block of each
  performance sheet (元) and every 万元/元/亿元 amount in running text — is multiplied by k and written with the
  same decimals and separators. A whole factor keeps every sum, identity and 元/万元 pair exact (k·Σa = Σk·a)
  and every percentage true; head counts, areas and indicator targets are not money and stay.
Line numbers do not change, so each figure keeps its seed line.

    python -m eval.synth --n 10 --out /tmp/synth          # documents + questions.jsonl
"""

from __future__ import annotations

import argparse
import json
import random
import re
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rag.ingest.extract import extract_facts
from rag.ingest.parse.document import parse_document
from rag.ingest.readers import read_source
from rag.text.numbers import parse_decimal
from rag.types import Document, Fact

DATA = Path(__file__).resolve().parent.parent / "data"

CITIES = [
    "朔州", "忻州", "阳泉", "长治", "晋城", "临汾", "运城", "保定", "邯郸", "邢台", "沧州", "衡水", "承德", "廊坊", "唐山", "遵义", "绵阳", "洛阳", "开封", "新乡",
    "安阳", "焦作", "许昌", "漯河", "南阳", "信阳", "周口", "商丘", "德阳", "濮阳", "鹤壁", "宜宾", "宝鸡", "咸阳", "渭南", "延安", "汉中", "榆林", "安康", "商洛",
    "铜川", "天水", "平凉", "庆阳", "定西", "陇南", "武威", "张掖", "酒泉", "白银", "包头", "赤峰", "通辽", "泸州", "乌海", "锦州", "营口", "丹东", "鞍山", "抚顺",
    "本溪", "辽阳", "盘锦", "铁岭", "朝阳", "吉林", "四平", "辽源", "通化", "白山", "松原", "梧州", "南充", "达州", "眉山", "大庆", "鸡西", "鹤岗", "乐山", "伊春",
    "黑河", "绥化", "徐州", "常州", "南通", "桂林", "淮安", "盐城", "扬州", "镇江", "泰州", "宿迁", "湖州", "嘉兴", "绍兴", "金华", "衢州", "舟山", "台州", "丽水",
    "芜湖", "蚌埠", "淮南", "柳州", "淮北", "铜陵", "安庆", "黄山", "滁州", "阜阳", "宿州", "六安", "亳州", "池州", "宣城", "九江", "赣州", "吉安", "宜春", "抚州",
]  # fmt: skip
"""Two-character city stems (none of them a seed's place)."""

MONEY_IN_TEXT = re.compile(
    r"(?<![\d.,])(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>亿元|万元|元)(?!（原值）以上|以上)"
)
YEAR_IN_TEXT = re.compile(r"(?<![\d.,])(?P<year>20[0-4]\d)(?=\s*(?:年|预算|决算))")
_TARGET_MONEY_LINE = re.compile(r"资金|自筹|财政资")


@dataclass(frozen=True)
class SeedSpec:
    """How one seed is renamed: its place strings → the new city, and the short name people would type."""

    prefix: str
    places: tuple[tuple[str, str], ...]
    """(old string, template with {city}) replaced in this order in every line."""
    short: str
    """Short department name for questions ({city} 审批局 …)."""


SEEDS = [
    SeedSpec("000", (("山西转型综合改革示范区", "{city}市"),), "{city}市政务服务中心"),
    SeedSpec("001", (("山西转型综合改革示范区", "{city}市"), ("晋中", "{city}")), "{city}开发区经济运行部"),
    SeedSpec("002", (("山西省", "{city}市"),), "{city}市政务服务中心"),
    SeedSpec("003", (("吕梁", "{city}"),), "{city}审批局"),
    SeedSpec("004", (("大同", "{city}"),), "{city}政务中心"),
]
YEAR_DELTAS = list(range(-10, 6))


@dataclass
class SynthDoc:
    """One generated document."""

    name: str
    seed: str
    city: str
    department: str
    short: str
    year: int
    factor: int
    text: str


@dataclass
class SeedInfo:
    """A parsed seed with the line numbers whose bare numbers are money."""

    path: Path
    document: Document
    facts: list[Fact]
    money_cells: dict[int, set[str]]
    """line → cells not to scale (the row's 科目编码); every other numeric cell on the line is money."""


@cache
def load_seed(prefix: str, data: Path = DATA) -> SeedInfo:
    """Parse a seed once and find its money lines (table rows in 万元/元, performance-sheet fund blocks)."""
    path = next(data.glob(f"{prefix}_*.txt"))
    document = parse_document(read_source(path))
    money: dict[int, set[str]] = {}
    for table in document.tables:
        if table.unit in {"万元", "元"}:
            for row in table.rows:
                money.setdefault(row.line, set()).update({row.code} if row.code else set())
    for target in document.targets:
        for no in range(target.line_start, target.line_end + 1):
            if _TARGET_MONEY_LINE.search(document.line_text(no)):
                money.setdefault(no, set())
    return SeedInfo(path, document, extract_facts(document), money)


def scale_number(raw: str, factor: int) -> str:
    """'6,926.05' × 3 → '20,778.15': same decimals, separators kept when the original had them."""
    value = parse_decimal(raw)
    if value is None:
        return raw
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    scaled = value * factor
    return f"{scaled:,.{decimals}f}" if "," in raw else f"{scaled:.{decimals}f}"


def shift_years(text: str, delta: int) -> str:
    return YEAR_IN_TEXT.sub(lambda m: str(int(m.group("year")) + delta), text)


def _rewrite_text(text: str, factor: int, delta: int) -> str:
    """Running text: scale 万元/元/亿元 amounts, shift years in between."""
    out, last = [], 0
    for match in MONEY_IN_TEXT.finditer(text):
        out.append(shift_years(text[last : match.start()], delta))
        out.append(scale_number(match.group("num"), factor) + text[match.end("num") : match.end()])
        last = match.end()
    out.append(shift_years(text[last:], delta))
    return "".join(out)


def _rewrite_cells(text: str, keep: set[str], factor: int, delta: int) -> str:
    """A money row: scale every numeric cell except its code; other cells are running text."""
    cells = text.split("\t")
    return "\t".join(
        scale_number(cell.strip(), factor) if parse_decimal(cell) is not None and cell.strip() not in keep
        else _rewrite_text(cell, factor, delta)
        for cell in cells
    )  # fmt: skip


def rename(text: str, spec: SeedSpec, city: str) -> str:
    """The seed's place names → the city."""
    for old, new in spec.places:
        text = text.replace(old, new.format(city=city))
    return text


def synth_text(seed: SeedInfo, spec: SeedSpec, city: str, delta: int, factor: int) -> str:
    """The seed's text renamed, moved by `delta` years and with money times `factor` (lines kept)."""
    out = []
    for no, raw in enumerate(seed.path.read_text(encoding="utf-8").split("\n"), start=1):
        line = rename(raw, spec, city)
        if no in seed.money_cells:
            out.append(_rewrite_cells(line, seed.money_cells[no], factor, delta))
        else:
            out.append(_rewrite_text(line, factor, delta))
    return "\n".join(out)


def major_findings(text: str, name: str = "probe.txt") -> set[tuple[str, tuple[int, ...]]]:
    """(kind, lines) of the major contradictions rag.ingest.checks.base finds in a document text."""
    from rag.ingest.checks.run import check_document

    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / name
        path.write_text(text, encoding="utf-8")
        document = parse_document(read_source(path))
    return {
        (f.kind, tuple(f.lines))
        for f in check_document(document, extract_facts(document))
        if f.severity == "major"
    }


@cache
def allowed_factors(prefix: str, data: Path = DATA) -> tuple[int, ...]:
    """The factors 1–9 that add no major contradiction to this seed.

    Whole factors keep every exact relation exact, but a seed's own rounding difference (a total 0.01万元 off
    the sum of its rows) grows k times and can turn major; those factors are not used for this seed.
    """
    seed = load_seed(prefix, data)
    spec = next(s for s in SEEDS if s.prefix == prefix)
    before = major_findings(seed.path.read_text(encoding="utf-8"))
    return tuple(k for k in range(1, 10) if major_findings(synth_text(seed, spec, "朔州", 0, k)) <= before)


def plan(n: int, rng_seed: int = 0) -> list[tuple[SeedSpec, str, int, int]]:
    """n distinct (seed, city, year delta, factor); cities are dealt to seeds round-robin."""
    capacity = len(CITIES) * len(YEAR_DELTAS)
    if n > capacity:
        raise ValueError(f"n={n}: at most {capacity} distinct synthetic documents")
    rng = random.Random(rng_seed)
    combos = [(SEEDS[i % len(SEEDS)], city, d) for i, city in enumerate(CITIES) for d in YEAR_DELTAS]
    rng.shuffle(combos)
    return [(spec, city, delta, rng.choice(allowed_factors(spec.prefix))) for spec, city, delta in combos[:n]]


def generate(n: int, out: Path | None = None, rng_seed: int = 0, data: Path = DATA) -> list[SynthDoc]:
    """Make n documents (and write them to `out` when given: one .txt each)."""
    docs = []
    for i, (spec, city, delta, factor) in enumerate(plan(n, rng_seed)):
        seed = load_seed(spec.prefix, data)
        department = rename(seed.document.department, spec, city)
        year = seed.document.year + delta
        name = f"syn{i:05d}_{spec.prefix}_{city}_{year}.txt"
        text = synth_text(seed, spec, city, delta, factor)
        docs.append(
            SynthDoc(name, spec.prefix, city, department, spec.short.format(city=city), year, factor, text)
        )
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        for doc in docs:
            (out / doc.name).write_text(doc.text, encoding="utf-8")
    return docs


QUESTIONS = [
    ("收入总计", "{short}{year}年总预算是多少"),
    ("基本支出", "{short}{year}年基本支出多少"),
    ("项目支出", "{short}{year}年项目支出是多少"),
    ("三公经费", "{short}{year}年三公经费多少钱"),
    ("机关运行经费", "{short}{year}年机关运行经费是多少"),
    ("政府采购", "{short}{year}年政府采购预算一共多少"),
]
"""Key figure → question template; a figure the seed does not have (or has as 0) is skipped."""


def seed_value(seed: SeedInfo, name: str) -> Fact | None:
    """The seed's figure under a canonical name: the table's, else the text's."""
    named = [f for f in seed.facts if f.name == name]
    return next((f for f in named if f.origin == "table"), named[0] if named else None)


def questions_for(doc: SynthDoc, data: Path = DATA) -> list[dict]:
    """Lookup questions with known answers (seed figure × factor, at the seed's line)."""
    seed = load_seed(doc.seed, data)
    lines = doc.text.split("\n")
    out = []
    for name, template in QUESTIONS:
        fact = seed_value(seed, name)
        if fact is None or fact.value == 0 or fact.unit != "万元":
            continue
        out.append(
            {
                "id": f"{doc.name.removesuffix('.txt')}-{name}",
                "type": "lookup",
                "question": template.format(short=doc.short, year=doc.year),
                "doc": doc.name,
                "department": doc.department,
                "year": doc.year,
                "expected": {"value": float(fact.value * doc.factor), "unit": "万元"},
                "source": {
                    "part": fact.table,
                    "row": fact.row,
                    "line": fact.line,
                    "quote": lines[fact.line - 1],
                },
                "note": f"synthetic: seed {doc.seed} {name} {fact.value} × {doc.factor}",
            }
        )
    return out


def unanswerable_questions(docs: list[SynthDoc], count: int, rng_seed: int = 0) -> list[dict]:
    """Questions about cities no document has (the answer: not in the documents)."""
    used = {d.city for d in docs}
    free = [c for c in CITIES if c not in used] or ["拉萨", "日喀", "林芝"]
    rng = random.Random(rng_seed)
    return [
        {
            "id": f"syn-absent-{i:03d}",
            "type": "unanswerable",
            "question": f"{rng.choice(free)}审批局{2020 + i % 6}年总预算是多少",
            "doc": None,
            "expected": {"answerable": False},
            "source": {"part": "不在文档集中"},
        }
        for i in range(count)
    ]


def write_questions(docs: list[SynthDoc], path: Path, per_doc: int = 0, absent: int = 0) -> list[dict]:
    """All (or `per_doc` per document) lookups plus `absent` unanswerables, as JSON lines."""
    questions = []
    for doc in docs:
        mine = questions_for(doc)
        questions += mine[:per_doc] if per_doc else mine
    questions += unanswerable_questions(docs, absent)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in questions), encoding="utf-8")
    return questions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.synth", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=10, help="number of documents")
    parser.add_argument(
        "--out", type=Path, required=True, help="folder for the documents and questions.jsonl"
    )
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    args = parser.parse_args(argv)
    docs = generate(args.n, args.out / "docs", args.seed)
    questions = write_questions(docs, args.out / "questions.jsonl", absent=max(1, args.n // 10))
    print(
        f"{len(docs)} documents in {args.out / 'docs'}, {len(questions)} questions in {args.out / 'questions.jsonl'}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
