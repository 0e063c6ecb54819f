"""`kpicli score … --per-person DIR` (issue #14): one workbook per person, holding their result and their own form
and nothing of anyone else. HR sends these files out, so privacy is tested on every part of every package."""

from __future__ import annotations

import html
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import FormulaRule
from openpyxl.packaging.custom import StringProperty
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from kpicli.io.outputs import written_by_kpicli
from kpicli.scorecard.render.person import person_file_name, safe_file_part
from tests.builders import assert_handled, flat, run, standard_workbook
from tests.samples import SCORECARD_NAME, SCORECARDS
from tests.scorecard_builders import Ind, Part, RedLine, build_scorecard, points_card, weighted_card

SAMPLE = SCORECARDS / SCORECARD_NAME
SAMPLE_PEOPLE = {"周晓琳": "客服部", "黄志强": "客服部", "陈思远": "客服部", "刘佳怡": "客服部", "吴雨桐": "客服部",
                 "郑国华": "物业服务中心", "孙丽娟": "物业服务中心", "林雪": "物业服务中心", "杨帆": "物业服务中心",
                 "何静": "物业服务中心"}
PERIOD = "2026Q1"  # as file names write it (core.period.Period.file_label)


def leaks(path: Path, others: list[str]) -> list[tuple[str, str]]:
    """(part, name) for every other person's name in any part of the package: raw bytes, and the text after XML
    unescaping (&#26446; is 李 too)."""
    found = []
    with zipfile.ZipFile(path) as archive:
        for part in archive.namelist():
            data = archive.read(part)
            text = html.unescape(data.decode("utf-8", "replace"))
            found += [(part, n) for n in others if n.encode() in data or n in text]
    return found


def per_person(source: Path | list[Path], folder: Path, *extra: object, code: int = 0) -> str:
    sources = source if isinstance(source, list) else [source]
    result = run("score", *sources, "--per-person", folder, *extra, columns=200)
    assert_handled(result, code)
    return result.output


def result_sheet(path: Path) -> dict[str, object]:
    """The 考核结果 sheet's label → value pairs (label cells are followed by their value)."""
    ws = openpyxl.load_workbook(path)["考核结果"]
    pairs = {}
    for row in ws.iter_rows(min_row=4, max_row=12):
        for a, b in ((0, 1), (2, 3)):
            if row[a].value is not None:
                pairs[row[a].value] = row[b].value
    return pairs


def sheet_text(path: Path, sheet: str = "考核结果") -> str:
    ws = openpyxl.load_workbook(path)[sheet]
    return "\n".join(" ".join(str(c) for c in row if c is not None) for row in ws.iter_rows(values_only=True))


# --- the sample: ten people, two departments -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sample")
    source = shutil.copy(SAMPLE, folder / SAMPLE.name)
    output = per_person(Path(source), folder / "个人结果")
    return folder / "个人结果", output


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_sample_one_file_per_person_named_period_department_name(sample_run):
    folder, output = sample_run
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{PERIOD}_{d}_{n}_考核结果.xlsx" for n, d in SAMPLE_PEOPLE.items())
    assert "10" in output and "个人结果" in flat(output)


def test_sample_no_other_persons_name_in_any_part(sample_run):
    folder, _ = sample_run
    for name, dept in SAMPLE_PEOPLE.items():
        path = folder / f"{PERIOD}_{dept}_{name}_考核结果.xlsx"
        assert leaks(path, [n for n in SAMPLE_PEOPLE if n != name]) == [], path.name
        assert name.encode() in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")  # the scan does see names


def test_sample_holds_the_result_and_only_the_persons_form(sample_run):
    folder, _ = sample_run
    path = folder / f"{PERIOD}_客服部_周晓琳_考核结果.xlsx"
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["考核结果", "周晓琳"]  # not 基本信息, not anyone else's sheet
    assert wb.active.title == "考核结果"
    assert list(wb.defined_names) == [] and written_by_kpicli(path)
    names = zipfile.ZipFile(path).namelist()
    assert not [n for n in names if re.search(r"calcChain|sharedStrings|externalLink|pivot|comments", n)], names


def test_sample_result_numbers_match_the_contract(sample_run):
    """周晓琳 (docs/scorecard.md 八): 91.54, A, K 1.0, 6000.00, 3rd of 10, 1st of 5 in 客服部."""
    folder, _ = sample_run
    path = folder / f"{PERIOD}_客服部_周晓琳_考核结果.xlsx"
    pairs = result_sheet(path)
    assert (pairs["姓名"], pairs["部门"], pairs["考核期间"]) == ("周晓琳", "客服部", "2026年第1季度")  # the sheet writes the label
    assert (pairs["总分"], pairs["等级"], pairs["绩效系数"], pairs["绩效奖金"]) == (91.54, "A", 1.0, 6000.0)
    assert (pairs["全体排名"], pairs["部门排名"]) == ("第 3 名 / 10 人", "第 1 名 / 5 人（客服部）")
    text = sheet_text(path)
    assert "业绩考核 70% 100 95.2" in text and "行为考核 30% 100 83" in text
    assert "没有评分差异" in text and text.count("未触及") == 3 + 1  # three items and the 红线 field


def test_sample_red_line_and_reviewer_difference(sample_run):
    folder, _ = sample_run
    huang = result_sheet(folder / f"{PERIOD}_客服部_黄志强_考核结果.xlsx")
    assert (huang["总分"], huang["等级"], huang["绩效奖金"]) == (66.9, "C", 0)
    assert huang["红线"] == "瞒报、漏报重大投诉或群诉事件"
    assert "已触及红线" in sheet_text(folder / f"{PERIOD}_客服部_黄志强_考核结果.xlsx")
    zheng = sheet_text(folder / f"{PERIOD}_物业服务中心_郑国华_考核结果.xlsx")
    assert "安全管理 1 4 上级评分（郑国华!I17） 8 4" in zheng  # computed 4, reviewer 8, difference +4
    assert result_sheet(folder / f"{PERIOD}_物业服务中心_郑国华_考核结果.xlsx")["部门排名"] == "第 1 名 / 5 人（物业服务中心）"


def test_sample_form_copied_faithfully(sample_run):
    """Values, merges, widths, fonts and fills of the person's sheet are the input's."""
    folder, _ = sample_run
    source = openpyxl.load_workbook(SAMPLE)["郑国华"]
    copy = openpyxl.load_workbook(folder / f"{PERIOD}_物业服务中心_郑国华_考核结果.xlsx")["郑国华"]
    assert sorted(map(str, copy.merged_cells.ranges)) == sorted(map(str, source.merged_cells.ranges))
    assert copy.max_row == source.max_row and copy.max_column == source.max_column
    for a, b in zip(source.iter_rows(), copy.iter_rows()):
        for x, y in zip(a, b):
            assert (x.value, x.number_format, x.font.b, x.font.name, x.fill.fgColor.rgb, x.border.left.style) == \
                   (y.value, y.number_format, y.font.b, y.font.name, y.fill.fgColor.rgb, y.border.left.style), x.coordinate
    for letter, dim in source.column_dimensions.items():
        assert copy.column_dimensions[letter].width == dim.width


# --- a workbook full of ways to leak ---------------------------------------------------------------------------------


def _cached(path: Path, formula: str, value: str) -> None:
    """Give a formula the value Excel would have saved with it (openpyxl saves none)."""
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/"):
            parts[name] = data.replace(f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def leaky_workbook(path: Path) -> Path:
    """张三, 李四, 王五 in one workbook, plus a 数据 sheet feeding 张三's 实际完成, and every place a name could
    hide: shared strings, a cross-sheet formula, a defined name, a link, a validation list and a conditional
    format pointing at 李四's sheet, comments, the author and title, a custom property."""
    build_scorecard(path, {"张三": weighted_card("张三"), "李四": points_card("李四"),
                           "王五": weighted_card("王五", "工程部")},
                    extra={"数据": [["姓名", "满意度"], ["张三", 0.9], ["李四", 0.8], ["王五", 0.7]]})
    wb = openpyxl.load_workbook(path)
    ws = wb["张三"]
    assert ws["F6"].value == "90%"
    ws["F6"] = "='数据'!B2"  # 实际完成 of 满意度 from the data sheet: 0.9 read as 90%
    ws["F6"].number_format = "0%"
    ws["M1"] = "='李四'!D4"
    ws["M2"] = "参见"  # a link whose text is harmless but whose target names the other sheet
    ws["M2"].hyperlink = "#'李四'!A1"
    validation = DataValidation(type="list", formula1="'李四'!$B$2:$B$3")
    validation.add("M3")
    own = DataValidation(type="list", formula1='"是,否"')
    own.add("M4")
    ws.add_data_validation(validation)
    ws.add_data_validation(own)
    ws.conditional_formatting.add("M5", FormulaRule(formula=["'李四'!$D$4>0"],
                                                      fill=PatternFill("solid", fgColor="FFC7CE")))
    ws["A1"].comment = Comment("本人的表", "人事部")
    wb["李四"]["A1"].comment = Comment("李四的备注", "王五")
    wb.defined_names["李四基数"] = DefinedName("李四基数", attr_text="'李四'!$D$2")
    wb.properties.creator, wb.properties.title, wb.properties.lastModifiedBy = "李四", "王五等人的考核表", "王五"
    wb.custom_doc_props.append(StringProperty(name="审核人", value="王五"))
    wb.save(path)
    _cached(path, "'数据'!B2", "0.9")
    _cached(path, "'李四'!D4", "8000")
    return path


@pytest.fixture(scope="module")
def leaky(tmp_path_factory):
    folder = tmp_path_factory.mktemp("leaky")
    per_person(leaky_workbook(folder / "部门.xlsx"), folder / "out")
    return folder / "out"


@pytest.mark.slow  # over 0.2 s of CPU (0.31 s measured)
def test_leaky_workbook_no_other_name_anywhere(leaky):
    files = {p.name: p for p in leaky.iterdir()}
    assert sorted(files) == sorted([f"{PERIOD}_客服部_张三_考核结果.xlsx", f"{PERIOD}_客服部_李四_考核结果.xlsx",
                                    f"{PERIOD}_工程部_王五_考核结果.xlsx"])
    for name in ("张三", "李四", "王五"):
        path = next(p for n, p in files.items() if name in n)
        assert leaks(path, [n for n in ("张三", "李四", "王五") if n != name]) == [], path.name


@pytest.mark.slow  # over 0.2 s of CPU (0.65 s measured)
def test_leaky_formulas_become_the_values_that_were_scored(leaky):
    ws = openpyxl.load_workbook(leaky / f"{PERIOD}_客服部_张三_考核结果.xlsx")["张三"]
    assert ws["F6"].value == 0.9 and ws["F6"].number_format == "0%"  # the value scored, its format kept
    assert ws["M1"].value == 8000  # what the form showed; the reference to 李四's sheet is gone
    assert ws["M2"].value == "参见" and ws["M2"].hyperlink is None
    assert [str(v.sqref) for v in ws.data_validations.dataValidation] == ["M4"]  # the own list stays
    assert not ws.conditional_formatting
    assert ws["A1"].comment is not None and ws["A1"].comment.text == "本人的表"
    pairs = result_sheet(leaky / f"{PERIOD}_客服部_张三_考核结果.xlsx")
    assert pairs["总分"] == 92.8 and pairs["全体排名"] == "第 1 名 / 3 人"


@pytest.mark.slow  # builds and scores its own leaky workbook (0.7 s of CPU); the sample's privacy test stays quick
def test_leaky_workbook_properties_are_kpicli_s_own(leaky):
    wb = openpyxl.load_workbook(leaky / f"{PERIOD}_工程部_王五_考核结果.xlsx")
    assert wb.properties.creator == "kpicli" and wb.properties.title is None
    names = [p.name for p in wb.custom_doc_props.props]
    assert names[0] == "kpicli" and all(name.startswith("kpicli.") for name in names[1:])  # kpicli's record only
    assert wb.sheetnames == ["考核结果", "王五"]


# --- names, collisions, overwriting ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "safe"), [
    ('张/三\\:*?"<>|', "张三"), ("张三. ", "张三"), (" ..张三", "张三"), ("张\x07三\t丰", "张三丰"), ("张  三", "张 三"),
    ("CON", "_CON"), ("lpt1", "_lpt1"), ("nul.txt", "_nul.txt"), ("CONSOLE", "CONSOLE"), ("客服部" * 30, "客服部" * 13 + "客"),
])
def test_safe_file_part(text, safe):
    assert safe_file_part(text) == safe


def test_file_name_leaves_out_missing_parts():
    assert person_file_name(None, None, "?") == "未命名_考核结果.xlsx"
    assert person_file_name(PERIOD, None, "AUX") == f"{PERIOD}__AUX_考核结果.xlsx"


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_same_name_in_two_departments_and_unsafe_names(tmp_path):
    """Two 张三 (客服部, 工程部) get two files; 张三? and 张三 in one department differ to the reader but not once
    made safe: the second gets _2, nothing is overwritten; a name that is a device name is prefixed."""
    source = build_scorecard(tmp_path / "部门.xlsx", {
        "甲": weighted_card("张三", "客服部"), "乙": weighted_card("张三", "工程部"),
        "丙": weighted_card("张三?", "客服部"), "丁": points_card("CON", "客服/二部")})
    per_person(source, tmp_path / "out")
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted([f"{PERIOD}_客服部_张三_考核结果.xlsx", f"{PERIOD}_工程部_张三_考核结果.xlsx",
                            f"{PERIOD}_客服部_张三_2_考核结果.xlsx", f"{PERIOD}_客服二部__CON_考核结果.xlsx"])
    engineering = openpyxl.load_workbook(tmp_path / "out" / f"{PERIOD}_工程部_张三_考核结果.xlsx")
    assert engineering.sheetnames == ["考核结果", "乙"]
    assert result_sheet(tmp_path / "out" / f"{PERIOD}_客服部_张三_2_考核结果.xlsx")["姓名"] == "张三?"


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_foreign_file_is_not_overwritten_without_force(tmp_path):
    source = build_scorecard(tmp_path / "部门.xlsx", {"张三": weighted_card("张三"), "李四": points_card("李四")})
    out = tmp_path / "out"
    out.mkdir()
    foreign = out / f"{PERIOD}_客服部_李四_考核结果.xlsx"
    openpyxl.Workbook().save(foreign)
    before = foreign.read_bytes()
    output = per_person(source, out, code=2)
    assert "--force" in output and "李四" in output
    assert foreign.read_bytes() == before
    assert sorted(p.name for p in out.iterdir()) == [foreign.name]  # refused before anything was written
    per_person(source, out, "--force")
    assert written_by_kpicli(foreign) and openpyxl.load_workbook(foreign).sheetnames == ["考核结果", "李四"]
    per_person(source, out)  # kpicli's own files are replaced without --force


def test_per_person_folder_must_be_a_folder(tmp_path):
    source = build_scorecard(tmp_path / "部门.xlsx", {"张三": weighted_card("张三")})
    (tmp_path / "文件.xlsx").write_bytes(b"x")
    assert "文件夹" in per_person(source, tmp_path / "文件.xlsx", code=2)
    assert "文件夹" in per_person(source, tmp_path / "无此处" / "out", code=2)


def test_checklist_with_per_person_is_a_usage_error(tmp_path):
    source = standard_workbook(tmp_path / "检查表.xlsx")
    output = per_person(source, tmp_path / "out", code=2)
    assert "--per-person" in output and "绩效考核表" in output
    assert not (tmp_path / "out").exists()


# --- several files as one group --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_folder_of_one_file_per_person(tmp_path):
    """Every file's sheet is called 考核表; ranks are over the whole group; the group's other files stay out."""
    folder = tmp_path / "提交"
    folder.mkdir()
    red = weighted_card("王五", "工程部", sections=[
        Part("一、业绩考核(80%)", [Ind("满意度", "40%", "比例 目标100%", "90%"),
                                  Ind("回访率", "60%", "分档 ≥95%:60; ≥85%:30; <85%:0", "96%", reviewer1=50)]),
        Part("二、行为考核(20%)", [Ind("服务意识", "100%", "等级 1:20; 2:40; 3:60; 4:80; 5:100", "4级")]),
        Part("三、电网指标", [RedLine("泄露客户信息", "否"), RedLine("收受回扣", "是")])])
    for name, card in (("张三", weighted_card("张三")), ("李四", points_card("李四")), ("王五", red)):
        build_scorecard(folder / f"{name}.xlsx", {"考核表": card})
    per_person(folder, tmp_path / "out")
    files = {p.name: p for p in (tmp_path / "out").iterdir()}
    assert len(files) == 3
    wang = files[f"{PERIOD}_工程部_王五_考核结果.xlsx"]
    assert openpyxl.load_workbook(wang).sheetnames == ["考核结果", "考核表"]
    pairs = result_sheet(wang)
    assert (pairs["总分"], pairs["等级"], pairs["红线"]) == (84.8, "C", "收受回扣")
    assert (pairs["全体排名"], pairs["部门排名"]) == ("第 2 名 / 3 人", "第 1 名 / 1 人（工程部）")
    assert "回访率 96% 60 上级评分（考核表!H7） 50 -10" in sheet_text(wang)
    for name in ("张三", "李四", "王五"):
        path = next(p for n, p in files.items() if name in n)
        assert leaks(path, [n for n in ("张三", "李四", "王五") if n != name]) == []
    # the results written into the input folder itself: a later run skips them (kpicli's own), people stay 3
    per_person(folder, folder)
    again = run("rank", folder, "--format", "json")
    assert_handled(again, 0)
    assert '"rank": 3' in again.stdout and '"rank": 4' not in again.stdout


# --- one printed page ------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_result_sheet_prints_on_one_a4_page(sample_run, tmp_path):
    from tests.lo import convert, pdf_text, require_soffice

    require_soffice()
    folder, _ = sample_run
    path = folder / f"{PERIOD}_物业服务中心_郑国华_考核结果.xlsx"
    pdf = convert(path, "pdf", tmp_path)[0]
    first, second = pdf_text(pdf, 1), pdf_text(pdf, 2)
    assert "个人绩效考核结果" in first and "红线事项" in first and "说明" in first  # the whole sheet on page 1
    assert "个人绩效考核结果" not in second and "物业服务中心绩效考核表" in flat(second)  # page 2: the form
