"""Which loaded department a question names: short names, partial names, typos, and departments not loaded.

Aliases are not listed by hand; they follow from the official names. A question's words match a name when they
are its characters in order (大同政务中心 ⊂ 大同市政务服务中心, 综改区 ⊂ 山西转型综合改革示范区), with one
substituted character allowed for typos (大同政务中兴). The places a name starts with (rag.text.places) tell a place hit
from an office hit, let 省/市/区 stand for the name's own level (省政务中心), and mark a place no loaded department
has (太原市…) as a department that is not in the documents rather than the nearest look-alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from rag.text.places import (
    COMMON_WORD_PLACES,
    Place,
    clean_name,
    gazetteer_pattern,
    province_of,
    split_places,
)
from rag.understand.vocabulary import CANONICAL_NAMES, FIGURE_WORDS


@dataclass(frozen=True)
class DocInfo:
    """One loaded document as the catalog lists it (FactStore.documents() rows carry these keys)."""

    doc: str
    department: str
    year: int
    kind: str = "预算"
    """'预算' or '决算'."""
    scope: str = "部门"
    """'部门' or '单位'."""

    @classmethod
    def of(cls, item: DocInfo | Mapping) -> DocInfo:
        """A DocInfo from itself or from a catalog dict."""
        if isinstance(item, DocInfo):
            return item
        return cls(str(item["doc"]), str(item["department"]), int(item["year"]), item.get("kind") or "预算",
                   item.get("scope") or "部门")  # fmt: skip


@dataclass(frozen=True)
class DepartmentMatch:
    """A loaded department the question names."""

    department: str
    """Official name, as the catalog has it."""
    score: float
    """1.0 the full name; about 0.9 place + office (大同政务中心), 0.7 office only, 0.55 place only; 0.1 less with a
    typo; 0.1 more for each further mention (政务中心 … 综改区的). Small bonuses break ties between look-alikes."""
    how: str
    """'exact', 'alias' (place + office), 'partial' (office only), 'place' (place only), 'typo' (one character
    differs), 'history' (from an earlier question of the conversation)."""
    text: str
    """The words of the question that named it."""

    def __str__(self) -> str:
        return self.department


@dataclass
class DepartmentResult:
    """What the department step found in one question."""

    matches: list[DepartmentMatch] = field(default_factory=list)
    unknown: str | None = None
    """The phrase naming a department that is not loaded (太原市行政审批服务管理局)."""
    spans: list[tuple[int, int]] = field(default_factory=list)
    """Question offsets of every department phrase (matched or unknown), for masking later steps."""


@dataclass(frozen=True)
class _Form:
    """One way a department is written: its official name, or a bracketed alternative name."""

    department: str
    name: str
    places: tuple[Place, ...]
    body_start: int
    head_start: int
    """Start of the office word at the end (中心, 局, 委员会 …)."""
    chars: frozenset[str]


@dataclass(frozen=True)
class _Candidate:
    department: str
    start: int
    end: int
    how: str
    score: float
    places: tuple[str, ...]
    """Stems of the places the question's words hit."""
    headless: bool = False
    """Office words without the office type (万里街道): only valid when no other loaded name contains them."""


_HEAD_RE = re.compile(
    r"(委员会|常委会|办公室|办公厅|办事处|中心|局|委|部|厅|院|办|处|站|队|馆|署|政协|人大|室|所|会|社)$"
)
ORG_SUFFIX = (r"委办公厅|政府办公室|政府办公厅|委员会|办公室|办公厅|办事处|中心|政府(?!性)|检察院|法院|政协|人大|管理局|"
              r"局(?!面|势|长)|委(?!托|屈|员)|(?<![大展餐客门前告议一二三四五六七八九十])厅(?!长)|院(?!子|长)|部(?!门|分|长|署)|办(?!公|理|法|事)|处(?!理|置|长)|"
              r"站(?!点|长)|队(?!长)|馆(?!长)|署(?!名)")  # fmt: skip
"""Office words that end a department name; single characters not when they start another word (部门, 办公费)."""
_ORG_RE = re.compile(ORG_SUFFIX)
_BOUNDARY = set("的是在了跟及或比对从向给把被呢吗吧啊呀么、，,。.？?！!：:；;（）()“”\"'《》 年里")
_OBJECT_BEFORE = set("让给到去在从向往对由被把跟和与离")
_LEFT_FILLER = re.compile(
    r"^(?:请问|我想知道|想知道|我想问|想问|问一下|告诉我|帮我查|查一下|那么|那个|这个|你们|我们|那|这|请)+"
)
_UNANCHORED_RE = re.compile(
    r"([\u4e00-\u9fff]{2,8}?)(委员会|办公室|检察院|法院|中心|政府(?!性)|局(?!长)|(?<![大展餐客门前告议一二三四五六七八九十])厅(?!长)|委(?!托|员))"
)
_PATTERN_PLACE_RE = re.compile(r"([\u4e00-\u9fff]{2})(市|区|县)")
_PATTERN_STOP = {"开发", "示范", "高新", "经开", "自贸", "保税", "试验", "园区", "城区", "市区", "辖区", "社区", "小区",
                 "山区", "景区", "全市", "本市", "全省", "本省", "全区", "本区", "各区", "该区", "各市", "该市", "全县",
                 "城市", "新区", "地区", "老区", "综改"}  # fmt: skip
_GAZETTEER_RE = gazetteer_pattern()


class DepartmentIndex:
    """The loaded departments, ready to be found in questions."""

    def __init__(self, departments: Iterable[str]) -> None:
        self.departments = sorted(set(departments))
        self.forms = [form for name in self.departments for form in _forms(name)]
        self.place_stems: dict[str, set[str]] = {}
        """Department → stems of its places and of their provinces."""
        for form in self.forms:
            stems = self.place_stems.setdefault(form.department, set())
            for place in form.places:
                stems.add(place.stem)
                if province_of(place.stem):
                    stems.add(province_of(place.stem) or "")
                elif place.level == "zone" and province_of(place.stem[:2]):
                    stems.add(place.stem[:2])
        self.zones: dict[str, list[str]] = {}
        """Department → the 示范区/开发区 it lies in (综改区 is written as a subsequence of these)."""
        for form in self.forms:
            zones = self.zones.setdefault(form.department, [])
            zones += [p.text for p in form.places if p.level == "zone" and p.text not in zones]

    def match(self, question: str) -> DepartmentResult:
        """The departments named in `question` (offsets are into `question` as given)."""
        candidates = [c for form in self.forms for c in _form_candidates(form, question)]
        candidates = [c for c in candidates if not c.headless or self._unique(question[c.start : c.end])]
        result = DepartmentResult()
        for start, end, stem in self._place_mentions(question):
            phrase_end = _org_phrase_end(question, end)
            stop = phrase_end or end
            if not phrase_end and start > 0 and question[start - 1] in _OBJECT_BEFORE:
                continue  # 不让太原接了: a place the question speaks of, not a department it asks about
            if not phrase_end and any(c.end <= start or c.start >= stop for c in candidates if not c.headless):
                continue  # 晋中开发区…援助新疆222团: the department is named; the bare place is what it speaks of
            if self._covered(candidates, start, stop, stem):
                continue
            result.unknown = result.unknown or question[start:stop]
            result.spans.append((start, stop))
            candidates = [c for c in candidates if c.end <= start or c.start >= stop]
        if not candidates and result.unknown is None:
            for match in _UNANCHORED_RE.finditer(question):
                phrase = _LEFT_FILLER.sub("", _left_extent(question, match.start(), match.end()))
                if len(phrase) - len(match.group(2)) >= 2:
                    result.unknown = phrase
                    result.spans.append((match.end() - len(phrase), match.end()))
                    break
        candidates = [c for c in candidates if not self._parent_only(c, candidates)]
        result.matches = self._consistent(_select(candidates, question), candidates)
        result.spans += [(c.start, c.end) for c in candidates]
        return result

    def _place_mentions(self, question: str) -> list[tuple[int, int, str]]:
        """Places written in the question: (start, end, stem) for gazetteer names and for 'XX市/区/县 + office'."""
        found: list[tuple[int, int, str]] = []
        for match in _GAZETTEER_RE.finditer(question):
            stem, level = match.group(1), match.group(2)
            if stem in COMMON_WORD_PLACES and not level and not _org_phrase_end(question, match.end()):
                continue
            found.append((match.start(), match.end(), stem))
        taken = [(s, e) for s, e, _ in found]
        for match in _PATTERN_PLACE_RE.finditer(question):
            stem = match.group(1)
            if stem in _PATTERN_STOP or any(s < match.end() and match.start() < e for s, e in taken):
                continue
            if any(ch in _BOUNDARY or ch in "和与同" for ch in stem):
                continue  # 商务委比区政府办: '委比' is no place
            alone = _word_start(question, match.start()) and _word_end(question, match.end())
            if _org_phrase_end(question, match.end()) or alone:  # 小店区审批局, 汾阳市的预算
                found.append((match.start(), match.end(), stem))
        for match in re.finditer(r"[省市区县]", question):  # 省政务中心: the level stands for a place
            if _word_start(question, match.start()) and _org_phrase_end(question, match.end()):
                found.append((match.start(), match.end(), match.group(0)))
        return sorted(found)

    def _consistent(self, matches: list[DepartmentMatch], candidates: list[_Candidate]) -> list[DepartmentMatch]:
        """Drop weak look-alikes beside a clear match: a partial name of another department where the question
        names a place of the matched one (吕梁|公共资源交易平台), or a low-scoring typo next to an exact name."""
        if len(matches) < 2:
            return matches
        places = {p for c in candidates if c.how == "place" for p in c.places}
        strong = max(m.score for m in matches)
        kept = []
        for m in matches:
            weak = m.how in {"partial", "typo", "place"} and m.score < 0.7
            if weak and strong >= 0.85:
                continue
            if weak and places and m.how != "place" and not any(self._compatible(p, m.department) for p in places):
                continue
            kept.append(m)
        return kept or matches

    def _compatible(self, stem: str, department: str) -> bool:
        """Whether a place the question names can be (or contain) the department's place."""
        stems = self.place_stems.get(department, set())
        return stem in stems or any(_is_subsequence(stem, zone) for zone in self.zones.get(department, []))

    def _unique(self, words: str) -> bool:
        """Whether only one loaded department's name contains `words`."""
        return len({f.department for f in self.forms if words in f.name}) == 1

    def _parent_only(self, c: _Candidate, candidates: list[_Candidate]) -> bool:
        """A place-only hit written just before another department's own place (山西|吕梁审批局)."""
        return c.how == "place" and any(
            d.start == c.end
            and d.department != c.department
            and d.places
            and self._compatible(c.places[0], d.department)
            for d in candidates
        )

    def _covered(self, candidates: list[_Candidate], start: int, stop: int, stem: str) -> bool:
        """Whether a loaded department explains the phrase question[start:stop] that begins with a place."""
        for c in candidates:
            if c.end < stop or c.start >= stop:
                continue
            if c.start <= start and (c.start == start or self._compatible(stem, c.department)):
                return True  # the place is part of the department's own words (上海普陀商务委)
            if c.start > start and c.places and self._compatible(stem, c.department):
                return True  # a parent place before the department's own (山西吕梁审批局), not 山西省审批局
        return False


@lru_cache(maxsize=32)
def department_index(departments: tuple[str, ...]) -> DepartmentIndex:
    """A cached index for one set of loaded departments."""
    return DepartmentIndex(departments)


def _forms(official: str) -> list[_Form]:
    """The official name and each bracketed alternative name: '…政务服务中心（…公共资源交易中心）' gives two."""
    cleaned = clean_name(official)
    parts = [re.sub(r"[（(].*?[）)]", "", cleaned), *re.findall(r"[（(]([^（）()]+)[）)]", cleaned)]
    forms = []
    for part in parts:
        part = part.strip()
        if len(part) < 2:
            continue
        places, body_start = split_places(part)
        head = _HEAD_RE.search(part[body_start:])
        head_start = body_start + head.start() if head else len(part)
        forms.append(_Form(official, part, tuple(places), body_start, head_start, frozenset(part)))
    return forms


def _starts_figure(question: str, at: int) -> bool:
    """A figure word starts here (三公, 招待费): it is not a mistyped part of an office name (政协三公 ≠ 政协办公)."""
    return any(question.startswith(word, at) for word in _FIGURE_STARTS.get(question[at], ()))


def _figure_starts() -> dict[str, tuple[str, ...]]:
    words = [w for w in [*CANONICAL_NAMES, *FIGURE_WORDS] if len(w) >= 2]
    starts: dict[str, list[str]] = {}
    for word in words:
        starts.setdefault(word[0], []).append(word)
    return {k: tuple(v) for k, v in starts.items()}


_FIGURE_STARTS = _figure_starts()


def _align(question: str, start: int, name: str) -> tuple[int, list[int], int | None]:
    """Match question[start:] against `name` as characters in order; one substitution allowed.

    Returns (end in the question, name offsets of the exactly matched characters, name offset substituted).
    A substitution is taken only inside the match (the next question character matches later) or as the
    name's last character (大同政务中兴 → …中心).
    """
    p, k, matched, sub = 0, start, [], None
    while k < len(question):
        at = name.find(question[k], p)
        if at >= 0:
            matched.append(at)
            p, k = at + 1, k + 1
            continue
        if sub is None and matched and p < len(name) and question[k] not in _BOUNDARY and not _starts_figure(question, k):
            follows = k + 1 < len(question) and name.find(question[k + 1], p + 1) >= 0
            if follows or p == len(name) - 1:
                sub, p, k = p, p + 1, k + 1
                continue
        break
    return k, matched, sub


def _form_candidates(form: _Form, question: str) -> list[_Candidate]:
    found: list[_Candidate] = []
    reach = -1
    for start, char in enumerate(question):
        if char not in form.chars or start < reach:
            continue
        end, matched, sub = _align(question, start, form.name)
        candidate = _classify(form, question, start, end, matched, sub)
        if candidate:
            found.append(candidate)
            reach = end
    return found


def _classify(
    form: _Form, question: str, start: int, end: int, matched: list[int], sub: int | None
) -> _Candidate | None:
    """Grade one match of the question's words against a name (None when it is no department mention)."""
    if question[start:end] == form.name:
        return _Candidate(form.department, start, end, "exact", 1.0, tuple(p.stem for p in form.places))
    hit = set(matched) | ({sub} if sub is not None else set())
    headless = False
    hit_places, coverage, level_hit = [], 0.0, False
    for i, place in enumerate(form.places):
        stem_hits = sum(1 for j in range(place.start, place.start + len(place.stem)) if j in hit)
        zone_word = place.level == "zone" and any(j in hit for j in range(place.start + len(place.stem),
                                                                         place.start + len(place.text)))  # fmt: skip
        if stem_hits >= min(2, len(place.stem)) and (len(place.stem) <= 3 or stem_hits >= 3 or zone_word):
            hit_places.append(place.stem)
            coverage = max(coverage, stem_hits / len(place.stem))
        last = i == len(form.places) - 1
        if last and not stem_hits and place.suffix_at >= 0 and matched and matched[0] == place.suffix_at:
            level_hit = True  # 省政务中心: 省 stands for 山西省
    body = [j for j in matched if j >= form.body_start]
    head_hit = any(j >= form.head_start for j in body) or (sub is not None and sub >= form.head_start)
    distinct = sum(1 for j in body if j < form.head_start)
    if hit_places or level_hit:
        if len(body) + (sub is not None and sub >= form.body_start) >= 2 and (head_hit or distinct >= 2):
            how, score = "alias", 0.9
        elif hit_places and len(body) <= 1:
            how, score = "place", 0.55
        else:
            return None
    elif head_hit and (
        distinct >= 2 or (distinct == 1 and question[start:end] in form.name and end - start >= 3)
    ):
        how, score = "partial", 0.7
    elif sub is None and end - start >= 4 and question[start:end] in form.name[form.body_start :]:
        how, score, headless = "partial", 0.65, True  # 万里街道: a run of the office name
    else:
        return None
    if sub is not None:
        if end - start < 4 or len(matched) < 3:
            return None
        how, score = "typo", score - 0.1
    in_body = sorted(j for j in hit if j >= form.body_start)
    density = len(in_body) / (in_body[-1] - in_body[0] + 1) if in_body else 0.0
    score += 0.03 * density + 0.03 * coverage  # 政府办 is 人民政府办公室 more than 人民政府…街道办事处
    return _Candidate(form.department, start, end, how, round(score, 3), tuple(hit_places), headless)


def _select(candidates: list[_Candidate], question: str) -> list[DepartmentMatch]:
    """One department per mention; a department named twice (政务中心 … 综改区的) beats its look-alikes."""
    if not candidates:
        return []
    groups: list[list[_Candidate]] = []
    for c in sorted(candidates, key=lambda c: (c.start, -c.end)):
        if groups and c.start < max(x.end for x in groups[-1]):
            groups[-1].append(c)
        else:
            groups.append([c])
    best: dict[str, _Candidate] = {}
    support: dict[str, int] = {}
    for group in groups:
        for department in {c.department for c in group}:
            top = max((c for c in group if c.department == department), key=lambda c: c.score)
            if department not in best or top.score > best[department].score:
                best[department] = top
            support[department] = support.get(department, 0) + 1
    total = {d: best[d].score + 0.1 * (support[d] - 1) for d in best}
    chosen: list[str] = []
    for group in groups:
        departments = {c.department for c in group}
        top = max(total[d] for d in departments)
        for department in sorted(departments, key=lambda d: (best[d].start, d)):
            if total[department] >= top - 1e-9 and department not in chosen:
                chosen.append(department)
        chosen += _side_by_side(group, chosen, total)
    chosen.sort(key=lambda d: (best[d].start, d))
    return [DepartmentMatch(d, round(min(total[d], 1.0), 2), best[d].how, question[best[d].start : best[d].end])
            for d in chosen]  # fmt: skip


def _side_by_side(group: list[_Candidate], chosen: list[str], total: dict[str, float]) -> list[str]:
    """Departments named next to the chosen ones inside one overlapping run (综改区政务中心比大同政务中心): a
    look-alike that spans both must not hide the other name."""
    taken = [c for c in group if c.department in chosen and total[c.department] - c.score < 0.2]
    taken = [max((c for c in taken if c.department == d), key=lambda c: c.score) for d in {c.department for c in taken}]
    extra: list[str] = []
    for c in sorted(group, key=lambda c: -c.score):
        if c.department in chosen or c.department in extra or c.score < 0.9:
            continue
        if all(c.end <= t.start or c.start >= t.end for t in taken):
            extra.append(c.department)
            taken.append(c)
    return extra


def _org_phrase_end(question: str, start: int) -> int:
    """End of the office word that follows a place (太原市|行政审批服务管理局), 0 when none does."""
    k = start
    while k < len(question) and k - start <= 16:
        if question[k] in _BOUNDARY or not "\u4e00" <= question[k] <= "\u9fff":
            return 0
        match = _ORG_RE.match(question, k)
        if match:
            return match.end()
        k += 1
    return 0


def _word_start(question: str, at: int) -> bool:
    """Nothing name-like before offset `at` (start, punctuation, 的, 那 …)."""
    return (
        at == 0
        or question[at - 1] in _BOUNDARY
        or question[at - 1] in "那这请问看查"
        or not ("\u4e00" <= question[at - 1] <= "\u9fff")
    )


def _word_end(question: str, at: int) -> bool:
    return at >= len(question) or question[at] in _BOUNDARY or not "\u4e00" <= question[at] <= "\u9fff"


def _left_extent(question: str, start: int, end: int) -> str:
    """The office phrase ending at `end`, reaching left over name characters (财政局 in 请问财政局的预算)."""
    k = start
    while (
        k > 0
        and end - k < 12
        and question[k - 1] not in _BOUNDARY
        and "\u4e00" <= question[k - 1] <= "\u9fff"
    ):
        k -= 1
    return question[k:end]


def _is_subsequence(short: str, long: str) -> bool:
    it = iter(long)
    return len(short) >= 2 and all(ch in it for ch in short)
