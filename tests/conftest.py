"""Fixtures shared by the test modules. Plain helpers (workbook builders, `run`, `flat` …) live in builders.py,
importable as `builders` because pyproject sets pytest's pythonpath to tests/."""

from __future__ import annotations

from pathlib import Path

import pytest
from builders import standard_workbook


@pytest.fixture
def standard_book(tmp_path: Path) -> Path:
    """The standard quarter (builders.standard_sheets), alone in its folder so tests can list what was written:
    物业 and 云栖府 rewarded, 望江台 penalised, 营销/研发/工程 neither, 客服 and 观澜苑 not assessed."""
    folder = tmp_path / "季度检查"
    folder.mkdir()
    return standard_workbook(folder / "2026Q1_客户触点检查表.xlsx")
