"""Each person's own result (issue #14): one workbook per person, `<期间>_<部门>_<姓名>_考核结果.xlsx`, holding a
one-page 考核结果 sheet and that person's form, and nothing of anyone else — HR sends these files out.

Why openpyxl and not the zip-level graft: a byte copy of one sheet keeps whatever the package holds beside it —
the shared-strings table (every person's name), docProps (TitlesOfParts lists every sheet), calcChain, defined
names, pivot caches, external links, x14 extensions whose formulas point at other sheets. Loading the input and
saving only the person's sheet rebuilds every one of those parts from what is written, so nothing we did not
write can ride along. The input is loaded once per file; each person's file is saved from it with the workbook's
sheet list narrowed to their form (io.openpyxl_compat.only_sheets: openpyxl saves only those sheets).

The form keeps its values, styles, merges, widths, print setup, comments and same-sheet validations and
conditional formats. Formulas become the values kpicli read when scoring (a formula pointing at another sheet
would name it and break without it); links, validations and conditional formats that point at another sheet,
charts and pivot tables are dropped, and comments lose their author (a name, like the workbook's author).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.packaging.core import DocumentProperties
from openpyxl.packaging.custom import CustomPropertyList
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

from kpicli.core.errors import InputError, KpiError
from kpicli.core.exact import half_up
from kpicli.core.period import parse_period
from kpicli.io.openpyxl_compat import (
    conditional_rules,
    drop_charts_and_pivots,
    drop_external_links,
    load_input,
    only_sheets,
)
from kpicli.io.outputs import RESULT_KIND, atomic_write, ensure_writable, mark_workbook
from kpicli.io.workbook import Grid, NoFormulaValue, RawWorkbook, read_workbook
from kpicli.io.xlfast import apply_style, cached_style
from kpicli.render.style import (
    BORDER,
    CENTER,
    FONT_NAME,
    GRADE_FONTS,
    HEADER_FILL,
    HEADER_FONT,
    LINE_HEIGHT,
    MUTED_FONT,
    SCORE_FORMAT,
    WRAP,
    display_width,
    fit_to_page_width,
    grade_style,
    put,
    set_widths,
    title,
)
from kpicli.scorecard.apply import actual_text
from kpicli.scorecard.group import group_key
from kpicli.scorecard.render.book import PAY_FORMAT, number
from kpicli.scorecard.result import ScorecardResult
from kpicli.scorecard.settings import DEFAULT_SETTINGS, REVIEWER_NAMES, ScorecardSettings
from kpicli.scorecard.settings_text import RED_LINE_TEXT, coefficient_text, grade_bands_text
from kpicli.scorecard.values import fmt

RESULT_SHEET = "考核结果"
SUFFIX = "_考核结果.xlsx"
WIDTHS = [14, 24, 11, 13, 13, 11]  # portrait A4 at 100 %: 考核部分 | 考核指标 | 满分 …
PART_LIMIT = 40  # characters per part of a file name: three parts stay far below 255 bytes
_FORBIDDEN = re.compile(r'[/\\:*?"<>|\x00-\x1f\x7f]')
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_CELL_RANGE = re.compile(r"^=?\$?[A-Z]{1,3}\$?\d+(:\$?[A-Z]{1,3}\$?\d+)?$")


@dataclass(frozen=True)
class PersonFile:
    """One person's result workbook as written."""

    name: str
    department: str | None
    path: Path


def safe_file_part(text: object) -> str:
    """Text as a part of a file name on Windows, macOS and Linux: / \\ : * ? " < > | and control characters
    removed, white space collapsed, no leading or trailing dots and spaces, no Windows device name (CON …)."""
    cleaned = _FORBIDDEN.sub("", unicodedata.normalize("NFC", str(text)))
    cleaned = " ".join(cleaned.split()).strip(" .")[:PART_LIMIT].strip(" .")
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"_{cleaned}"
    return cleaned


def person_file_name(period: str | None, department: str | None, name: str) -> str:
    """<期间>_<部门>_<姓名>_考核结果.xlsx, the period as file names write it (2026Q1, 2026年03月, 2026年度: the same
    as `template --split`); a part that is missing (or empty once made safe) is left out."""
    parsed = parse_period(period) if period else None
    period = parsed.file_label if parsed is not None else period
    parts = [safe_file_part(x) for x in (period, department) if x] + [safe_file_part(name) or "未命名"]
    return "_".join(p for p in parts if p) + SUFFIX


@dataclass
class _Person:
    record: dict[str, object]
    source: Path
    sheet: str  # the sheet's name in its own file
    target: Path


def _plan(result: ScorecardResult, raws: Sequence[RawWorkbook], folder: Path) -> list[_Person]:
    """Who goes where: each person's source file and sheet, and a file name no other person of the run has.
    Names that only differ in what is unsafe (张三? and 张三) get _2, _3 …; the comparison ignores case because
    Windows and macOS do."""
    names = [raw.path.name for raw in raws]
    where: dict[str, tuple[Path, str]] = {}
    for raw in raws:
        file = str(raw.path) if names.count(raw.path.name) > 1 else raw.path.name  # as group.score_books keys it
        for sheet in raw.sheet_names:
            where[sheet if len(raws) == 1 else group_key(file, sheet)] = (raw.path, sheet)
    taken: set[str] = set()
    plan = []
    for p in result.people.to_dict("records"):
        source, sheet = where[p["sheet"]]
        file = person_file_name(result.period, p["department"], p["person"])
        stem, counter = file[: -len(SUFFIX)], 1
        while unicodedata.normalize("NFC", file).casefold() in taken:
            counter += 1
            file = f"{stem}_{counter}{SUFFIX}"
        taken.add(unicodedata.normalize("NFC", file).casefold())
        plan.append(_Person(p, source, sheet, folder / file))
    return plan


def write_per_person(result: ScorecardResult, sources: Sequence[Path | str], folder: Path | str, *,
                     force: bool = False, raws: Sequence[RawWorkbook] | None = None,
                     settings: ScorecardSettings | None = None) -> list[PersonFile]:
    """Write one result workbook per person into `folder` (created when its parent exists).

    sources: the scored files, in the order they were scored (raws: their calamine reads, if at hand — the
    values that replace formulas). Every target is checked before any is written: a file kpicli did not write is
    only replaced with force, and an input file never.
    """
    folder = Path(folder)
    check_folder(folder)
    settings = settings or getattr(result, "settings", None) or DEFAULT_SETTINGS  # the rules it was scored by
    paths = [Path(s) for s in sources]
    raws = list(raws) if raws is not None else [read_workbook(p) for p in paths]
    plan = _plan(result, raws, folder)
    inputs = {s.resolve(): s for s in paths}
    for person in plan if folder.exists() else ():  # a folder still to be made holds nothing to overwrite
        ensure_writable(person.target, force=force, source=inputs.get(person.target.resolve()))
    grids = {raw.path: raw.grids for raw in raws}
    folder.mkdir(exist_ok=True)
    written = []
    for source in dict.fromkeys(p.source for p in plan):
        wb = _load(source)
        for person in (p for p in plan if p.source == source):
            form = wb[person.sheet]
            _own_sheet_only(form, grids[source][person.sheet])
            sheet = wb.create_sheet(_free_title(form.title))
            build_person_sheet(sheet, result, person.record, person.sheet, settings)
            with only_sheets(wb, [sheet, form]):  # the package openpyxl writes holds these two sheets, nothing else
                form.sheet_state = "visible"
                wb.active = 0
                for view in wb.views:
                    view.firstSheet = 0  # the input may have scrolled its tab bar past sheets that are not here
                sheet.sheet_view.tabSelected, form.sheet_view.tabSelected = True, False
                atomic_write(person.target, wb.save)
            wb.remove(sheet)  # the next person's file gets its own result sheet, under the same name
            written.append(PersonFile(str(person.record["person"]), person.record["department"], person.target))
    return written


def check_folder(folder: Path) -> None:
    """A folder, or a path that can become one (its parent exists): KpiError otherwise."""
    if folder.exists() and not folder.is_dir():
        raise KpiError(f"--per-person 需要一个文件夹，{folder} 是一个文件；请给出文件夹路径，例如 {folder.parent / '个人结果'}")
    if not folder.exists() and not folder.parent.is_dir():
        raise KpiError(f"--per-person 的上级文件夹不存在：{folder.parent}；请先创建它，或换一个文件夹")


def _load(source: Path) -> Workbook:
    """The input as an openpyxl workbook, stripped of everything that belongs to the whole book."""
    try:
        wb = load_input(source)
    except InputError as exc:  # calamine read it, openpyxl cannot: only openpyxl's own errors come here
        raise KpiError(f"无法复制 {source.name} 中的考核表；个人结果文件未写出。{exc.message}") from exc
    wb.defined_names.clear()
    drop_external_links(wb)
    wb.properties = DocumentProperties(creator="kpicli")  # author, title, company of the input: not ours to pass on
    wb.custom_doc_props = CustomPropertyList()
    mark_workbook(wb, RESULT_KIND)  # folder runs skip it like any result workbook
    return wb


def _free_title(form_title: str) -> str:
    return RESULT_SHEET if form_title.casefold() != RESULT_SHEET.casefold() else f"{RESULT_SHEET}（kpicli）"


def _other_sheet(text: object, own: str) -> bool:
    """True when a formula or link text may point at another sheet or workbook."""
    if not isinstance(text, str):
        return False
    plain = text.replace(f"'{own}'!", "").replace(f"{own}!", "")
    return "!" in plain or "[" in plain


def _own_sheet_only(ws: Worksheet, grid: Grid) -> None:
    """Formulas → the values read when scoring; whatever points at another sheet goes (see module doc)."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                value = grid.cell(cell.row - 1, cell.column - 1)
                if isinstance(value, NoFormulaValue):  # never calculated: keep it only when it stays on this sheet
                    value = None if _other_sheet(cell.value, ws.title) else cell.value
                cell.value = None if value == "" else value
                if isinstance(value, str) and value.startswith("=") and not isinstance(value, NoFormulaValue):
                    cell.data_type = "s"
            link = cell.hyperlink
            if link is not None and (_other_sheet(link.location, ws.title)
                                     or ((link.target or "").startswith("#") and _other_sheet(link.target, ws.title))):
                cell.hyperlink = None
            if cell.comment is not None:  # who typed a comment is metadata about the file, like its author
                cell.comment.author = ""
    dv = ws.data_validations.dataValidation
    dv[:] = [v for v in dv if all(f is None or f.startswith('"') or _CELL_RANGE.match(f) or _is_number(f)
                                  for f in (v.formula1, v.formula2))]
    rules = conditional_rules(ws)
    for key in list(rules):
        rules[key] = [r for r in rules[key] if not any(_other_sheet(f, ws.title) for f in r.formula or ())]
        if not rules[key]:
            del rules[key]
    ws.defined_names.clear()
    drop_charts_and_pivots(ws)


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


# ---------------------------------------------------------------- the 考核结果 sheet


def _heading(ws: Worksheet, r: int, text: str) -> int:
    cell = put(ws, r, 1, text)
    apply_style(cell, cached_style(ws.parent, ("person heading",), font=HEADER_FONT, fill=HEADER_FILL,
                                   alignment=WRAP))
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(WIDTHS))
    return r + 1


def _cell(ws: Worksheet, r: int, c: int, value: object, fmt_: str | None = None, *, bold: bool = False,
          grade: str | None = None, names: Sequence[str] = (), span: int = 1) -> None:
    """A bordered centred cell: a label (bold, shaded), a value, or a value in its grade's colours."""
    fill, font = grade_style(grade, names) or (HEADER_FILL if bold else None, HEADER_FONT if bold else None)
    style = cached_style(ws.parent, ("person cell", fmt_, bold, grade), font=font, fill=fill, border=BORDER,
                         alignment=CENTER, number_format=fmt_)
    for k in range(c, c + span):  # every cell of a merged span bordered, or the border prints broken
        apply_style(ws.cell(r, k), style)
    put(ws, r, c, value)
    if span > 1:
        ws.merge_cells(start_row=r, start_column=c, end_row=r, end_column=c + span - 1)


def _pairs(ws: Worksheet, r: int, pairs: Sequence[tuple[str, object, str | None, str | None]],
           names: Sequence[str] = ()) -> int:
    """Label/value pairs two to a row: label | value | label | value (over the last three columns)."""
    for i in range(0, len(pairs), 2):
        for (label, value, fmt_, grade), c in zip(pairs[i:i + 2], (1, 3)):
            _cell(ws, r, c, label, bold=True)
            _cell(ws, r, c + 1, value, fmt_, grade=grade, names=names, span=1 if c == 1 else len(WIDTHS) - 3)
        r += 1
    return r


def _table(ws: Worksheet, r: int, headers: Sequence[str], rows: Sequence[Sequence[object]],
           formats: dict[int, str] | None = None) -> int:
    for c, text in enumerate(headers, start=1):
        _cell(ws, r, c, text, bold=True)
    for row in rows:
        r += 1
        for c, value in enumerate(row, start=1):
            _cell(ws, r, c, value, (formats or {}).get(c - 1))
    return r + 2


def _rank_text(rank: object, count: int, where: str = "") -> str:
    if rank is None or pd.isna(rank):
        return "—"
    return f"第 {int(rank)} 名 / {count} 人{where}"


def _where(sheet: str, cell: object) -> str:
    return f"{sheet}!{cell}" if cell else ""


def build_person_sheet(ws: Worksheet, result: ScorecardResult, p: dict[str, object], sheet: str,
                       settings: ScorecardSettings = DEFAULT_SETTINGS) -> None:
    """The one-page 考核结果 of one person: who, the result, ranks, sections, items, reviewer differences and red
    lines. Only p's own rows of the result are read; the ranks' head counts are the only thing about others."""
    names = settings.grades.names
    key = p["sheet"]
    scored = p["score"] is not None
    title(ws, "个人绩效考核结果", len(WIDTHS), " ".join(str(x) for x in (result.company, result.period) if x) or None)
    r = _heading(ws, 4, "基本信息")
    r = _pairs(ws, r, [("姓名", p["person"], None, None), ("部门", p["department"] or "—", None, None),
                       ("岗位", p["position"] or "—", None, None), ("考核期间", result.period or "—", None, None)])
    people = result.people
    ranked = people[people["rank"].notna()]
    same = ranked[ranked["department_rank"].notna() & (ranked["department"].map(str) == str(p["department"]))]
    grade = p["grade"] if scored else None
    r = _heading(ws, r + 1, "考核结果")
    r = _pairs(ws, r, [("总分", p["score"] if scored else "未算出", SCORE_FORMAT, grade),
                       ("等级", p["grade"] if scored else "—", None, grade),
                       ("绩效系数", p["coefficient"], "0.0#", None),
                       ("绩效奖金", "—" if p["bonus"] is None else p["bonus"], PAY_FORMAT, None),
                       ("奖金基数", "未填写" if p["base"] is None else number(p["base"]), PAY_FORMAT, None),
                       ("红线", "、".join(p["red_lines"]) or "未触及", None, names[-1] if p["red_lines"] else None),
                       ("全体排名", _rank_text(p["rank"], len(ranked)), None, None),
                       ("部门排名", _rank_text(p["department_rank"], len(same), f"（{p['department']}）"), None, None)],
               names)
    mine = result.sections[result.sections["sheet"] == key]
    rows = [[s or "（未分部分）", f"{fmt(w)}%" if w is not None else "—",
             100 if w is not None else number(m), _score(v)] for s, w, m, v in
            zip(mine["section"], mine["weight"], mine["max_points"], mine["score"])]
    rows.append(["总分", "", "", p["score"]])
    r = _table(ws, _heading(ws, r + 1, "各部分得分"), ["考核部分", "权重", "满分", "得分"], rows,
               {2: SCORE_FORMAT, 3: SCORE_FORMAT})
    items = result.indicators[result.indicators["sheet"] == key].sort_values("row", kind="stable")
    rows = [[t.section or "", t.indicator, number(t.max_points), actual_text(t.rule, t.actual) or "—", t.basis,
             number(t.score)] for t in items.itertuples(index=False)]
    r = _table(ws, _heading(ws, r, "各项得分"), ["考核部分", "考核指标", "满分", "实际完成", "采用", "得分"], rows,
               {2: SCORE_FORMAT, 5: SCORE_FORMAT})
    r = _differences(ws, r, items, sheet)
    r = _red_lines(ws, r, result, key, sheet, bool(p["red_lines"]), settings)
    note = (f"说明：总分按精确值计算后四舍五入保留两位小数，各部分得分显示时四舍五入；等级：{grade_bands_text(settings)}；"
            f"绩效系数：{coefficient_text(settings)}；绩效奖金 = 基数 × 绩效系数；排名为竞争排名（并列同名次）。"
            f"后附的工作表「{sheet}」是本人的考核表，内容为评分时读到的数值（公式已换成计算结果）。")
    cell = put(ws, r, 1, note)
    cell.font, cell.alignment = MUTED_FONT, WRAP
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(WIDTHS))
    # set_widths leaves a note outside the tables at one line: give it the lines it wraps to
    ws.row_dimensions[r].height = LINE_HEIGHT * math.ceil(display_width(note) / (sum(WIDTHS) - 4)) + 3
    set_widths(ws, WIDTHS)
    fit_to_page_width(ws, landscape=False)
    ws.page_setup.fitToHeight = 1  # one page: HR prints and hands it over
    ws.print_area = f"A1:F{r}"
    ws.sheet_view.showGridLines = False


def _score(value: object) -> object:
    return half_up(Fraction(value), 2) if isinstance(value, (Fraction, int)) else None


def _differences(ws: Worksheet, r: int, items: pd.DataFrame, sheet: str) -> int:
    rows = []
    for t in items.itertuples(index=False):
        for key in ("reviewer1", "reviewer2"):
            given = getattr(t, key)
            if t.computed is not None and given is not None and given != t.computed:
                rows.append([t.indicator, actual_text(t.rule, t.actual), number(t.computed),
                             f"{REVIEWER_NAMES[key]}（{_where(sheet, getattr(t, f'{key}_cell'))}）", number(given),
                             number(given - t.computed)])
    if not rows:
        rows = [["没有评分差异", "", None, "", None, None]]
    return _table(ws, _heading(ws, r, "评分差异（上级或二级评分与按计分方式算出的不同，以评分人为准）"),
                  ["考核指标", "实际完成", "计算得分", "评分人", "评分", "差额"], rows,
                  {2: SCORE_FORMAT, 4: SCORE_FORMAT, 5: "+0.00;-0.00;0.00"})


def _red_lines(ws: Worksheet, r: int, result: ScorecardResult, key: str, sheet: str, touched: bool,
               settings: ScorecardSettings) -> int:
    mine = result.red_lines[result.red_lines["sheet"] == key]
    rows = [[i, item, "触及" if hit else "未触及", _where(sheet, cell)]
            for i, (item, hit, cell) in enumerate(zip(mine["item"], mine["touched"], mine["cell"]), start=1)]
    if not rows:
        rows = [["—", "本表没有红线事项", "", ""]]
    r = _table(ws, _heading(ws, r, "红线事项"), ["序号", "红线事项", "是否触及", "单元格"], rows)
    if touched:
        cell = put(ws, r - 1, 1, f"已触及红线：{RED_LINE_TEXT[settings.red_line]}")
        cell.font = Font(name=FONT_NAME, bold=True, color=GRADE_FONTS[-1])
        ws.merge_cells(start_row=r - 1, start_column=1, end_row=r - 1, end_column=len(WIDTHS))
        r += 1
    return r
