"""The package's shape: the import contracts hold, modules stay small, rag/ itself holds only the base modules."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAG = ROOT / "rag"


def test_import_contracts_hold():
    """Layers (text at the bottom, cli/view on top), ingest and the read path apart, no import cycles."""
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    if not Path(lint).exists():
        pytest.skip("lint-imports not installed (pip install -e '.[test]')")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_no_module_over_500_lines():
    sizes = {p.relative_to(ROOT).as_posix(): len(p.read_text(encoding="utf-8").splitlines()) for p in RAG.rglob("*.py")}
    assert {path: n for path, n in sizes.items() if n > 500} == {}


def test_rag_itself_holds_at_most_eight_modules():
    direct = sorted(p.name for p in RAG.glob("*.py"))
    assert len(direct) <= 8, direct


def test_every_subpackage_says_what_it_owns():
    for init in RAG.rglob("__init__.py"):
        text = init.read_text(encoding="utf-8").strip()
        assert text.startswith('"""') and len(text) > 40, f"{init.relative_to(ROOT)} needs a docstring"
