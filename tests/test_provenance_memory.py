"""The record's shortcuts (issue 18): fingerprints computed from values in memory instead of reading the written
workbook back, and the result's rows rendered a column at a time. Each must give exactly what the slow way gives:
the fingerprints of a full read of the written file (io.fingerprints.sheet_fingerprints), and the XML and
fingerprint text of one value at a time (io.xlfast.cell_tail, io.xlfast.token_as_read)."""

from __future__ import annotations

import os
import random
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from builders import STANDARD_ROSTER, build_checklist, run, standard_sheets
from samples import CHECKLIST_SAMPLES, SCORECARD_SAMPLES

from kpicli.core.vocab import column_letter
from kpicli.io import fingerprints, provenance, xlfast
from kpicli.io.prints_as_read import prints_as_read, values_as_read
from kpicli.io.workbook import read_workbook

# Texts a reader or the XML treat apart, beside plain ones (the one-format way must step aside for each).
AWKWARD_TEXTS = ["完成", "营销篇!K5", " 前空格", "后空格 ", "\u3000全角空格", "两个  空格", "制表\t符", "两行\n文字", "回车\r符",
                 "含_x0041_转义", "_x00_", "A&B", "<标签>", "控制\x01符", "\x02", "", "1", "=SUM(A1)", "x" * 40,
                 "\uffff分隔", "\xa0不换行空格 "]
AWKWARD_VALUES = [*AWKWARD_TEXTS, None, float("nan"), 0, 1, -3, 2.5, 1e-30, Decimal("0.5"), Decimal("3"), np.int64(7),
                  np.float64(2.25), float("inf"), date(2026, 3, 31), True, False]


def _awkward_table(rows: int, seed: int) -> pd.DataFrame:
    pick = random.Random(seed)
    return pd.DataFrame({
        "mixed": [pick.choice(AWKWARD_VALUES) for _ in range(rows)],
        "texts": pd.array([pick.choice([*AWKWARD_TEXTS, None]) for _ in range(rows)], dtype="str"),
        "unique": [f"营销篇!K{r}" if r % 97 else f"第{r}行 " for r in range(rows)],
        "plain": pd.array([pick.choice(["完成", "部分完成", "未完成", None]) for _ in range(rows)], dtype="str"),
        "numbers": [pick.choice([Decimal("1"), Decimal("0.5"), "不计分", None, 2]) for _ in range(rows)],
    })


def _one_at_a_time(table: pd.DataFrame, first_row: int, styles: list, numeric: list[bool],
                   heights: list | None, blanks: bool) -> tuple[bytes, bytes | None]:
    """The rows' XML and fingerprint text built cell by cell from the definitions, each value as the table holds
    it (a missing one, None or NaN, as None), never through pandas.factorize (which takes TRUE for 1)."""
    columns = [[None if pd.isna(v) else v for v in table[c].to_numpy(dtype=object)] for c in table.columns]
    xml, prints = [], []
    for r in range(len(table)):
        row = first_row + r
        height = None if heights is None else heights[r]
        xml.append(f'<row r="{row}' + ('">' if height is None else f'" ht="{height:g}" customHeight="1">'))
        for i, values in enumerate(columns):
            value = values[r]
            style = styles[i] if isinstance(styles[i], int) else styles[i][r]
            tail = xlfast.cell_tail(value, style, numeric[i], blanks)
            if tail:
                xml.append(f'<c r="{column_letter(i)}{row}{tail}')
            token = xlfast.token_as_read(value, numeric[i])
            if token is False:
                prints = None
            elif token is not None and prints is not None:
                prints.append(f"{row - 1},{i},{token}\x00")
        xml.append("</row>")
    return "".join(xml).encode(), None if prints is None else "".join(prints).encode()


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rows_a_column_at_a_time_are_the_rows_one_value_at_a_time(seed):
    table = _awkward_table(150, seed)
    numeric = [True, False, False, True, True]
    pick = random.Random(seed)
    styles = [3, 4, [pick.choice([5, 6, 7]) for _ in range(len(table))], 8, [9, 10] * (len(table) // 2)]
    heights = [pick.choice([None, 31.5, 18]) for _ in range(len(table))]
    for blanks in (False, True):
        for rows_heights in (None, heights):
            xml, prints = _one_at_a_time(table, 5, styles, numeric, rows_heights, blanks)
            assert b"".join(xlfast.rows_xml(table, 5, styles, numeric, heights=rows_heights, blanks=blanks)) == xml
            assert xlfast.rows_prints(table, 5, numeric) == prints
    plain = table[["unique", "plain"]].iloc[1:]  # no text read back otherwise: the fingerprint is known
    xml, prints = _one_at_a_time(plain, 7, [1, 2], [False, False], None, False)
    assert prints is not None and xlfast.rows_prints(plain, 7, [False, False]) == prints
    assert b"".join(xlfast.rows_xml(plain, 7, [1, 2], [False, False])) == xml


def test_a_table_is_factorized_once_for_its_rows_and_its_fingerprint():
    table = _awkward_table(40, 4)
    columns = xlfast.factorized(table)
    numeric = [True, False, False, True, True]
    assert xlfast.rows_prints(table, 2, numeric, columns) == xlfast.rows_prints(table, 2, numeric)
    assert (xlfast.rows_xml(table, 2, [1] * 5, numeric, columns=columns) == xlfast.rows_xml(table, 2, [1] * 5, numeric))


def _awkward_workbook(path: Path) -> Path:
    """Sheets with every kind of value a reader gives, formulas with and without a value, error values, dates
    shown by a number format, a used range that starts away from A1, merged cells, a hidden sheet, an empty one and
    names that need escaping in the workbook part."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "值 & '引号'"
    values = ["完成", 1, 1.0, 2.5, True, False, 0, -0.0, 1e-30, date(2026, 3, 31), datetime(2026, 1, 2, 8, 30),
              time(9, 15), " 前后空格 ", "1", "两行\n文字", "含_x0041_转义", "#N/A", "#DIV/0!"]
    for i, value in enumerate(values):
        ws.cell(3 + i, 3 + i % 4, value)
    ws["H3"] = 45000.5
    ws["H3"].number_format = "yyyy-mm-dd hh:mm"  # a number a reader gives as a date
    ws["H4"] = "=C3&D4"  # openpyxl saves formulas without a calculated value
    ws["H5"] = "=1/0"
    ws.merge_cells("J3:K4")
    ws["J3"] = "合并"
    hidden = wb.create_sheet("隐藏")
    hidden.sheet_state = "hidden"
    hidden["B2"] = "看不见"
    wb.create_sheet("空")
    far = wb.create_sheet("远处")
    far["AA300"] = 7
    wb.save(path)
    return path


def test_fingerprints_of_values_as_read_are_those_of_a_read_back(tmp_path):
    path = _awkward_workbook(tmp_path / "杂.xlsx")
    raw = read_workbook(path)
    assert prints_as_read(path) == {}  # not within values_as_read: nothing known
    with values_as_read(raw):
        known = prints_as_read(path)
        assert known == fingerprints.sheet_fingerprints(path)  # every sheet, each as a full read gives it
        assert set(prints_as_read(path, leave_out={"空"})) == set(known) - {"空"}
        os.utime(path, ns=(1, 1))  # the file is no longer what was read
        assert prints_as_read(path) == {}
    assert len(set(known.values())) == len(known)


def _score_and_compare(book: Path, out: Path, *extra: object) -> dict[str, str]:
    """`kpicli score` with the shortcuts watched: the record's fingerprints must be those of a full read of the
    written result; returns the fingerprints taken from the values as read."""
    taken: dict[str, str] = {}
    import kpicli.render.book as writer

    real = writer.prints_as_read

    def spy(source, leave_out=()):
        known = real(source, leave_out)
        taken.update(known)
        return dict(known)

    stamped: list[dict[str, str]] = []
    real_stamp = provenance.stamp

    def stamp_spy(path, record=None, *, kind=None, known=None):
        stamped.append(dict(known or {}))
        return real_stamp(path, record, kind=kind, known=known)

    writer.prints_as_read, provenance.stamp = spy, stamp_spy
    try:
        result = run("score", book, "-o", out, *extra)
    finally:
        writer.prints_as_read, provenance.stamp = real, real_stamp
    assert result.exit_code == 0, result.output
    record = provenance.read(out)
    assert record.sheets == fingerprints.sheet_fingerprints(out)  # a full read of every sheet
    assert set(stamped[-1]) == set(record.sheets)  # every one known before the stamp: none read back
    return taken


@pytest.mark.slow  # scores a checklist
def test_a_result_records_its_copied_input_sheets_as_a_read_back_would(tmp_path):
    book = tmp_path / "2026Q1_客户触点检查表.xlsx"
    build_checklist(book, standard_sheets(), roster=STANDARD_ROSTER)
    _awkward_extra(book)
    taken = _score_and_compare(book, tmp_path / "结果.xlsx")
    assert {"附表", "营销篇", "基本信息"} <= set(taken)  # from the values as read, not read back
    assert not set(taken) & {"明细", "评分汇总"}  # the result sheets are never taken from the input


def _awkward_extra(book: Path) -> None:
    wb = openpyxl.load_workbook(book)
    extra = wb.create_sheet("附表")
    for i, value in enumerate(["说明", 3, 2.5, True, date(2026, 1, 5), " 空格 ", "#N/A", "=1+1", "回车\r符"]):
        extra.cell(2 + i, 2, value)
    extra["D2"] = 45000
    extra["D2"].number_format = "yyyy/m/d"
    wb.save(book)


@pytest.mark.slow  # scores one sample of each kind, and the earlier result again in place
@pytest.mark.parametrize("sample", [CHECKLIST_SAMPLES[0], CHECKLIST_SAMPLES[-1], SCORECARD_SAMPLES[0]],
                         ids=lambda p: p.stem)
def test_every_kind_records_its_copied_input_sheets_as_a_read_back_would(sample, tmp_path):
    book = tmp_path / sample.name
    book.write_bytes(sample.read_bytes())
    taken = _score_and_compare(book, tmp_path / "结果.xlsx")
    assert taken and set(taken) <= set(openpyxl.load_workbook(sample, read_only=True).sheetnames)
    again = _score_and_compare(tmp_path / "结果.xlsx", tmp_path / "再次.xlsx")  # a result scored again: its
    assert again and not set(again) & set(provenance.read(tmp_path / "再次.xlsx").sheets) - set(taken)  # own sheets replaced
