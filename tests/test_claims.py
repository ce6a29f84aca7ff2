"""A number is verified only as what its sentence claims it is (claim-bound verification).

On real indexes: the seeds, and a copy of one seed with a planted prose line. A figure that occurs elsewhere in
the document (another cell, a sentence of the text) does not earn a ✓ for a claim it does not support, and the
answer then says what the table states; the optional LLM writer is held to the same rule.
"""

from __future__ import annotations

import pytest
from conftest import DATA

from rag.answer.answerer import Answerer, answer_to_json
from rag.answer.claims import claimed_figure, claims_in
from rag.answer.verify import evidence_from_citations, evidence_from_facts, verify_answer_text
from rag.settings import Settings

DATONG = next(DATA.glob("004_*.txt"))


def _doc(answerer: Answerer, department_part: str) -> str:
    return next(d["doc"] for d in answerer.catalog() if department_part in d["department"])


def _evidence(answerer: Answerer, doc: str, lines: list[int]):
    citations = [answerer.view.cite_lines(doc, "", no, no) for no in lines]
    return evidence_from_facts(answerer.view.facts(doc)) + evidence_from_citations(citations)


def test_claims_name_the_figure_the_number_is_stated_to_be():
    names = {"三公经费", "公务接待费", "基本支出", "收入总计"}
    found = {c.mention.text: claimed_figure(c, names) for c in claims_in(
        "三公经费中公务接待费1.50万元，基本支出为172.13万元，比上年减少3.50万元；由8万元减少为7万元，"
        "合计 1.00万元 + 2.00万元 = 3.00万元。")}  # fmt: skip
    assert found == {"1.50万元": "公务接待费", "172.13万元": "基本支出", "3.50万元": None, "8万元": None,
                     "7万元": None, "1.00万元": None, "2.00万元": None, "3.00万元": None}  # fmt: skip


def test_a_figure_found_elsewhere_in_the_document_is_refused_for_the_claim(answerer):
    doc = _doc(answerer, "大同")
    total = next(f for f in answerer.view.named(doc, "支出总计") if f["origin"] == "table")
    basic = next(f for f in answerer.view.named(doc, "基本支出") if f["origin"] == "table")
    evidence = _evidence(answerer, doc, [total["line"], basic["line"]])
    wrong = f"大同市政务服务中心基本支出为{total['value']}万元。"
    safe, checks = verify_answer_text(wrong, evidence)
    assert str(total["value"]) not in safe and "文件表格中基本支出为" in safe, safe
    assert all(c.verified for c in checks) and any(c.value == basic["value"] for c in checks)
    right, checks = verify_answer_text(f"大同市政务服务中心基本支出为{basic['value']}万元。", evidence)
    assert right.startswith("大同") and all(c.verified for c in checks)


def test_a_number_the_claim_does_not_name_is_not_verified_by_a_stray_cell(answerer):
    doc = _doc(answerer, "大同")
    evidence = evidence_from_facts(answerer.view.facts(doc))  # no citations: only facts, none stated by a composer
    cells = [f for f in answerer.view.facts(doc) if f["origin"] == "table" and f["row"] and f["value"] > 1]
    stray = next(f for f in cells if f["name"] is None and "工资" not in f["row"])
    safe, checks = verify_answer_text(f"该单位的工资福利支出是{stray['value']}万元。", evidence)
    assert not any(c.verified and c.value == stray["value"] for c in checks), (stray, safe)


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory) -> Answerer:
    """The 大同 seed with a planted line in its 说明: '“三公”经费为999万元。'."""
    from rag.ingest.build import Indexer

    folder = tmp_path_factory.mktemp("poisoned")
    lines = DATONG.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if "三公”经费增减变动原因说明" in line and "....." not in line)
    lines.insert(at + 1, "2025年大同市政务服务中心“三公”经费为999万元。")
    copy = folder / DATONG.name
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    settings = Settings(home=folder / "index")
    Indexer(settings).ingest([copy])
    return Answerer(settings)


def test_a_planted_prose_figure_is_never_quoted_as_verified(poisoned):
    doc = poisoned.catalog()[0]["doc"]
    planted = [f for f in poisoned.view.facts(doc) if f["value"] == 999]
    line = planted[0]["line"] if planted else next(
        i for i in range(1, 2000) if "999万元" in poisoned.view.line(doc, i))  # fmt: skip
    safe, _ = verify_answer_text("“三公”经费为999万元。", _evidence(poisoned, doc, [line]))
    assert "999" not in safe and "文件表格中三公经费为" in safe, safe
    for question in ("大同政务中心三公经费是多少", "大同政务中心三公经费为什么减少了", "大同政务中心三公经费预算多少钱"):
        answer = answer_to_json(poisoned.ask(question))
        assert "999" not in answer["figure"], answer
        # 999 may only appear as what the text says against the table, never as the figure itself
        assert "999" not in answer["answer"] or "不一致" in answer["answer"], answer


class _Writer:
    """An LLM writer that swaps one figure for another figure of the same document."""

    def __init__(self, text: str) -> None:
        self.text = text

    def phrase(self, question, draft) -> str:
        return self.text


def test_the_llm_writer_is_held_to_the_same_rule(seed_index):
    answerer = Answerer(seed_index.settings)
    doc = _doc(answerer, "大同")
    total = next(f for f in answerer.view.named(doc, "支出总计") if f["origin"] == "table")
    answerer.__dict__["writer"] = _Writer(f"大同市政务服务中心2025年基本支出为{total['value']}万元。")
    answer = answerer.ask("大同政务中心2025年基本支出是多少")
    assert answer.trace["writer"] == "builtin", answer.text
    assert str(total["value"]) not in answer.text and all(n.verified for n in answer.numbers)


def test_seed_answers_keep_every_number_verified(answerer):
    for question in ("省政务中心与吕梁审批局三公经费谁多，多多少", "大同市政务服务中心的基本支出在支出总计里占几成",
                     "山西省政务服务中心的三公经费为什么比上年少"):  # fmt: skip
        answer = answerer.ask(question)
        assert answer.numbers and all(n.verified for n in answer.numbers), (question, answer.text)
