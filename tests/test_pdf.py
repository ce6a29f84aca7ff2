"""PDF ingestion: generated PDFs for the layout cases, the real published PDFs for exact figures."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from conftest import SHARED, shared

from rag.errors import InputError, NeedsOCRError
from rag.ingest.readers import read_source

PDFS = SHARED / "data" / "pdfs"
FONT = "STSong-Light"
WIDTH, HEIGHT = 595, 842


# --- generated PDFs -------------------------------------------------------------------------------------------


def _canvas(target, **kwargs):
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return canvas.Canvas(str(target), pagesize=(WIDTH, HEIGHT), **kwargs)


def _width(text: str, size: float = 10) -> float:
    from reportlab.pdfbase import pdfmetrics

    return pdfmetrics.stringWidth(text, FONT, size)


def _text(c, x: float, top: float, text: str, size: float = 10, font: str = FONT) -> None:
    """Text whose glyph box starts `top` points below the top edge of the page."""
    c.setFont(font, size)
    c.drawString(x, HEIGHT - top - size * 0.88, text)


def _cell(c, x0: float, top: float, x1: float, bottom: float, text: str = "", lines: tuple[str, ...] = (),
          right: bool = False) -> None:  # fmt: skip
    """A framed cell with its text vertically centred (one line, or several lines inside the one cell)."""
    c.rect(x0, HEIGHT - bottom, x1 - x0, bottom - top, stroke=1, fill=0)
    rows = lines or ((text,) if text else ())
    start = (top + bottom) / 2 - len(rows) * 6
    for i, line in enumerate(rows):
        x = x1 - 2 - _width(line) if right else x0 + 2
        _text(c, x, start + i * 12 + 1, line)


def _table_rows(c, columns: list[float], top: float, rows: list[list[str]], height: float = 18) -> float:
    """Plain grid rows (numbers right-aligned); returns the bottom."""
    for row in rows:
        for i, value in enumerate(row):
            numeric = value.replace(",", "").replace(".", "").isdigit() and len(value) > 3
            _cell(c, columns[i], top, columns[i + 1], top + height, value, right=numeric)
        top += height
    return top


HEADER = ["科目编码", "科目名称", "金额"]
ROWS = [[f"302{n:02d}", f"测试支出项目{n:02d}", f"{n * 11 + 0.25:,.2f}"] for n in range(1, 61)]


def make_spanning_table(path: Path, repeat_header: bool) -> Path:
    """A 60-row table over two pages; the row cut by the page break ends with an unframed '出' on page 2."""
    c = _canvas(path)
    _text(c, 60, 40, "测试市测试局2024年部门预算", size=16)
    _text(c, 60, 70, "公开06表")
    _text(c, 60, 86, "财政拨款基本支出预算表（经济科目）", size=12)
    _text(c, 60, 104, "部门：测试市测试局")
    _text(c, 420, 104, "单位：万元")
    columns = [60, 160, 160 + _width("其他商品和服务支") + 4, 500]
    bottom = _table_rows(c, columns, 120, [HEADER, *ROWS[:35]])
    _table_rows(c, columns, bottom, [["30299", "其他商品和服务支", "1,234.50"]])
    c.showPage()
    _text(c, columns[1] + 2, 42, "出")  # the rest of the cut row, above page 2's frame
    _table_rows(c, columns, 56, ([HEADER] if repeat_header else []) + ROWS[35:])
    c.showPage()
    c.save()
    return path


def make_wrapped_table(path: Path) -> Path:
    """Cells wrapped as spreadsheets print them: a label split over two framed cells beside one tall amount cell,
    a label wrapped inside one cell, and a label-only row right under a label that fills its cell."""
    c = _canvas(path)
    _text(c, 60, 40, "测试市测试局2024年部门预算", size=16)
    _text(c, 60, 80, "收入预算总表", size=12)
    _text(c, 60, 98, "部门：测试市测试局")
    _text(c, 400, 98, "单位：万元")
    x0, x1 = 60, 60 + max(_width("2.政府性基金预"), _width("公共财政拨款资金")) + 4
    x2 = x1 + 100
    _cell(c, x0, 120, x1, 138, "项目名称")
    _cell(c, x1, 120, x2, 138, "金额")
    _cell(c, x0, 138, x1, 156, "公共财政拨款资金")
    _cell(c, x1, 138, x2, 156, "9.50", right=True)
    _cell(c, x0, 156, x1, 174, "专项收入")
    _cell(c, x1, 156, x2, 174)
    _cell(c, x0, 174, x1, 190, "2.政府性基金预")  # wrapped over two framed cells
    _cell(c, x0, 190, x1, 206, "算")
    _cell(c, x1, 174, x2, 206, "3.00", right=True)  # one tall amount cell
    _cell(c, x0, 206, x1, 236, lines=("机关事业单位基", "本养老保险缴费"))
    _cell(c, x1, 206, x2, 236, "1.25", right=True)
    _cell(c, x0, 236, x1, 254, "收入总计")
    _cell(c, x1, 236, x2, 254, "13.75", right=True)
    c.showPage()
    c.save()
    return path


def make_lowered_digits(path: Path) -> Path:
    """Digits in a Latin font set 4.8 pt lower than the CJK text around them (as in Shanghai's 决算)."""
    c = _canvas(path)
    _text(c, 60, 40, "测试市测试局2024年度部门决算", size=16)
    x = 60
    for part, lowered in (("本年收入合计", False), ("2946.25", True), ("万元，其中：财政拨款收入", False),
                          ("2940.05", True), ("万元。", False)):  # fmt: skip
        font = "Times-Roman" if lowered else FONT
        _text(c, x, 100 + (4.8 if lowered else 0), part, size=12, font=font)
        c.setFont(font, 12)
        x += c.stringWidth(part, font, 12)
    _text(c, 60, 120, "下一行文字。", size=12)
    c.showPage()
    c.save()
    return path


def make_scan(path: Path) -> Path:
    """A 'scanned' page: one image, no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(image).rectangle((40, 40, 360, 260), outline="black", width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    c = _canvas(path)
    c.drawImage(ImageReader(io.BytesIO(buffer.getvalue())), 60, 300, width=400, height=300)
    c.showPage()
    c.save()
    return path


def make_encrypted(path: Path, user_password: str) -> Path:
    """Encrypted with RC4/AES by reportlab. Latin text: pdfminer does not decrypt the CIDSystemInfo strings of
    reportlab's unembedded CJK font, so CJK text would come out as (cid:N) whatever the reader does."""
    from reportlab.lib.pdfencrypt import StandardEncryption

    c = _canvas(path, encrypt=StandardEncryption(user_password, ownerPassword="owner-secret"))
    _text(c, 60, 40, "Department budget 2024", size=16, font="Helvetica")
    _text(c, 60, 80, "Part one: overview", font="Helvetica")
    c.showPage()
    c.save()
    return path


def _rows(source) -> list[str]:
    return [line.text for line in source.lines if "\t" in line.text]


# --- reader: layout cases -------------------------------------------------------------------------------------


@pytest.mark.parametrize("repeat_header", [True, False])
def test_table_over_two_pages_comes_out_whole(tmp_path, repeat_header):
    source = read_source(make_spanning_table(tmp_path / "span.pdf", repeat_header))
    rows = _rows(source)
    assert rows[0] == "科目编码\t科目名称\t金额"
    assert rows.count("科目编码\t科目名称\t金额") == 1, "the header repeated on page 2 is dropped"
    assert rows[1:36] == ["\t".join(row) for row in ROWS[:35]]
    assert rows[36] == "30299\t其他商品和服务支出\t1,234.50", "the row cut by the page break is joined"
    assert rows[37:] == ["\t".join(row) for row in ROWS[35:]]
    pages = {line.text.split("\t")[0]: line.page for line in source.lines if "\t" in line.text}
    assert (pages["30201"], pages["30299"], pages["30236"], pages["30260"]) == (1, 1, 2, 2)
    assert [line.no for line in source.lines] == list(range(1, len(source.lines) + 1))
    assert all(line.page in (1, 2) for line in source.lines)


def test_page_spanning_table_parses_as_one_table(tmp_path):
    from rag.ingest.parse.document import parse_document

    document = parse_document(read_source(make_spanning_table(tmp_path / "span.pdf", repeat_header=True)))
    tables = [t for t in document.tables if "基本支出" in t.title]
    assert len(tables) == 1
    labels = [row.label for row in tables[0].rows]
    assert "其他商品和服务支出" in labels and "测试支出项目60" in labels
    assert len([row for row in tables[0].rows if row.code]) == 61
    last = next(row for row in tables[0].rows if row.code == "30260")
    assert (last.values[-1][1], last.page) == (Decimal("660.25"), 2)


def test_wrapped_cells_are_joined_and_label_rows_kept(tmp_path):
    source = read_source(make_wrapped_table(tmp_path / "wrapped.pdf"))
    assert _rows(source) == [
        "项目名称\t金额",
        "公共财政拨款资金\t9.50",
        "专项收入\t",
        "2.政府性基金预算\t3.00",
        "机关事业单位基本养老保险缴费\t1.25",
        "收入总计\t13.75",
    ]
    texts = [line.text for line in source.lines]
    assert texts.index("收入预算总表") < texts.index("部门：测试市测试局 单位：万元") < texts.index("项目名称\t金额")


def test_digits_set_lower_stay_in_their_line(tmp_path):
    source = read_source(make_lowered_digits(tmp_path / "lowered.pdf"))
    texts = [line.text for line in source.lines if line.text]
    assert "本年收入合计2946.25万元，其中：财政拨款收入2940.05万元。" in texts
    assert texts[-1] == "下一行文字。"


def test_running_header_and_page_marks_are_blanked(tmp_path):
    c = _canvas(tmp_path / "running.pdf")
    for page in range(1, 4):
        _text(c, 60, 30, "测试市测试局2024年部门预算")
        _text(c, 60, 100, f"第{page}页的正文。")
        _text(c, 280, 800, f"─ {page} ─")
        c.showPage()
    c.save()
    source = read_source(tmp_path / "running.pdf")
    texts = [(line.page, line.text) for line in source.lines if line.text]
    assert texts == [(1, "测试市测试局2024年部门预算"), (1, "第1页的正文。"), (2, "第2页的正文。"), (3, "第3页的正文。")]
    assert [line.no for line in source.lines] == list(range(1, len(source.lines) + 1))


def test_scan_needs_ocr(tmp_path):
    path = make_scan(tmp_path / "scan.pdf")
    with pytest.raises(NeedsOCRError) as error:
        read_source(path)
    assert "scan.pdf" in str(error.value) and "needs OCR" in str(error.value)


def test_corrupt_pdf_is_an_input_error(tmp_path):
    garbage = tmp_path / "broken.pdf"
    garbage.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >>\nthis is not a pdf\n%%EOF")
    with pytest.raises(InputError) as error:
        read_source(garbage)
    assert "broken.pdf" in str(error.value) and not isinstance(error.value, NeedsOCRError)
    good = make_wrapped_table(tmp_path / "good.pdf").read_bytes()
    truncated = tmp_path / "truncated.pdf"
    truncated.write_bytes(good[: len(good) // 3])
    with pytest.raises(InputError) as error:
        read_source(truncated)
    assert "truncated.pdf" in str(error.value)


def test_encrypted_pdf(tmp_path):
    locked = make_encrypted(tmp_path / "locked.pdf", user_password="secret")
    with pytest.raises(InputError) as error:
        read_source(locked)
    assert "locked.pdf" in str(error.value) and "encrypted" in str(error.value)
    # an owner password alone (printing restrictions) still opens with an empty user password
    source = read_source(make_encrypted(tmp_path / "restricted.pdf", user_password=""))
    assert "Part one: overview" in [line.text for line in source.lines]


def test_a_page_the_layout_fails_on_keeps_its_text(tmp_path, monkeypatch):
    import rag.ingest.readers.pdf as reader

    path = make_spanning_table(tmp_path / "span.pdf", repeat_header=False)
    lay_out = reader.page_elements

    def failing(page_no, page):
        if page_no == 2:
            raise RuntimeError("layout bug")
        return lay_out(page_no, page)

    monkeypatch.setattr(reader, "page_elements", failing)
    source = read_source(path)
    assert "30235\t测试支出项目35\t385.25" in [line.text for line in source.lines if line.page == 1]
    assert "30260 测试支出项目60 660.25" in [line.text for line in source.lines if line.page == 2]


def test_indexer_reports_bad_pdfs_and_keeps_the_good(tmp_path, home):
    from rag.ingest.build import Indexer
    from rag.settings import Settings

    folder = tmp_path / "in"
    folder.mkdir()
    make_scan(folder / "a_scan.pdf")
    (folder / "b_broken.pdf").write_bytes(b"%PDF-1.7\n%%EOF")
    make_encrypted(folder / "c_locked.pdf", user_password="secret")
    make_spanning_table(folder / "d_good.pdf", repeat_header=False)
    indexer = Indexer(Settings(home=home))
    reports = {Path(r.path).name: r for r in indexer.ingest([folder])}
    assert reports["d_good.pdf"].status == "added"
    assert {reports[n].status for n in ("a_scan.pdf", "b_broken.pdf", "c_locked.pdf")} == {"error"}
    assert "needs OCR" in reports["a_scan.pdf"].message
    assert "encrypted" in reports["c_locked.pdf"].message
    facts = indexer.store.facts(doc="d_good.pdf")
    assert facts and all(f["page"] in (1, 2) for f in facts)


# --- narrative + tables as two files --------------------------------------------------------------------------


def make_narrative(path: Path, year: int = 2024) -> Path:
    c = _canvas(path)
    _text(c, 60, 40, f"测试市测试局{year}年度部门预算", size=16)
    _text(c, 60, 80, "第一部分 部门概况")
    _text(c, 60, 100, "一、主要职能")
    for i in range(8):
        _text(c, 60, 120 + 16 * i, f"测试市测试局负责本市测试工作的统筹协调和监督管理，第{i + 1}项职责是完善测试制度。")
    _text(c, 60, 260, "第二部分 部门预算表（见附件）")
    c.showPage()
    _text(c, 60, 40, "第三部分 情况说明")
    _text(c, 60, 60, "一、收支预算总体情况")
    _text(c, 60, 80, f"测试市测试局{year}年度收入总计13.75万元，支出总计13.75万元。")
    _text(c, 60, 100, "二、“三公”经费预算情况说明")
    _text(c, 60, 120, "“三公”经费预算数为2.50万元，其中公务接待费1.00万元。")
    c.showPage()
    c.save()
    return path


def make_tables(path: Path, year: int | None = None) -> Path:
    c = _canvas(path)
    _text(c, 60, 40, "公开01表")
    _text(c, 60, 56, "收支预算总表", size=12)
    _text(c, 60, 74, "部门：测试市测试局")
    _text(c, 420, 74, "单位：万元")
    columns = [60, 200, 280, 420, 500]
    _table_rows(c, columns, 90, [["项目", "预算数", "项目", "预算数"], ["一、财政拨款", "13.75", "一、一般公共服务支出", "13.75"],
                                 ["收入总计", "13.75", "支出总计", "13.75"]])  # fmt: skip
    _text(c, 60, 200, "公开09表")
    _text(c, 60, 216, f"{year}年“三公”经费支出预算表" if year else "“三公”经费支出预算表", size=12)
    _text(c, 60, 234, "部门：测试市测试局")
    _text(c, 420, 234, "单位：万元")
    _table_rows(c, [60, 300, 420], 250, [["项目", "预算数"], ["合计", "2.50"], ["因公出国（境）费", "0.50"],
                                          ["公务接待费", "1.00"], ["公务用车购置及运行费", "1.00"]])  # fmt: skip
    c.showPage()
    c.save()
    return path


def test_narrative_and_tables_pdfs_are_one_document(tmp_path, home):
    from rag.ingest.build import Indexer, source_file_of
    from rag.settings import Settings

    folder = tmp_path / "pair"
    folder.mkdir()
    make_narrative(folder / "ceshi_2024_yusuan_wenjian.pdf")
    make_tables(folder / "ceshi_2024_yusuan_biao.pdf", year=2024)
    indexer = Indexer(Settings(home=home))
    reports = indexer.ingest([folder])
    assert [r.status for r in reports] == ["added", "added"] and {r.doc for r in reports} == {"ceshi_2024_yusuan"}
    (document,) = indexer.store.documents()
    assert (document["doc"], document["department"], document["year"], document["kind"]) == (
        "ceshi_2024_yusuan", "测试市测试局", 2024, "预算")  # fmt: skip
    total = next(f for f in indexer.store.facts(name="收入总计") if f["origin"] == "table")
    assert (total["value"], total["unit"], total["page"]) == (Decimal("13.75"), "万元", 1)
    assert source_file_of(indexer.store, "ceshi_2024_yusuan", total["line"]) == ("ceshi_2024_yusuan_biao.pdf", 1)
    text_total = next(f for f in indexer.store.facts(name="收入总计") if f["origin"] == "text")
    assert text_total["page"] == 2
    assert source_file_of(indexer.store, "ceshi_2024_yusuan", text_total["line"])[0] == "ceshi_2024_yusuan_wenjian.pdf"
    reception = next(f for f in indexer.store.facts(name="公务接待费") if f["origin"] == "table")
    assert reception["value"] == Decimal("1.00")
    # the narrative's lines keep their own numbers; the tables follow a marker line naming their file
    narrative_alone = read_source(folder / "ceshi_2024_yusuan_wenjian.pdf")
    n = len(narrative_alone.lines)
    stored = indexer.store.lines("ceshi_2024_yusuan", 1, n + 3)
    assert [r["text"] for r in stored[:n]] == [line.text for line in narrative_alone.lines]
    assert "ceshi_2024_yusuan_biao.pdf" in stored[n + 1]["text"] and stored[n + 2]["text"] == "公开01表"
    # again: nothing to do; one half alone (its partner beside it) is the same pair
    assert [r.status for r in indexer.ingest([folder])] == ["unchanged", "unchanged"]
    assert indexer.ingest([folder / "ceshi_2024_yusuan_biao.pdf"])[0].status == "unchanged"


def test_tables_arriving_after_the_narrative_merge_into_it(tmp_path, home):
    from rag.ingest.build import Indexer
    from rag.settings import Settings

    first, second = tmp_path / "one", tmp_path / "two"
    first.mkdir()
    second.mkdir()
    make_narrative(first / "ceshi_2024_yusuan_wenjian.pdf")
    make_tables(second / "ceshi_2024_yusuan_biao.pdf", year=2024)
    indexer = Indexer(Settings(home=home))
    assert indexer.ingest([first])[0].doc == "ceshi_2024_yusuan_wenjian.pdf"
    report = indexer.ingest([second / "ceshi_2024_yusuan_biao.pdf"])[0]
    assert report.doc == "ceshi_2024_yusuan" and "merged" in report.message
    assert [d["doc"] for d in indexer.store.documents()] == ["ceshi_2024_yusuan"]
    assert any(f["origin"] == "table" for f in indexer.store.facts(name="收入总计"))


def test_tables_only_and_narrative_only_documents_merge_whatever_their_names(tmp_path, home):
    from rag.ingest.build import Indexer, source_file_of
    from rag.settings import Settings

    make_narrative(tmp_path / "ceshi2024_shuoming.pdf")
    make_tables(tmp_path / "ceshi2024_biaoge.pdf", year=2024)
    indexer = Indexer(Settings(home=home))
    reports = indexer.ingest([tmp_path])
    assert "merged with ceshi2024_biaoge.pdf into ceshi2024" in reports[1].message
    assert [d["doc"] for d in indexer.store.documents()] == ["ceshi2024"]
    total = next(f for f in indexer.store.facts(name="收入总计") if f["origin"] == "table")
    assert source_file_of(indexer.store, "ceshi2024", total["line"]) == ("ceshi2024_biaoge.pdf", 1)


def test_halves_of_different_years_are_not_merged(tmp_path, home):
    from rag.ingest.build import Indexer
    from rag.settings import Settings

    make_narrative(tmp_path / "ceshi_yusuan_wenjian.pdf", year=2024)
    make_tables(tmp_path / "ceshi_yusuan_biao.pdf", year=2023)
    indexer = Indexer(Settings(home=home))
    reports = indexer.ingest([tmp_path])
    assert all("not merged: the narrative is for 2024, the tables for [2023]" in r.message for r in reports)
    assert sorted((d["doc"], d["year"]) for d in indexer.store.documents()) == [
        ("ceshi_yusuan_biao.pdf", 2023), ("ceshi_yusuan_wenjian.pdf", 2024)]  # fmt: skip


# --- the published PDFs ---------------------------------------------------------------------------------------

_CACHE: dict[str, tuple] = {}


def published(*names: str):
    """(Document, facts) of one published PDF, or of a narrative + tables pair, parsed once per session."""
    from rag.ingest.extract import extract_facts
    from rag.ingest.pairs import merge_sources, part_of
    from rag.ingest.parse.document import parse_document

    key = "+".join(names)
    if key not in _CACHE:
        for name in names:
            shared(f"data/pdfs/{name}")
        sources = [read_source(PDFS / name) for name in names]
        source = sources[0] if len(sources) == 1 else merge_sources(*sources, part_of(PDFS / names[0])[0])[0]
        document = parse_document(source)
        _CACHE[key] = (document, extract_facts(document))
    return _CACHE[key]


def _pair(base: str) -> tuple[str, str]:
    return f"{base}_wenjian.pdf", f"{base}_biao.pdf"


PUBLISHED = [
    # (files, department, year, kind, {key figure: (value, unit, page)})
    (("jiangsu_jianchayuan_2019_yusuan.pdf",), "江苏省人民检察院", 2019, "预算",
     {"收入总计": ("24169.74", "万元", 14), "三公经费": ("418.26", "万元", 20), "因公出国（境）费": ("80", "万元", 20),
      "公务接待费": ("101.26", "万元", 20), "公务用车购置及运行费": ("237", "万元", 20)}),
    (("jiangsu_gaoyuan_2017_yusuan.pdf",), "江苏省高级人民法院", 2017, "预算",
     {"收入总计": ("28849.38", "万元", 12), "三公经费": ("670.12", "万元", 17), "因公出国（境）费": ("180.00", "万元", 17),
      "公务接待费": ("185.72", "万元", 17), "公务用车购置及运行费": ("304.40", "万元", 17)}),
    (_pair("jiangsu_zhengxie_2019_yusuan"), "江苏省政协办公厅", 2019, "预算",
     {"收入总计": ("13377.11", "万元", 1), "三公经费": ("660.10", "万元", 9), "因公出国（境）费": ("106.00", "万元", 9),
      "公务接待费": ("397.50", "万元", 9), "公务用车购置及运行费": ("156.60", "万元", 9)}),
    (("shanghai_putuo_shangwu_dept_2025_yusuan.pdf",), "上海市普陀区商务委员会", 2025, "预算",
     {"收入总计": ("371514655.00", "元", 9), "三公经费": ("1.00", "万元", 21), "公务接待费": ("1.00", "万元", 21),
      "因公出国（境）费": ("0", "万元", 21), "公务用车购置及运行费": ("0", "万元", 21)}),
    (("shanghai_putuo_wanli_2024_yusuan.pdf",), "上海市普陀区人民政府万里街道办事处", 2024, "预算",
     {"收入总计": ("156211123", "元", 10), "三公经费": ("47.91", "万元", 31), "公务接待费": ("1.35", "万元", 31),
      "公务用车购置及运行费": ("46.56", "万元", 31)}),
    (("shanghai_putuo_caizheng_2024_juesuan.pdf",), "上海市普陀区财政局", 2024, "决算",
     {"收入总计": ("2995.39", "万元", 7), "三公经费": ("0", "万元", 18)}),
    (("shanghai_putuo_guihuaziyuan_2024_juesuan.pdf",), "上海市普陀区规划和自然资源局", 2024, "决算",
     {"收入总计": ("9859.38", "万元", 7), "三公经费": ("0.39", "万元", 17), "公务接待费": ("0.39", "万元", 17),
      "因公出国（境）费": ("0.00", "万元", 17)}),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(("files", "department", "year", "kind", "figures"), PUBLISHED,
                         ids=[p[0][0].removesuffix(".pdf") for p in PUBLISHED])  # fmt: skip
def test_published_pdf_figures(files, department, year, kind, figures):
    document, facts = published(*files)
    assert (document.department, document.year, document.kind) == (department, year, kind)
    assert document.source_kind == "pdf"
    for name, (value, unit, page) in figures.items():
        named = [f for f in facts if f.name == name and f.origin == "table"]
        assert named, f"{files[0]}: no {name}"
        assert (named[0].value, named[0].unit, named[0].page) == (Decimal(value), unit, page), f"{files[0]} {name}"
        assert named[0].quote and value.rstrip("0").rstrip(".") in named[0].quote.replace(",", "")


@pytest.mark.slow
def test_published_final_accounts_keep_budget_and_actual_side_by_side():
    _, facts = published("shanghai_putuo_guihuaziyuan_2024_juesuan.pdf")
    sangong = next(f for f in facts if f.name == "三公经费" and f.origin == "table")
    same_row = {(f.column, f.value) for f in facts if f.line == sangong.line and not f.name}
    assert {("预算数", Decimal("2.85")), ("决算数", Decimal("0.39"))} <= same_row


@pytest.mark.slow
def test_published_wrapped_and_page_spanning_tables_are_whole():
    jianchayuan, _ = published("jiangsu_jianchayuan_2019_yusuan.pdf")
    summary = next(t for t in jianchayuan.tables if t.title.endswith("收支预算总表"))
    cells = [cell for row in summary.rows for cell in row.cells]
    assert "2.政府性基金预算" in cells and "三、单位预留机动经费" in cells and "二、财政专户管理资金" in cells
    gaoyuan, _ = published("jiangsu_gaoyuan_2017_yusuan.pdf")
    procurement = next(t for t in gaoyuan.tables if "政府采购" in t.title)
    cut = next(row for row in procurement.rows if "信息网络及软件购置更新" in row.cells)
    assert cut.page == 17 and procurement.rows[-1].page == 18, "one table over pages 17 and 18"
    spending = next(t for t in gaoyuan.tables if t.title.endswith("财政拨款基本支出预算表"))
    codes = [row.code for row in spending.rows if row.code]
    assert codes[-2:] == ["30311", "30312"] and "30206" in codes, "rows of page 14 and 15 in one table"
    shangwu, _ = published("shanghai_putuo_shangwu_dept_2025_yusuan.pdf")
    income = next(t for t in shangwu.tables if "收入预算总表" in t.title)
    assert {row.page for row in income.rows} == {10, 11} and income.rows[-1].label == "合计"


def _summary(names: tuple[str, ...]) -> tuple[str, int, str, Decimal | None, int | None]:
    document, facts = published(*names)
    total = next((f for f in facts if f.name == "收入总计" and f.origin == "table"), None)
    return document.department, document.year, document.kind, total and total.value, total and total.page


@pytest.mark.slow
def test_every_published_pdf_yields_its_department_year_and_total():
    """All the PDFs: alone, or merged with their other half (two worker processes)."""
    from concurrent.futures import ProcessPoolExecutor

    from rag.ingest.pairs import pair_parts

    if not any(shared("data/pdfs").glob("*.pdf")):
        pytest.skip(f"needs the published PDFs of ../shared/data/pdfs (no *.pdf in {PDFS})")
    units = [tuple(p.name for p in unit) for unit in pair_parts(sorted(PDFS.glob("*.pdf")))]
    with ProcessPoolExecutor(max_workers=2) as pool:
        summaries = dict(zip(units, pool.map(_summary, units), strict=True))
    assert len(units) == 24
    missing = {unit[0]: s for unit, s in summaries.items() if not (s[0] and s[1] and s[2] and s[3] and s[4])}
    assert not missing
    assert {s[2] for s in summaries.values()} == {"预算", "决算"}
