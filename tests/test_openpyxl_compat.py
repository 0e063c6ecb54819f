"""Canary for kpicli/io/openpyxl_compat.py: each shim over an openpyxl internal does, on the installed openpyxl, what
kpicli relies on, seen in the saved file (reloaded by openpyxl, or read as XML). A new openpyxl that moves one of
these internals fails here (pyproject pins openpyxl>=3.1,<3.2; raise the pin only with this file green)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from kpicli.core.errors import InputError
from kpicli.io import openpyxl_compat as compat


def _saved(wb: openpyxl.Workbook, path: Path) -> openpyxl.Workbook:
    wb.save(path)
    return openpyxl.load_workbook(path)


def _parts(path: Path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8", "replace") for name in archive.namelist()}


def test_a_registered_style_array_styles_every_cell_it_is_copied_to(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    thin = Side(style="thin", color="FF000000")
    arr = compat.style_array(wb, font=Font(name="宋体", bold=True, color="FF9C0006"),
                             fill=PatternFill("solid", fgColor="FFC6EFCE"), border=Border(left=thin, bottom=thin),
                             alignment=Alignment(horizontal="center", wrap_text=True), number_format="0.00%")
    custom = compat.style_array(wb, number_format='#,##0.00"万"')
    for row in (1, 2):
        compat.apply_style(ws.cell(row, 1, 0.5), arr)
    compat.apply_style(ws.cell(3, 1, 12.5), custom)
    ws.cell(1, 1).font = Font(italic=True)  # one cell's own change stays its own: each cell owns a copy
    index = compat.style_id(wb, arr)
    back = _saved(wb, tmp_path / "s.xlsx").active
    second = back.cell(2, 1)
    assert second.font.b and second.font.name == "宋体" and second.font.color.rgb == "FF9C0006"
    assert second.fill.fgColor.rgb == "FFC6EFCE" and second.border.left.style == "thin"
    assert second.alignment.horizontal == "center" and second.alignment.wrap_text
    assert second.number_format == "0.00%"
    assert back.cell(1, 1).font.i and not back.cell(1, 1).font.b
    assert back.cell(3, 1).number_format == '#,##0.00"万"'
    sheet = _parts(tmp_path / "s.xlsx")["xl/worksheets/sheet1.xml"]
    assert re.search(rf'<c r="A2" s="{index}"', sheet), sheet  # style_id is the s= the saved XML uses


def test_a_fill_set_by_its_index_is_the_cells_fill_and_zero_is_none(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"], ws["A2"] = "灰", "白"
    ws["A2"].fill = PatternFill("solid", fgColor="FFFFFF00")
    grey = compat.fill_id(wb, PatternFill("solid", fgColor="FFD9D9D9"))
    assert compat.fill_id(wb, PatternFill("solid", fgColor="FFD9D9D9")) == grey  # registered once
    compat.set_fill_id(ws["A1"], grey)
    compat.set_fill_id(ws["A2"], 0)
    back = _saved(wb, tmp_path / "f.xlsx").active
    assert back["A1"].fill.fgColor.rgb == "FFD9D9D9"
    assert back["A2"].fill.fill_type is None


def test_the_default_font_is_font_zero_and_the_normal_style(tmp_path):
    wb = openpyxl.Workbook()
    compat.set_default_font(wb, Font(name="等线", sz=11))
    wb.active["A1"] = "无样式的格"
    back = _saved(wb, tmp_path / "d.xlsx")
    assert back.active["A1"].font.name == "等线"
    styles = _parts(tmp_path / "d.xlsx")["xl/styles.xml"]
    first_font = re.search(r"<fonts[^>]*>\s*<font>(.*?)</font>", styles, re.S).group(1)
    assert 'val="等线"' in first_font
    assert "Calibri" not in styles


def test_only_sheets_saves_those_sheets_and_nothing_of_the_others(tmp_path):
    wb = openpyxl.Workbook()
    mine = wb.active
    mine.title, mine["A1"] = "张三", "张三的分数"
    other = wb.create_sheet("李四")
    other["A1"] = "李四的秘密"
    result = wb.create_sheet("结果")
    result["A1"] = "结果表"
    with compat.only_sheets(wb, [result, mine]):
        wb.active = 0
        wb.save(tmp_path / "张三.xlsx")
    assert wb.sheetnames == ["张三", "李四", "结果"]  # all back afterwards
    wb.create_sheet("再加一张")
    assert wb.sheetnames == ["张三", "李四", "结果", "再加一张"]
    back = openpyxl.load_workbook(tmp_path / "张三.xlsx")
    assert back.sheetnames == ["结果", "张三"] and back.active.title == "结果"
    everything = "".join(_parts(tmp_path / "张三.xlsx").values())
    assert "李四" not in everything and "秘密" not in everything


def test_external_links_are_dropped(tmp_path):
    source = tmp_path / "linked.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "x"
    wb.save(source)
    _add_external_link(source)
    loaded = openpyxl.load_workbook(source)
    kept = tmp_path / "kept.xlsx"
    loaded.save(kept)
    assert any(n.startswith("xl/externalLinks/") for n in _parts(kept))  # openpyxl keeps and saves them
    compat.drop_external_links(loaded)
    loaded.save(tmp_path / "dropped.xlsx")
    parts = _parts(tmp_path / "dropped.xlsx")
    assert not any(n.startswith("xl/externalLinks/") for n in parts)
    assert "其他公司.xlsx" not in "".join(parts.values())


def _add_external_link(path: Path) -> None:
    """Add what Excel writes for a link to another workbook: an externalLink part with its path relationship."""
    link = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.'
            'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships"><externalBook r:id="rId1"><sheetNames><sheetName val="工资"/></sheetNames>'
            '<sheetDataSet><sheetData sheetId="0"><row r="1"><cell r="A1"><v>9999</v></cell></row></sheetData>'
            '</sheetDataSet></externalBook></externalLink>')
    rels = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
            'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
            'openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="其他公司.xlsx" '
            'TargetMode="External"/></Relationships>')
    parts = _parts(path)
    parts["xl/externalLinks/externalLink1.xml"] = link
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = rels
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>", '<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.'
        'openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>", '<Relationship Id="rIdX1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(
        "</sheets>", '</sheets><externalReferences><externalReference r:id="rIdX1"/></externalReferences>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)


def test_conditional_rules_can_be_edited_in_place(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.conditional_formatting.add("A1:A5", CellIsRule(operator="greaterThan", formula=["其他表!A1"]))
    ws.conditional_formatting.add("B1:B5", CellIsRule(operator="lessThan", formula=["10"]))
    rules = compat.conditional_rules(ws)
    assert {str(key.sqref) for key in rules} == {"A1:A5", "B1:B5"}
    for key in list(rules):
        if any("!" in f for rule in rules[key] for f in rule.formula):
            del rules[key]
    wb.save(tmp_path / "cf.xlsx")
    sheet = _parts(tmp_path / "cf.xlsx")["xl/worksheets/sheet1.xml"]
    assert 'sqref="B1:B5"' in sheet and 'sqref="A1:A5"' not in sheet and "其他表" not in sheet


def test_charts_and_pivots_are_dropped(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in range(1, 5):
        ws.append([row, row * 2])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=4))
    ws.add_chart(chart, "D2")
    wb.save(tmp_path / "with.xlsx")
    assert any(n.startswith("xl/charts/") for n in _parts(tmp_path / "with.xlsx"))
    compat.drop_charts_and_pivots(ws)
    wb.save(tmp_path / "without.xlsx")
    assert not any(n.startswith(("xl/charts/", "xl/drawings/", "xl/pivot")) for n in _parts(tmp_path / "without.xlsx"))


def test_load_input_reads_a_workbook_and_refuses_what_openpyxl_cannot_read(tmp_path):
    good = tmp_path / "好.xlsx"
    wb = openpyxl.Workbook()
    wb.active["A1"] = "值"
    wb.save(good)
    assert compat.load_input(good).active["A1"].value == "值"
    bad = tmp_path / "坏.xlsx"
    parts = _parts(good)
    del parts["xl/workbook.xml"]
    with zipfile.ZipFile(bad, "w") as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    with pytest.raises(InputError, match=r"坏\.xlsx"):
        compat.load_input(bad)


def test_load_input_lets_a_bug_through(tmp_path, monkeypatch):
    """Only openpyxl's own exception types are translated: an AttributeError is a bug and stays one."""
    good = tmp_path / "好.xlsx"
    openpyxl.Workbook().save(good)

    def broken(*args, **kwargs):
        raise AttributeError("injected fault")

    monkeypatch.setattr(openpyxl, "load_workbook", broken)
    with pytest.raises(AttributeError, match="injected fault"):
        compat.load_input(good)
