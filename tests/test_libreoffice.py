"""Through LibreOffice (headless soffice): workbooks it saved score identically, and kpicli's workbooks open,
print (PDF) readably and keep their features (dropdowns, grade colours, bar charts).

Skipped without soffice/poppler, except on CI (CI=true) where a missing LibreOffice fails the run.
soffice starts are the slow part: every fixture here is module-scoped and converts its files in one batch.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, rank_json, run
from lo import (
    PROFILE,
    convert,
    count_colour,
    pdf_page_sizes,
    pdf_page_texts,
    pdf_word_heights,
    render_page,
    require_soffice,
)
from samples import CHECKLIST_SAMPLES

from kpicli.checklist.words import FUNCTION_SHEETS, RESULT_CHOICES
from kpicli.core.vocab import FUNCTIONS
from kpicli.render.problems_sheet import PROBLEM_HEADERS

pytestmark = pytest.mark.slow  # every test here goes through soffice (seconds per start)

ROOT = Path(__file__).resolve().parent.parent
# the checklist samples; the scorecard sample (绩效考核表) has tests/test_scorecard_samples.py
SAMPLES = CHECKLIST_SAMPLES
Q1 = "2026Q1_客户触点检查表.xlsx"
WIDE_PROJECTS = [f"项目{i}" for i in range(1, 9)]  # 9 groups with 城市公司: too wide for one A3 page
A3_LANDSCAPE = (1190.55, 841.89)
FOOTER = re.compile(r"^\s*(\S+)\s+第\s*\d+\s*页，共\s*\d+\s*页\s*$", re.M)
# pdftotext -bbox word boxes are about 1.3 × the printed font size (measured on LibreOffice 7.4's PDFs)
BOX_PER_POINT = 1.3
SERIES_BLUE = (0x4F, 0x81, 0xBD)  # LibreOffice's colour for the first series of openpyxl's chart style 10

# every result sheet: its title on the page and its header row (which must print on one line)
RESULT_PAGES = {
    "评分汇总": ("客户触点分级管理考核评分汇总", ["项目", *FUNCTIONS, "项目得分", "等级", "排名"]),
    "职能排名": ("职能排名——", ["排名", "职能", "得分", "等级", "奖惩金额（元）", "方式", "说明"]),
    "项目排名": ("项目排名——", ["排名", "项目", "得分", "等级", "奖惩金额（元）", "方式", "说明"]),
    "奖惩明细": ("奖惩明细——", ["类别", "单位", "排名", "得分", "等级", "金额（元）", "方式", "说明", "团队成员"]),
    "奖惩分配表": ("奖惩分配表——", ["姓名", "岗位", "分配金额（元）", "备注"]),
    "岗位得分": ("岗位得分——", ["岗位", "单位", "职能", "姓名", "得分", "等级", "依据"]),
    "自查偏差": ("自查偏差——", ["职能", "项目", "触点编号", "触点名称", "自查", "检查", "自查单元格", "检查单元格"]),
    "问题清单": ("问题清单——", list(PROBLEM_HEADERS)),
    "明细": ("评分明细——", ["职能", "单位", "触点编号", "阶段", "触点名称", "等级", "权重", "自查", "检查", "采用",
                        "结果", "完成度", "单元格"]),
    "评分规则": ("评分规则与审计信息", ["项目", "值", "规则文件中的写法"]),
}


def two(score: float) -> str:
    return f"{score:.2f}"


def sheet_pages(pages: list[str]) -> dict[str, list[int]]:
    """Sheet name → 1-based page numbers, from the footer 「<sheet>  第 n 页，共 m 页」 of kpicli's sheets."""
    found: dict[str, list[int]] = {}
    for number, text in enumerate(pages, start=1):
        for name in FOOTER.findall(text):
            found.setdefault(name, []).append(number)
    return found


def one_line_with(text: str, words: list[str]) -> bool:
    """Some printed line holds all the words, left to right (so the table was not split across pages)."""
    for line in text.splitlines():
        at = 0
        for word in words:
            at = line.find(word, at)
            if at < 0:
                break
            at += len(word)
        else:
            return True
    return False


def printed_points(pdf: Path, page: int) -> float:
    """Median printed font size (points) of the words on a page."""
    heights = [h for _w, h in pdf_word_heights(pdf, page)]
    assert heights, f"第 {page} 页没有文字"
    return statistics.median(heights) / BOX_PER_POINT


# --- fixtures: build kpicli's workbooks once, convert them in three soffice starts ----------------------------------


@pytest.fixture(scope="module", autouse=True)
def _soffice():
    require_soffice()
    yield
    shutil.rmtree(PROFILE, ignore_errors=True)  # this session's LibreOffice user profile


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    """Copies of the samples, the Q1 result workbook, a template and the annual workbook."""
    folder = tmp_path_factory.mktemp("lo")
    for sample in SAMPLES:
        shutil.copy(sample, folder / sample.name)
    done = run("score", folder / Q1, "-o", folder / "result.xlsx", "--format", "json")
    assert done.exit_code == 0, done.output
    (folder / "result.json").write_text(done.stdout, encoding="utf-8")
    done = run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "-p", "乙", "-o", folder / "template.xlsx")
    assert done.exit_code == 0, done.output
    wide = [a for i in range(1, len(WIDE_PROJECTS) + 1) for a in ("-p", f"项目{i}")]
    done = run("template", "检查表", "--year", 2026, "--quarter", 1, *wide, "-o", folder / "wide.xlsx")
    assert done.exit_code == 0, done.output
    quarters = sorted(folder.glob("2026Q?_客户触点检查表.xlsx"))
    done = run("annual", *quarters, "-o", folder / "annual.xlsx", "--format", "json")
    assert done.exit_code == 0, done.output
    (folder / "annual.json").write_text(done.stdout, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def pdfs(work: Path) -> dict[str, Path]:
    names = ["result", "template", "wide", "annual"]
    outputs = convert([work / f"{n}.xlsx" for n in names], "pdf", work / "pdf")
    return dict(zip(names, outputs))


@pytest.fixture(scope="module")
def resaved(work: Path) -> Path:
    """Every sample, the result and the template, opened and saved again as .xlsx by LibreOffice."""
    files = [work / s.name for s in SAMPLES] + [work / "result.xlsx", work / "template.xlsx"]
    convert(files, "xlsx", work / "resaved")
    return work / "resaved"


# --- inputs written by LibreOffice -----------------------------------------------------------------------------------


def test_samples_resaved_by_libreoffice_score_identically(work: Path, resaved: Path) -> None:
    assert len(SAMPLES) >= 5
    for sample in SAMPLES:
        original, again = rank_json(work / sample.name), rank_json(resaved / sample.name)
        for key in ("company", "year", "quarter", "functions", "projects", "units"):
            assert again[key] == original[key], f"{sample.name}: {key} 在 LibreOffice 另存后不同"
        problems = sorted(json.dumps(p, ensure_ascii=False, sort_keys=True) for p in original["problems"])
        assert sorted(json.dumps(p, ensure_ascii=False, sort_keys=True) for p in again["problems"]) == problems
    # kpicli's own result workbook, re-saved by LibreOffice, still scores as its input did
    assert {k: v for k, v in rank_json(resaved / "result.xlsx").items() if k != "problems"} == \
        {k: v for k, v in rank_json(work / Q1).items() if k != "problems"}


def test_ods_from_libreoffice_is_refused_with_save_as_xlsx(work: Path) -> None:
    (ods,) = convert(work / Q1, "ods", work / "ods")
    for command in ("check", "score"):
        done = run(command, ods)
        assert done.exit_code == 2, done.output
        assert "OpenDocument" in done.output and "另存为 Excel 工作簿（.xlsx）" in done.output
        assert_handled(done)
    assert not list((work / "ods").glob("*_评分结果.xlsx"))


# --- the result workbook ---------------------------------------------------------------------------------------------


def test_result_prints_every_sheet_and_every_score(work: Path, pdfs: dict[str, Path]) -> None:
    pdf = pdfs["result"]
    pages = pdf_page_texts(pdf)
    text = "\n".join(pages)
    found = sheet_pages(pages)
    book = openpyxl.load_workbook(work / "result.xlsx", read_only=True)
    sheets = book.sheetnames
    book.close()
    assert set(RESULT_PAGES) <= set(sheets), f"结果工作簿缺少 {set(RESULT_PAGES) - set(sheets)}"  # Q1 has a roster
    for sheet, (heading, headers) in RESULT_PAGES.items():
        assert sheet in found, f"{sheet} 没有打印(页脚里找不到工作表名)"
        first = pages[found[sheet][0] - 1]
        assert heading in first, f"{sheet} 的标题不在它的第一页"
        # the header row prints on one line (fit to width) and repeats on every page of the sheet
        for number in found[sheet]:
            assert one_line_with(pages[number - 1], headers), f"{sheet} 第 {number} 页的表头被拆开或没有重复"
        if sheet != "明细":
            assert len(found[sheet]) == 1, f"{sheet} 打印了 {len(found[sheet])} 页,应为 1 页"
    assert len(found["明细"]) <= 20
    # the input's sheets print too (the template's function sheets carry their name in the page header)
    for name in FUNCTION_SHEETS.values():
        assert f"客户触点分级管理检查表——{name}" in text
    result = json.loads((work / "result.json").read_text(encoding="utf-8"))
    scores = [e["score"] for e in result["functions"] + result["projects"] + result["units"] if e["assessed"]]
    assert scores
    missing = sorted({two(s) for s in scores if two(s) not in text})
    assert not missing, f"PDF 中找不到这些得分(两位小数):{missing}"
    summary = pages[found["评分汇总"][0] - 1]
    for entry in result["functions"] + result["projects"]:
        if entry["assessed"]:
            assert two(entry["score"]) in summary


def test_result_pages_are_readable(work: Path, pdfs: dict[str, Path]) -> None:
    """No result sheet is shrunk to an unreadable size by fit-to-width; the footer is not cut off."""
    pdf = pdfs["result"]
    pages = pdf_page_texts(pdf)
    found = sheet_pages(pages)
    for sheet in RESULT_PAGES:
        for number in found[sheet]:
            assert printed_points(pdf, number) >= 6.5, f"{sheet} 第 {number} 页字太小"
    sizes = pdf_page_sizes(pdf)
    for sheet in ("评分汇总", "明细"):  # wide tables print landscape
        width, height = sizes[found[sheet][0] - 1]
        assert width > height, f"{sheet} 应横向打印"
    # LibreOffice gives the footer the band between the bottom margin and the footer margin: it must hold a line
    book = openpyxl.load_workbook(work / "result.xlsx")
    for sheet in RESULT_PAGES:
        margins = book[sheet].page_margins
        assert margins.bottom - margins.footer >= 0.3 and margins.top - margins.header >= 0.3, sheet


def test_ranking_bar_charts_render_in_the_pdf(work: Path, pdfs: dict[str, Path]) -> None:
    pdf = pdfs["result"]
    found = sheet_pages(pdf_page_texts(pdf))
    for sheet in ("职能排名", "项目排名"):
        (page,) = found[sheet]
        image = render_page(pdf, page, work / f"chart_{sheet}", dpi=50, fmt="ppm")
        bars = count_colour(image, SERIES_BLUE)
        assert bars > 1000, f"{sheet} 的条形图没有画出来(条形颜色像素 {bars})"


def test_result_resaved_keeps_grade_colours_and_charts(work: Path, resaved: Path) -> None:
    before = openpyxl.load_workbook(work / "result.xlsx")["评分汇总"]
    after = openpyxl.load_workbook(resaved / "result.xlsx")["评分汇总"]
    checked = 0
    for row in before.iter_rows(min_row=5, max_row=before.max_row, max_col=7):
        for cell in row:
            colour = cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None
            if isinstance(cell.value, (int, float)) and isinstance(colour, str):
                twin = after[cell.coordinate]
                assert twin.value == cell.value
                assert twin.fill.fill_type == "solid" and twin.fill.fgColor.rgb[-6:] == colour[-6:], cell.coordinate
                assert twin.font.color.rgb[-6:] == cell.font.color.rgb[-6:], cell.coordinate
                assert twin.number_format == "0.00"
                checked += 1
    assert checked >= 20
    with zipfile.ZipFile(resaved / "result.xlsx") as package:
        names = package.namelist()
        charts = [n for n in names if re.fullmatch(r"xl/charts/chart\d+\.xml", n)]
        assert len(charts) == 2
        rels = "".join(package.read(n).decode("utf-8") for n in names if n.startswith("xl/drawings/_rels/"))
        for chart in charts:
            assert Path(chart).name in rels, f"{chart} 没有被任何绘图引用"
        assert all("barChart" in package.read(c).decode("utf-8") for c in charts)


# --- the template ----------------------------------------------------------------------------------------------------


def test_template_dropdowns_survive_libreoffice(work: Path, resaved: Path) -> None:
    book = openpyxl.load_workbook(resaved / "template.xlsx")
    for name in FUNCTION_SHEETS.values():
        ws = book[name]
        lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
        assert lists, f"{name} 的下拉选项在 LibreOffice 另存后丢失"
        choices = lists[0].formula1.strip('"').split(",")
        assert choices == list(RESULT_CHOICES) == ["完成", "部分完成", "未完成", "不适用"]
        covered = {cell for dv in lists for rng in dv.sqref.ranges for row in ws[rng.coord] for cell in
                   (c.coordinate for c in row)}
        # every 自查/检查 cell of every group is covered (columns found by the sub-header row)
        result_columns = [c.column_letter for c in ws[4] if c.value in ("自查", "检查")]
        assert len(result_columns) == 6  # 城市公司, 甲, 乙
        for letter in result_columns:
            assert f"{letter}5" in covered and f"{letter}{ws.max_row}" in covered


def test_template_prints_every_function_sheet_readably(work: Path, pdfs: dict[str, Path]) -> None:
    pdf = pdfs["template"]
    pages = pdf_page_texts(pdf)
    text = "\n".join(pages)
    assert "填写说明" in text and "公司名称" in text  # 填写说明 and 基本信息
    for name in FUNCTION_SHEETS.values():
        numbers = [n for n, page in enumerate(pages, start=1) if f"客户触点分级管理检查表——{name}" in page]
        assert numbers, f"{name} 没有打印"
        page = numbers[0]
        assert one_line_with(pages[page - 1], ["序号", "触点编号", "客户阶段", "触点名称", "触点等级", "标准动作"])
        assert one_line_with(pages[page - 1], ["城市公司", "甲", "乙"]), f"{name} 的项目列组没有和触点印在同一页"
        assert printed_points(pdf, page) >= 6.0, f"{name} 缩放后字太小"
    # 基本信息's 说明 wraps onto two lines: the row must be tall enough (LibreOffice does not grow it)
    info = openpyxl.load_workbook(work / "template.xlsx")["基本信息"]
    assert (info.row_dimensions[6].height or 15) >= 30


def test_template_too_wide_for_a3_pages_across_between_project_groups(pdfs: dict[str, Path]) -> None:
    """Eight projects: A3 landscape at a readable scale, several pages across, every page with the item columns
    A:D and whole project groups (自查 检查 备注 never split), every project printed."""
    pdf = pdfs["wide"]
    pages = pdf_page_texts(pdf)
    sizes = pdf_page_sizes(pdf)
    for name in FUNCTION_SHEETS.values():
        numbers = [n for n, page in enumerate(pages, start=1) if page.lstrip().startswith(name)]  # page header &A
        assert len(numbers) >= 2, f"{name} 应横向分页打印"
        printed: list[str] = []
        for number in numbers:
            page = pages[number - 1]
            assert all(abs(a - b) < 1 for a, b in zip(sizes[number - 1], A3_LANDSCAPE)), f"{name} 应为 A3 横向"
            assert "触点名称" in page, f"{name} 第 {number} 页没有重复触点列"
            groups = [line.split() for line in page.splitlines() if line.split()[:3] == ["自查", "检查", "备注"]]
            assert groups and groups[0] == ["自查", "检查", "备注"] * (len(groups[0]) // 3), \
                f"{name} 第 {number} 页把项目列组拆开了"
            printed += [p for p in ["城市公司", *WIDE_PROJECTS] if re.search(rf"{p}(?!\d)", page)]
            assert printed_points(pdf, number) >= 6.0, f"{name} 第 {number} 页字太小"
        assert sorted(printed) == sorted(["城市公司", *WIDE_PROJECTS]), f"{name}:每个列组应恰好打印一次"


# --- the annual workbook ---------------------------------------------------------------------------------------------


def test_annual_workbook_prints_quarterly_scores(work: Path, pdfs: dict[str, Path]) -> None:
    pdf = pdfs["annual"]
    pages = pdf_page_texts(pdf)
    text = "\n".join(pages)
    for heading in ("年度趋势", "年度封顶名单", "年度奖惩台账", "人员年度结果"):
        assert heading in text, f"年度汇总缺少 {heading}"
    result = json.loads((work / "annual.json").read_text(encoding="utf-8"))
    scores = {two(q["score"]) for entry in result["functions"] + result["projects"]
              for q in entry["quarters"].values() if q and q["assessed"]}
    assert scores
    missing = sorted(s for s in scores if s not in text)
    assert not missing, f"年度汇总 PDF 中找不到这些季度得分:{missing}"
    for number in range(1, len(pages) + 1):
        assert printed_points(pdf, number) >= 6.0, f"年度汇总第 {number} 页字太小"
