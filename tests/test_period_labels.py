"""One home for how a period is spelt (issue 18): kpicli.core.period. Period.label, and label_of / quarter_label
for loose parts read from a file or a record, which may be odd and must never crash a message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kpicli.core.period import Period, file_label_of, label_of, quarter_label

PACKAGE = Path(__file__).resolve().parents[1] / "kpicli"
# a period spelt by hand in an f-string: {year}年第{quarter}季度, 第{q}季度, {year}年度, {year}Q{quarter}
BY_HAND = re.compile(r"\}年第\{|第\{[^}\n]+\}季度|\}年度|\}Q\{")


def test_no_module_spells_a_period_by_hand():
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for path in sorted(PACKAGE.rglob("*.py")) if path != PACKAGE / "core" / "period.py"
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if BY_HAND.search(line)]
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("period", [Period(2026, quarter=1), Period(2026, quarter=4), Period(2026, month=3),
                                    Period(2026, month=12), Period(2026)])
def test_the_loose_label_is_the_periods_label(period):
    assert label_of(period.year, period.quarter, period.month) == period.label == str(period)
    assert file_label_of(period.year, period.quarter, period.month) == period.file_label


def test_the_loose_label_never_raises_for_odd_parts():
    # what a damaged record or cell may hold: Period() refuses each of these, a message still has to name it
    for year, quarter in ((None, 2), (2026, 7), ("二〇二六", "三"), (1999, 0), (2026.0, True)):
        with pytest.raises(ValueError):
            Period(year, quarter=quarter)
        assert label_of(year, quarter) == f"{year}年第{quarter}季度"
    assert label_of("2026") == "2026年度" and file_label_of(None, "三") == "NoneQ三"
    assert file_label_of(2026, month="3") == "2026年3月"
    assert quarter_label("1、2") == "第1、2季度"
