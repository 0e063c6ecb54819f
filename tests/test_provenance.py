"""kpicli's record (io.provenance) in the workbooks it writes: what it holds, that it survives a save, and that its
fingerprints tell a re-save from a person's typing."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from builders import edit, run
from lo import convert, require_soffice

from kpicli.checklist.catalog import load_catalog
from kpicli.checklist.render.template import FIRST_ITEM_ROW
from kpicli.io import custom_props, fingerprints, provenance

PROJECTS = ("云栖府", "望江台")


def make_template(folder: Path, name: str = "2026Q1_检查表.xlsx") -> Path:
    path = folder / name
    result = run("template", "检查表", "-o", path, "--year", 2026, "--quarter", 1, *[a for p in PROJECTS for a in ("--project", p)])
    assert result.exit_code == 0, result.output
    return path


def test_a_template_records_what_was_handed_out(tmp_path):
    record = provenance.read(make_template(tmp_path))
    assert record is not None and record.kind == "模板" and record.get("book") == "checklist"
    assert record.get("period") == {"year": 2026, "quarter": 1} and record.get("projects") == list(PROJECTS)
    catalog = load_catalog()
    assert len(record.catalog) == len(catalog)
    first = record.catalog[0]  # the first row of the first function sheet (营销篇)
    expected = catalog[catalog["function"] == "营销"].iloc[0]
    assert (first["sheet"], first["row"], first["code"], first["name"], first["level"]) == (
        "营销篇", FIRST_ITEM_ROW, expected["item_id"], expected["name"], expected["level"])
    company_items = [r for r in record.catalog if r["scope"] == "城市公司"]
    assert company_items and all(r["na"] == list(PROJECTS) for r in company_items)
    project_items = [r for r in record.catalog if r["scope"] == "项目" and r["function"] == "营销"]
    assert all(r["na"] == ["城市公司"] for r in project_items)  # 营销 has company items, so a 城市公司 group
    assert set(record.sheets) == {"基本信息", "填写说明", "营销篇", "研发篇", "工程篇", "客户关系篇", "物业篇"}


def test_the_record_is_kept_in_short_custom_properties(tmp_path):
    path = make_template(tmp_path)
    props = custom_props.custom_properties(path)
    assert props["kpicli"] == "模板" and props["kpicli.version"]
    chunks = [k for k in props if k.startswith("kpicli.record.")]
    assert len(chunks) >= 2  # the catalogue does not fit one property
    assert all(len(v) <= 255 for v in props.values())  # Excel's limit for a text property
    with zipfile.ZipFile(path) as archive:  # no extra sheet that a user could unhide
        assert not any("hidden" in archive.read("xl/workbook.xml").decode() for _ in [0])


@pytest.mark.slow
def test_an_unchanged_save_is_no_change_and_typing_is(tmp_path):
    path = make_template(tmp_path)
    assert provenance.changed_sheets(path) == []
    edit(path, lambda wb: None)  # openpyxl reads and writes every part again
    assert provenance.changed_sheets(path) == []
    edit(path, lambda wb: wb["工程篇"].cell(FIRST_ITEM_ROW, 11, "完成"))
    assert provenance.changed_sheets(path) == ["工程篇"]
    edit(path, lambda wb: wb.create_sheet("我的备注").cell(1, 1, "x"))
    assert provenance.changed_sheets(path) == ["工程篇", "我的备注"]
    edit(path, lambda wb: wb.remove(wb["填写说明"]))
    assert provenance.changed_sheets(path) == ["工程篇", "我的备注", "填写说明"]


@pytest.mark.slow
def test_parts_as_stamped_are_not_read_again_and_a_changed_part_is(tmp_path, monkeypatch):
    """The record keeps each part's checksum: a sheet whose part (and the parts its values depend on) is as
    stamped keeps its recorded fingerprint unread; one whose XML changed is read, with the same verdict as a full
    read of every sheet."""
    import python_calamine

    from kpicli.io.zipparts import Package

    path = make_template(tmp_path)
    record = provenance.read(path)
    assert set(record.get("sums")["sheets"]) == set(record.sheets)
    opened = []
    real_open = python_calamine.CalamineWorkbook.from_path
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_path",
                        lambda p: opened.append(p) or real_open(p))
    assert provenance.changed_sheets(path) == [] and opened == []  # as stamped: no cell read at all
    pkg = Package.read(path)
    parts = fingerprints.sheet_parts(pkg)
    pkg.parts[parts["工程篇"]] = pkg.parts[parts["研发篇"]]  # 工程篇 now shows 研发篇's cells; nothing else moves
    pkg.write(path, 6)
    full = fingerprints.sheet_fingerprints(path)  # every sheet read, nothing taken from the record
    assert provenance.changed_sheets(path) == ["工程篇"] == [n for n, v in full.items() if record.sheets[n] != v]
    assert len(opened) == 2


def test_a_fingerprint_is_one_hash_update_per_cell_as_written_by_earlier_versions(tmp_path):
    """Fingerprints are compared with records written by earlier kpicli versions: the digest must stay that of
    one update "row,column,token\\0" per non-empty cell that is no formula (every kind of value here)."""
    import hashlib
    from datetime import date, datetime, time

    import openpyxl
    import python_calamine

    path = tmp_path / "混合.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "值"
    values = ["完成", 1, 1.0, 2.5, True, False, 0, -0.0, 1e-30, date(2026, 3, 31), datetime(2026, 1, 2, 8, 30),
              time(9, 15), " 前后空格 ", "1", "=不是公式"]
    for i, value in enumerate(values):
        ws.cell(i + 2, 2 + i % 3, value)
    ws["E20"] = "=B2&C3"
    wb.create_sheet("空")
    wb.save(path)
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    expected = {}
    for name in book.sheet_names:
        digest = hashlib.sha256()
        for r, row in enumerate(book.get_sheet_by_name(name).to_python(skip_empty_area=False)):
            for c, value in enumerate(row):
                if value in ("", None) or (name, r, c) == ("值", 19, 4):  # E20 holds a formula
                    continue
                if isinstance(value, bool):
                    token = "b1" if value else "b0"
                elif isinstance(value, int) or (isinstance(value, float) and value.is_integer()):
                    token = f"n{int(value)}"
                elif isinstance(value, float):
                    token = f"n{value!r}"
                elif isinstance(value, (datetime, date, time)):
                    token = "d" + value.isoformat()
                else:
                    token = "s" + str(value)
                digest.update(f"{r},{c},{token}\x00".encode())
        expected[name] = digest.hexdigest()[:16]
    book.close()
    assert fingerprints.sheet_fingerprints(path) == expected


@pytest.mark.slow  # two scorings
def test_large_tables_fingerprinted_in_memory_read_back_the_same(tmp_path, monkeypatch):
    """The result's 明细, 自查偏差 and 问题清单 are fingerprinted from the values in memory, not read back once
    written: each must equal what a later read of the written file computes, also for texts that read back
    otherwise (an escaped character, a line end, spaces around them), whose sheets are read instead."""
    import pandas as pd
    from builders import FUNCTION_SHEET_NAMES, STANDARD_ROSTER, Item, build_checklist, standard_sheets

    from kpicli.io.xlfast import rows_prints

    calls = []
    real = fingerprints.fingerprints_with_rows
    def spy(path, rows):
        calls.append(real(path, rows))
        return calls[-1]

    monkeypatch.setattr(fingerprints, "fingerprints_with_rows", spy)
    # render.book imported it by name: patched there too, whichever test imported it first
    monkeypatch.setattr("kpicli.render.book.fingerprints_with_rows", spy)
    for name, tricky in (("plain", None), ("tricky", ("  前后有空格 ", "含_x0041_转义", "两行\r\n文字", "制表\t符"))):
        sheets = standard_sheets()
        if tricky:
            items = [row for row in sheets[FUNCTION_SHEET_NAMES["营销"]].items if isinstance(row, Item)]
            for item, text in zip(items, tricky):
                item.name = text
        book = tmp_path / name / "2026Q1_客户触点检查表.xlsx"
        book.parent.mkdir()
        build_checklist(book, sheets, roster=STANDARD_ROSTER)
        out = book.with_name("结果.xlsx")
        result = run("score", book, "-o", out)
        assert result.exit_code == 0, result.output
        record = provenance.read(out)
        assert record.sheets == fingerprints.sheet_fingerprints(out)  # a full read of every sheet
        assert {"明细", "自查偏差", "问题清单"} <= set(calls[-1])  # taken from memory, not read back
    # a text that a reader would get otherwise (an escaped character, a line end) is not certain: its sheet is read
    for text in ("含_x0041_转义", "两行\r\n文字"):
        assert rows_prints(pd.DataFrame({0: ["完成", text]}), 5, [False]) is None
    assert rows_prints(pd.DataFrame({0: ["完成", 1.5]}), 5, [True]) == "4,0,s完成\x005,0,n1.5\x00".encode()


def test_a_foreign_workbook_has_no_record(tmp_path):
    import openpyxl

    path = tmp_path / "手工.xlsx"
    openpyxl.Workbook().save(path)
    assert provenance.read(path) is None and provenance.changed_sheets(path) is None


@pytest.mark.slow
def test_a_result_carries_the_rules_and_the_template_s_catalogue(tmp_path):
    template = make_template(tmp_path)
    edit(template, lambda wb: [wb[s].cell(FIRST_ITEM_ROW + r, c, "完成") for s in ("营销篇", "工程篇")
                               for r in range(3) for c in (14, 17)])
    result = run("score", template)
    assert result.exit_code == 0, result.output
    record = provenance.read(tmp_path / "2026Q1_检查表_评分结果.xlsx")
    assert record.kind == "评分结果" and record.get("book") == "checklist"
    assert record.get("rules")["fingerprint"] and "grades" in record.get("rules")["settings"]
    assert record.catalog == provenance.read(template).catalog
    assert "评分汇总" in record.sheets and "营销篇" in record.sheets


@pytest.mark.slow
def test_the_record_survives_libreoffice_and_tells_resave_from_typing(tmp_path):
    require_soffice()
    template = make_template(tmp_path)
    edit(template, lambda wb: [wb["营销篇"].cell(FIRST_ITEM_ROW + r, c, "完成") for r in range(3) for c in (14, 17)])
    assert run("score", template).exit_code == 0
    result = tmp_path / "2026Q1_检查表_评分结果.xlsx"
    fresh = make_template(tmp_path, "空白.xlsx")
    saved = convert([fresh, result], "xlsx", tmp_path / "lo")
    for original, copy in zip([fresh, result], saved, strict=True):
        record = provenance.read(copy)
        assert record is not None and record.data == provenance.read(original).data
        assert provenance.changed_sheets(copy) == []  # saved unchanged by LibreOffice: no change
    edit(saved[1], lambda wb: wb["营销篇"].cell(FIRST_ITEM_ROW, 15, "未完成"))  # a person types a 检查
    again = convert(saved[1], "xlsx", tmp_path / "lo2")[0]
    assert provenance.changed_sheets(again) == ["营销篇"]
