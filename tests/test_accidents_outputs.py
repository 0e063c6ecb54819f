"""Issue #11, points 7–13: renamed grades without [annual], .xlsx outputs and the in-place backup, chart colours
that survive LibreOffice, blank 奖惩 for units without one, 奖惩 on 评分汇总, the template's title on pages
across, and `kpicli explain` showing what was typed and where."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import Item, SheetSpec, assert_handled, build_checklist, cell_of, run
from rules_api import DEFAULT_RULES, load_rules, parse_rules, to_toml
from samples import CHECKLISTS, QUARTER_NAMES
from year_books import build_year

from kpicli import api
from kpicli.rules.text import rules_rows

ROOT = Path(__file__).resolve().parent.parent
Q1_SAMPLE = CHECKLISTS / QUARTER_NAMES[0]
RENAMED = """
[grades]
bands = [ { grade = "优", min = 90 }, { grade = "良", min = 75 }, { grade = "中", min = 60 } ]
lowest = "差"
"""


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- 7. the annual cap grade follows renamed grades ---------------------------------------------------------------


@pytest.mark.slow
def test_renamed_grades_without_annual_section_work_for_quarterly_commands(standard_book: Path, tmp_path: Path) -> None:
    rules = write(tmp_path / "kpicli.toml", RENAMED)
    assert load_rules(rules).annual.cap_grade == "中"
    for command in ("rank", "check"):
        done = run(command, standard_book, "--rules", rules)
        assert done.exit_code == 0, done.output
    data = json.loads(run("rank", standard_book, "--rules", rules, "--format", "json").stdout)
    grades = {p["project"]: p["grade"] for p in data["projects"]}
    assert grades["云栖府"] == "优" and grades["望江台"] == "差"
    out = tmp_path / "结果.xlsx"
    assert run("score", standard_book, "--rules", rules, "-o", out).exit_code == 0
    assert out.exists()


def test_the_default_cap_is_the_lowest_passing_band() -> None:
    assert DEFAULT_RULES.annual.cap_grade == "B-" and DEFAULT_RULES.annual.cap_derived
    two = parse_rules('[grades]\nbands = [ { grade = "合格", min = 60 } ]\nlowest = "不合格"\n', "x")
    assert two.annual.cap_grade == "合格"
    explicit = parse_rules(RENAMED + '[annual]\ncap_grade = "良"\n', "x")
    assert explicit.annual.cap_grade == "良" and not explicit.annual.cap_derived
    # a derived cap written out (rules init) reads back as the same rules
    assert parse_rules(to_toml(parse_rules(RENAMED, "x")), "x") == parse_rules(RENAMED, "x")


def test_rules_show_prints_the_derived_cap_and_says_so(tmp_path: Path) -> None:
    rules = write(tmp_path / "r.toml", RENAMED)
    shown = run("rules", "show", "--rules", rules)
    assert shown.exit_code == 0, shown.output
    assert 'cap_grade = "中"' in shown.output
    assert "未设置 cap_grade" in shown.output and "自动取最低的及格等级「中」" in shown.output
    # an explicit cap is shown as written, without the note
    explicit = write(tmp_path / "e.toml", RENAMED + '[annual]\ncap_grade = "良"\n')
    shown = run("rules", "show", "--rules", explicit)
    assert 'cap_grade = "良"' in shown.output and "未设置 cap_grade" not in shown.output
    # the 评分规则 sheet / audit rows say it too
    assert "自动取最低的及格等级" in dict(rules_rows(load_rules(rules)))["annual 年度封顶"]


def test_an_unknown_explicit_cap_is_an_error_listing_the_valid_names(standard_book: Path, tmp_path: Path) -> None:
    rules = write(tmp_path / "bad.toml", RENAMED + '[annual]\ncap_grade = "B-"\n')
    done = run("rank", standard_book, "--rules", rules)
    assert done.exit_code == 2, done.output
    text = done.stderr
    assert "annual.cap_grade" in text and "「B-」" in text
    assert "优、良、中、差" in text and 'cap_grade = "中"' in text  # what to write instead
    assert_handled(done)


@pytest.mark.slow
def test_annual_with_renamed_grades_caps_at_the_derived_grade(tmp_path: Path) -> None:
    year = build_year(tmp_path / "年度")
    rules = write(tmp_path / "r.toml", RENAMED)
    done = run("annual", *year, "--rules", rules, "--format", "json")
    assert done.exit_code == 0, done.output
    data = json.loads(done.stdout)
    projects = {p["project"]: p for p in data["projects"]}
    # 甲: Q1 50 差, Q2 25 差 → two in a row at or below 中
    assert projects["甲"]["capped"] and "中及以下" in projects["甲"]["reason"]
    assert not projects["乙"]["capped"]  # 62.5 中 in Q1 and Q3: not in a row, only two


# --- 8. outputs ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["score", "annual", "template", "collect"])
def test_every_output_must_end_in_xlsx(command: str, standard_book: Path, tmp_path: Path) -> None:
    target = tmp_path / "结果.xls"
    args = {
        "score": ["score", standard_book, "-o", target],
        "annual": ["annual", standard_book, "-o", target],
        "template": ["template", "检查表", "--year", 2026, "--quarter", 1, "-p", "云栖府", "-o", target],
        "collect": ["collect", standard_book, "-o", target],
    }[command]
    done = run(*args)
    assert done.exit_code == 2, done.output
    assert "的文件名应以 .xlsx 结尾" in done.stderr and "结果.xls" in done.stderr
    assert "结果.xlsx" in done.stderr  # what to write instead
    assert not target.exists()
    assert_handled(done)


def test_the_library_refuses_a_non_xlsx_output_too(standard_book: Path, tmp_path: Path) -> None:
    from kpicli.core.errors import KpiError

    with pytest.raises(KpiError, match=r"\.xlsx 结尾"):
        api.score(standard_book, tmp_path / "结果.csv")
    with pytest.raises(KpiError, match=r"\.xlsx 结尾"):
        api.template("检查表", tmp_path / "模板.xlsm", year=2026, quarter=1, projects=["甲"])
    assert not list(tmp_path.glob("结果*")) and not list(tmp_path.glob("模板*"))


@pytest.mark.slow
def test_in_place_names_the_backup_it_wrote(standard_book: Path) -> None:
    before = standard_book.read_bytes()
    done = run("score", standard_book, "--in-place")
    assert done.exit_code == 0, done.output
    (backup,) = [p for p in standard_book.parent.iterdir() if "_备份_" in p.name]
    assert backup.read_bytes() == before
    assert "备份" in done.output and backup.name in done.output.replace("\n", "")
    # the library says which file it was
    _result, written, copy = api.score(standard_book, in_place=True)
    assert written == standard_book and copy is not None and copy.exists() and copy != backup
    assert copy.read_bytes() != before  # a copy of the already-scored workbook, taken before this write
    plain = api.score(standard_book, standard_book.with_name("另存.xlsx"))
    assert plain.backup is None and plain.path.name == "另存.xlsx"


# --- 10 and 11. blank 奖惩 where there is none; 奖惩 on 评分汇总 ---------------------------------------------------------


@pytest.mark.slow
def test_ranking_sheets_leave_no_reward_blank_and_summary_shows_rewards(standard_book: Path, tmp_path: Path) -> None:
    out = tmp_path / "结果.xlsx"
    done = run("score", standard_book, "-o", out)
    assert done.exit_code == 0, done.output
    wb = openpyxl.load_workbook(out)
    for sheet, unit, amount, method in (("职能排名", "物业", 3000, "服务费调整"), ("项目排名", "云栖府", 3000, "团队奖金"),
                                        ("项目排名", "望江台", -3000, "团队处罚")):  # a penalty reads 团队处罚
        rows = {r[1]: r for r in wb[sheet].iter_rows(min_row=5, values_only=True) if r[1]}
        assert rows[unit][4] == amount and rows[unit][5] == method
    functions = {r[1]: r for r in wb["职能排名"].iter_rows(min_row=5, values_only=True) if r[1]}
    for unit in ("营销", "研发", "工程", "客服"):  # assessed without reward or penalty, and not assessed
        assert functions[unit][4] is None and functions[unit][5] in (None, ""), functions[unit]
    projects = {r[1]: r for r in wb["项目排名"].iter_rows(min_row=5, values_only=True) if r[1]}
    assert projects["观澜苑"][4] is None and projects["观澜苑"][5] in (None, "")
    # 评分汇总: 奖惩 right of 排名 for projects, and a 职能奖惩 row under 职能排名
    ws = wb["评分汇总"]
    header = [c.value for c in ws[4]]
    assert header[8:10] == ["排名", "奖惩（元）"]
    by_label = {row[0].value: row for row in ws.iter_rows(min_row=5) if row[0].value}
    assert by_label["云栖府"][9].value == 3000 and by_label["望江台"][9].value == -3000
    assert by_label["观澜苑"][9].value is None
    assert by_label["云栖府"][9].number_format.startswith("+")
    rewards = by_label["职能奖惩（元）"]
    assert [c.value for c in rewards[1:6]] == [None, None, None, None, 3000]  # 营销 研发 工程 客服 物业
    labels = list(by_label)
    assert labels.index("职能奖惩（元）") == labels.index("职能排名") + 1


def test_terminal_rankings_show_no_zero_rewards(standard_book: Path) -> None:
    done = run("rank", standard_book)
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    for unit, grade in (("营销", "B-"), ("研发", "B-"), ("工程", "B-"), ("客服", "—"), ("观澜苑", "—")):
        (line,) = [x for x in lines if re.search(rf"\s{unit}\s", x) and grade in x]
        assert line.rstrip().endswith(grade), line  # the 奖惩 column after the grade is blank
        assert "团队奖金" not in line and "服务费" not in line, line
    yunqi = next(x for x in lines if "云栖府" in x and "100.00" in x)
    assert "+3,000" in yunqi


# --- 13. explain ------------------------------------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.23 s measured)
def test_explain_shows_typed_text_cell_and_one_credit_format(tmp_path: Path) -> None:
    spec = SheetSpec(items=[
        Item("案场接待", "一级", {"项目甲": (None, "√")}, item_id="A"),
        Item("签约提醒", "二级", {"项目甲": ("部分", None)}, item_id="B"),
        Item("样板房开放", "三级", {"项目甲": (None, "80%")}, item_id="C"),
        Item("交付预约", "三级", {"项目甲": (None, "N/A")}, item_id="D"),
    ])
    path = build_checklist(tmp_path / "explain.xlsx", {"营销篇": spec})
    done = run("explain", path, "--project", "项目甲", "--function", "营销", columns=100)
    assert done.exit_code == 0, done.output
    rows = {line.split()[0]: line for line in done.output.splitlines() if line.split()[:1] in (["A"], ["B"], ["C"],
                                                                                                   ["D"])}
    a_cell, b_cell, c_cell = cell_of(spec, 0, "项目甲", 1), cell_of(spec, 1, "项目甲", 0), cell_of(spec, 2, "项目甲", 1)
    assert "√" in rows["A"] and "完成" in rows["A"] and a_cell in rows["A"] and "100.00%" in rows["A"]
    assert "部分" in rows["B"] and "部分完成" in rows["B"] and b_cell in rows["B"] and "50.00%" in rows["B"]
    assert "80%" in rows["C"] and c_cell in rows["C"] and "80.00%" in rows["C"]
    assert "N/A" in rows["D"] and "不计分" in rows["D"]
    assert "营销篇" in done.output  # the sheet of those cells
    # one format for 完成度: percent with two decimals, never 100% or 0.8
    credits = re.findall(r"\d+(?:\.\d+)?%", " ".join(rows.values()))
    assert all(re.fullmatch(r"\d+\.\d\d%", c) for c in credits if c != "80%"), credits


@pytest.mark.slow  # over 0.2 s of CPU (0.32 s measured)
def test_explain_city_company_as_a_project_points_to_function(standard_book: Path) -> None:
    done = run("explain", standard_book, "--project", "城市公司")
    assert done.exit_code == 2, done.output
    assert "--function" in done.stderr and "不是项目" in done.stderr
    assert_handled(done)
    both = run("explain", standard_book, "--project", "城市公司", "--function", "营销", "--format", "json")
    assert both.exit_code == 0, both.output
    data = json.loads(both.stdout)
    assert {i["group"] for i in data["items"]} == {"城市公司"} and data["score"] == 100.0


# --- 9. charts keep their colours without a theme; 12. the template title on pages across -----------------------------


def _series_colours(package: Path) -> list[list[str]]:
    """Per chart: the srgbClr of each series' fill (bar) or line (line chart)."""
    colours = []
    with zipfile.ZipFile(package) as z:
        for name in sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n)):
            xml = z.read(name).decode("utf-8")
            series = re.findall(r"<(?:c:)?ser>.*?</(?:c:)?ser>", xml, re.S)
            assert series, name
            colours.append([(re.search(r'<a:srgbClr val="([0-9A-F]{6})"', s) or [None, None])[1] for s in series])
    return colours


@pytest.mark.slow
def test_chart_series_have_explicit_colours(standard_book: Path, tmp_path: Path) -> None:
    """Without a theme part (LibreOffice's files), theme-coloured series draw nothing: every series names its
    colour. The LibreOffice-made input is in tests/test_libreoffice.py; here the theme part is removed by hand."""
    themeless = tmp_path / "无主题.xlsx"
    with zipfile.ZipFile(standard_book) as src, zipfile.ZipFile(themeless, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename.startswith("xl/theme/"):
                continue
            data = src.read(item.filename)
            if item.filename in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
                data = re.sub(rb"<(Override|Relationship)[^>]*theme[^>]*/>", b"", data)
            dst.writestr(item, data)
    out = tmp_path / "结果.xlsx"
    done = run("score", themeless, "-o", out)
    assert done.exit_code == 0, done.output
    with zipfile.ZipFile(out) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/theme/")]
    charts = _series_colours(out)
    assert len(charts) == 2 and all(c and all(c) for c in charts), charts

    year = build_year(tmp_path / "年度")
    annual = tmp_path / "年度.xlsx"
    assert run("annual", *year, "-o", annual).exit_code == 0
    (lines,) = _series_colours(annual)
    assert len(lines) == 3 and all(lines) and len(set(lines)) == 3  # 甲 乙 丙, each its own colour


@pytest.mark.slow
def test_wide_template_prints_its_title_whole_in_the_page_header(tmp_path: Path) -> None:
    wide = [a for i in range(1, 9) for a in ("-p", f"项目{i}")]
    out = tmp_path / "wide.xlsx"
    assert run("template", "检查表", "--year", 2026, "--quarter", 1, "--company", "江城&置业", *wide, "-o", out).exit_code == 0
    ws = openpyxl.load_workbook(out)["营销篇"]
    assert int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A3) and ws.col_breaks.brk  # printed across several pages
    title = ws["A1"].value
    assert ws.oddHeader.center.text == title  # whole on every page
    assert ws.oddHeader.right.text == "公司名称：江城&&置业"  # & escaped in a header
    # the merged title row is not in the print area, so the repeated columns A:D cannot print a cut-off piece of it
    assert ws.print_area.replace("$", "").split("!")[-1].startswith("A3:")
    narrow = tmp_path / "narrow.xlsx"
    assert run("template", "检查表", "--year", 2026, "--quarter", 1, "-p", "甲", "-o", narrow).exit_code == 0
    ws = openpyxl.load_workbook(narrow)["营销篇"]
    assert ws.print_area.replace("$", "").split("!")[-1].startswith("A1:")  # one page across: title on the sheet


@pytest.mark.slow
def test_sample_copy_is_scored_unchanged_by_these_outputs(tmp_path: Path) -> None:
    """The real sample: -o .xlsx still works and the backup line is absent without --in-place."""
    sample = shutil.copy(Q1_SAMPLE, tmp_path / Q1_SAMPLE.name)
    done = run("score", sample, "-o", tmp_path / "样例结果.xlsx")
    assert done.exit_code == 0, done.output
    assert "备份" not in done.output


# --- 9 and 12 through LibreOffice (skipped without soffice, except on CI) ---------------------------------------------

SERIES_BLUE = (0x4F, 0x81, 0xBD)  # xlchart.SERIES_COLOURS[0]


@pytest.fixture(scope="module")
def lo_work(tmp_path_factory) -> Path:
    """The Q1 sample re-saved by LibreOffice (no theme part), scored; the result and a wide template as PDFs."""
    from lo import PROFILE, convert, require_soffice

    require_soffice()
    folder = tmp_path_factory.mktemp("lo_accidents")
    shutil.copy(Q1_SAMPLE, folder / Q1_SAMPLE.name)
    (resaved,) = convert(folder / Q1_SAMPLE.name, "xlsx", folder / "resaved")
    with zipfile.ZipFile(resaved) as z:
        assert not [n for n in z.namelist() if n.startswith("xl/theme/")]  # what made the bars vanish
    done = run("score", resaved, "-o", folder / "result.xlsx")
    assert done.exit_code == 0, done.output
    wide = [a for i in range(1, 9) for a in ("-p", f"项目{i}")]
    done = run("template", "检查表", "--year", 2026, "--quarter", 1, *wide, "-o", folder / "wide.xlsx")
    assert done.exit_code == 0, done.output
    convert([folder / "result.xlsx", folder / "wide.xlsx"], "pdf", folder / "pdf")
    yield folder
    shutil.rmtree(PROFILE, ignore_errors=True)


@pytest.mark.slow
def test_result_of_a_libreoffice_saved_input_has_explicit_series_colours(lo_work: Path) -> None:
    with zipfile.ZipFile(lo_work / "result.xlsx") as z:
        assert not [n for n in z.namelist() if n.startswith("xl/theme/")]
    charts = _series_colours(lo_work / "result.xlsx")
    assert charts == [["4F81BD"], ["4F81BD"]]


@pytest.mark.slow
def test_ranking_bars_render_from_a_libreoffice_saved_input(lo_work: Path) -> None:
    from lo import count_colour, pdf_page_texts, render_page

    pdf = lo_work / "pdf" / "result.pdf"
    pages = pdf_page_texts(pdf)
    for heading in ("职能排名——", "项目排名——"):
        (page,) = [n for n, text in enumerate(pages, start=1) if heading in text]
        image = render_page(pdf, page, lo_work / f"bars_{page}", dpi=50, fmt="ppm")
        bars = count_colour(image, SERIES_BLUE)
        assert bars > 1000, f"{heading} 的条形图没有画出来(条形颜色像素 {bars})"


@pytest.mark.slow
def test_wide_template_title_is_whole_on_every_page_across(lo_work: Path) -> None:
    from lo import pdf_page_texts

    pages = pdf_page_texts(lo_work / "pdf" / "wide.pdf")
    title = "客户触点分级管理检查表——营销篇（2026年第1季度）"
    marketing = [text for text in pages if "项目" in text and text.lstrip().startswith("营销篇")]
    assert len(marketing) >= 2
    for text in marketing:
        assert title in text, text[:200]
        assert text.count("客户触点分级管理检查表") == 1  # no cut-off copy from the repeated columns
