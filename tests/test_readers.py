"""Readers: bytes → numbered, cleaned lines; what cannot be read is an InputError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import seed, shared

from rag.errors import InputError
from rag.ingest.readers import read_source
from rag.ingest.readers.html import html_to_text
from rag.ingest.readers.text import clean_line, lines_from_text


def test_utf8_seed_keeps_line_numbers():
    source = read_source(seed("000"))
    raw = seed("000").read_text(encoding="utf-8").split("\n")
    assert len(source.lines) == len(raw), "one Line per line of the file"
    assert (source.lines[59].no, source.lines[59].text) == (60, "2024年预算收支总表")
    assert source.encoding == "utf-8"


def test_gb18030_copy_reads_the_same_text(tmp_path: Path):
    original = read_source(seed("002"))
    copy = tmp_path / "002_gbk.txt"
    copy.write_bytes(seed("002").read_text(encoding="utf-8").encode("gb18030"))
    read = read_source(copy)
    assert read.encoding == "gb18030"
    assert [(line.no, line.text) for line in read.lines] == [(line.no, line.text) for line in original.lines]
    assert read.sha256 != original.sha256, "the hash is of the bytes, which differ"


def test_utf8_bom_is_dropped(tmp_path: Path):
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "2024年度部门预算\n第一部分".encode())
    source = read_source(path)
    assert (source.encoding, source.lines[0].text) == ("utf-8-sig", "2024年度部门预算")


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "the file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
         "looks like a binary file, not text (give a .txt, .html or .pdf budget document)"),
    ],
)  # fmt: skip
def test_unreadable_files_are_input_errors(tmp_path: Path, name: str, content: bytes, problem: str):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError) as caught:
        read_source(path)
    assert str(caught.value) == f"{path}: {problem}"


def test_missing_path_and_folder(tmp_path: Path):
    with pytest.raises(InputError) as caught:
        read_source(tmp_path / "nope.txt")
    assert str(caught.value) == f"{tmp_path / 'nope.txt'}: no such file"
    with pytest.raises(InputError) as caught:
        read_source(tmp_path)
    assert str(caught.value) == f"{tmp_path}: is a folder, not a file"


def test_oversized_file_is_refused_before_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(30 * 1024 * 1024)  # 30 MB, sparse: nothing is written or read
    opened: list[Path] = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: opened.append(self) or real(self))
    with pytest.raises(InputError) as caught:
        read_source(path, max_bytes=20 * 1024 * 1024)
    assert str(caught.value) == (
        f"{path}: the file is 30.0 MB, over the 20 MB limit (not read) (raise BUDGETQA_MAX_FILE_MB to allow it)"
    )
    assert opened == [], "the size comes from the file system"


def test_clean_line():
    assert clean_line("<b>第一部分 概况</b>\t<b>1</b>") == "第一部分 概况\t1"
    assert clean_line("### 一、本部门职责") == "一、本部门职责"
    assert clean_line("仅供内部审核") == "", "a watermark line becomes blank (numbering is kept)"
    assert clean_line("- 12 -") == "", "a page number"
    assert clean_line("二、财政专户管理资\t\t\t ") == "二、财政专户管理资\t\t\t", "trailing empty cells stay: it is a row"
    assert clean_line("\u200d\u200d") == "", "zero-width characters"


def test_lines_from_text_numbers_every_line():
    lines = lines_from_text("a\n\n仅供内部审核\nb", page=3)
    assert [(line.no, line.text, line.page) for line in lines] == [(1, "a", 3), (2, "", 3), (3, "", 3), (4, "b", 3)]


def test_html_drops_template_code_and_breadcrumb():
    page = (
        '<%@ page language="java" contentType="text/html; charset=UTF-8"%>\n<html><head><title>x</title>'
        "<style>p{}</style></head><body><div>当前位置：<a>首页</a> &gt; 某局2018年部门预算</div>"
        "<h2>某局2018年部门预算情况说明</h2><p>一、基本情况</p>"
        "<table><tr><td>项目</td><td>金额</td></tr><tr><td>合计</td><td>1.00</td></tr></table></body></html>"
    )
    assert html_to_text(page).split("\n") == ["某局2018年部门预算情况说明", "一、基本情况", "项目\t金额", "合计\t1.00"]


def test_html_file_is_read_by_the_html_reader():
    source = read_source(shared("data/html/chongqing_jiaowei_2018_yusuan_shuoming.html"))
    assert source.source_kind == "html"
    assert [line.text for line in source.lines[:3]] == ["重庆市交通委员会", "重庆市交通委员会2018年部门预算情况说明",
                                                        "更新时间：2018-03-06"]  # fmt: skip
