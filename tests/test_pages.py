"""Every sheet of every output kind, printed through LibreOffice (issue 21, 「Sheets as printed」).

Both kinds' workbooks — checklist results (a clean sample and the messy one), the blank checklist, a collected
checklist, the checklist year, a team's 奖惩分配表, the scorecard result, a per-person file, the blank scorecard
forms, the scorecard year and the payout list — are converted to PDF in one soffice start, then every sheet kpicli
wrote is checked as printed:

- no cell prints as ### (a number wider than its column), in LibreOffice (the PDF) nor by Excel's measure (a digit
  one unit of column width);
- every text and every number of the sheet (as its number format shows it) is found whole in the PDF's text:
  LibreOffice leaves out what a cell cuts off at its right edge, so a cut header or amount is missing there;
- no page of a sheet holds only the repeated header row (with notes under it): every later page prints a table row;
- no two words overprint each other (wrapped text taller than its row spills over the next row's text).

The copies of the input's own sheets (the user's forms) are not judged. Skipped without soffice/poppler (on CI,
CI=true, a missing LibreOffice fails, as in tests/test_libreoffice.py).
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from builders import run
from lo import PROFILE, convert, require_soffice
from openpyxl.utils import range_boundaries
from samples import CHECKLISTS, MESSY_NAME, QUARTER_NAMES, SCORECARD_NAME, SCORECARDS

from kpicli.render.style import display_width

pytestmark = pytest.mark.slow  # one soffice start converting every output kind (about 20 s)

Q1 = QUARTER_NAMES[0]
FOOTER = re.compile(r"^\s*(\S+)\s+第\s*\d+\s*页，共\s*\d+\s*页\s*$", re.M)
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
# pdftotext's word box spans the font's ascent to descent, about 1.3 × the printed size: the glyphs themselves sit
# in the middle of it, and the boxes of two wrapped lines of one cell overlap a little. Overprint is judged on
# the middle of each box (the glyph body), which lines of one cell never share.
BODY = 0.85


@dataclass
class Output:
    """One workbook kpicli wrote and the sheets in it that are the input's own (not judged)."""

    path: Path
    inputs: frozenset[str] = frozenset()


def _sheetnames(path: Path) -> frozenset[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return frozenset(book.sheetnames)
    finally:
        book.close()


def _ok(*args: object) -> None:
    done = run(*args)
    assert done.exit_code == 0, done.output


@pytest.fixture(scope="module")
def outputs(tmp_path_factory) -> dict[str, Output]:
    require_soffice()
    work = tmp_path_factory.mktemp("pages")
    for source in (CHECKLISTS / Q1, *(CHECKLISTS / n for n in QUARTER_NAMES[1:]), CHECKLISTS / MESSY_NAME):
        shutil.copy(source, work / source.name)
    for name in (SCORECARD_NAME, "2026年01月_客服部绩效考核表.xlsx", "2026年02月_客服部绩效考核表.xlsx",
                 "2026年03月_客服部绩效考核表.xlsx", "2026年度_客服部年终考核表.xlsx", "客服部_人员名单.csv"):
        shutil.copy(SCORECARDS / name, work / name)
    out = work / "out"
    out.mkdir()
    _ok("score", work / Q1, "-o", out / "c_result.xlsx", "--per-team", work / "teams")
    _ok("score", work / MESSY_NAME, "-o", out / "c_messy.xlsx")
    _ok("template", "检查表", "--year", 2026, "--quarter", 3, "-p", "云栖府", "-p", "望江台", "-o", out / "c_template.xlsx")
    _ok("collect", work / Q1, "-o", out / "c_collected.xlsx")
    _ok("annual", *(work / n for n in QUARTER_NAMES), "-o", out / "c_annual.xlsx")
    _ok("score", work / SCORECARD_NAME, "-o", out / "s_result.xlsx", "--per-person", work / "people")
    _ok("template", "考核表", "--period", "2026Q2", "--indicators", "客服专员", "--people", work / "客服部_人员名单.csv",
        "-o", out / "s_template.xlsx")
    _ok("annual", *(work / f"2026年{m:02d}月_客服部绩效考核表.xlsx" for m in (1, 2, 3)),
        work / "2026年度_客服部年终考核表.xlsx", "-o", out / "s_annual.xlsx")
    _ok("payout", out / "s_result.xlsx", "-o", out / "payout.xlsx")
    (team, *_) = sorted((work / "teams").glob("*.xlsx"))
    (person, *_) = sorted((work / "people").glob("*.xlsx"))
    shutil.copy(team, out / "c_team.xlsx")
    shutil.copy(person, out / "s_person.xlsx")
    found = {
        "c_result": Output(out / "c_result.xlsx", _sheetnames(work / Q1)),
        "c_messy": Output(out / "c_messy.xlsx", _sheetnames(work / MESSY_NAME)),
        "c_template": Output(out / "c_template.xlsx"),
        "c_collected": Output(out / "c_collected.xlsx"),
        "c_annual": Output(out / "c_annual.xlsx"),
        "c_team": Output(out / "c_team.xlsx"),
        "s_result": Output(out / "s_result.xlsx", _sheetnames(work / SCORECARD_NAME)),
        "s_person": Output(out / "s_person.xlsx", _sheetnames(out / "s_person.xlsx") - {"考核结果"}),
        "s_template": Output(out / "s_template.xlsx"),
        "s_annual": Output(out / "s_annual.xlsx"),
        "payout": Output(out / "payout.xlsx"),
    }
    yield found
    shutil.rmtree(PROFILE, ignore_errors=True)


@pytest.fixture(scope="module")
def pdfs(outputs: dict[str, Output]) -> dict[str, Path]:
    names = list(outputs)
    done = convert([outputs[n].path for n in names], "pdf", outputs[names[0]].path.parent / "pdf")
    return dict(zip(names, done))


# --- what the workbook says each sheet shows -------------------------------------------------------------------------


def _decimal_text(value: float, places: int, rounding: str, thousands: bool) -> str:
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(repr(value)).quantize(quantum, rounding=rounding)
    return f"{number:,}" if thousands else f"{number}"


def shown(value: object, number_format: str) -> set[str]:
    """The ways LibreOffice may print a number in this format (rounding half-up or half-even); empty when the
    format is not one kpicli uses (the value is then not looked for)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return set()
    fmt = number_format.split(";")[0]
    sign = "+" if fmt.startswith("+") and value > 0 else ""
    fmt = fmt.lstrip("+")
    percent = fmt.endswith("%")
    number = float(value) * 100 if percent else float(value)
    if number_format.count(";") == 2 and value == 0:
        return {number_format.split(";")[2]}
    if number_format.count(";") >= 1 and value < 0:
        number = -number  # the negative section writes its own sign
        sign = "-"
    core = fmt.rstrip("%")
    thousands = core.startswith("#,##0")
    if core in ("General",):
        return {str(int(value))} if float(value).is_integer() else set()
    match = re.fullmatch(r"(?:#,##)?0(?:\.(0*)(#*))?", core)
    if not match:
        return set()
    fixed, optional = len(match.group(1) or ""), len(match.group(2) or "")
    texts = set()
    for rounding in (ROUND_HALF_UP, ROUND_HALF_EVEN):
        text = _decimal_text(number, fixed + optional, rounding, thousands)
        if optional:
            whole, _, part = text.partition(".")
            part = part[:fixed] + part[fixed:].rstrip("0")
            text = f"{whole}.{part}" if part else whole + ("." if fixed else "")
            text = text.rstrip(".")
        texts.add(f"{sign}{text}{'%' if percent else ''}")
    return texts


def printed_range(ws) -> tuple[int, int, int, int]:
    """(min_col, min_row, max_col, max_row) of the print area, or of the used range."""
    area = ws.print_area
    if area:
        first = area.split(",")[0].split("!")[-1].replace("$", "")
        return range_boundaries(first)
    return 1, 1, ws.max_column, ws.max_row


def sheet_cells(ws):
    """The printed cells (inside the print area, in no hidden row or column) that hold a value."""
    min_col, min_row, max_col, max_row = printed_range(ws)
    for row in ws.iter_rows(min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col):
        for cell in row:
            if cell.value is None or not hasattr(cell, "column_letter"):
                continue
            if ws.column_dimensions[cell.column_letter].hidden or ws.row_dimensions[cell.row].hidden:
                continue
            yield cell


def title_rows(ws) -> tuple[int, int] | None:
    rows = ws.print_title_rows
    if not rows:
        return None
    first, last = rows.split("!")[-1].replace("$", "").split(":")
    return int(first), int(last)


def body_rows(ws) -> list[list[str]]:
    """The table rows under the repeated header (bordered cells), each as the texts it prints."""
    titles = title_rows(ws)
    if titles is None:
        return []
    rows: dict[int, list[str]] = {}
    for cell in sheet_cells(ws):
        if cell.row <= titles[1] or not cell.border.left.style:
            continue
        texts = sorted(shown(cell.value, cell.number_format)) if not isinstance(cell.value, str) else [cell.value]
        if texts:
            rows.setdefault(cell.row, []).append(texts[0])
    return list(rows.values())


def holds_row(page: str, row: list[str]) -> bool:
    """A page (its flat text) prints this table row: all its texts, or — a row split across pages, or a page of
    repeated columns — its first two cells side by side as LibreOffice writes a row (notes that merely mention a
    row's words do not count)."""
    texts = [flat(t) for t in row if flat(t)]
    return all(t in page for t in texts) or (len(texts) >= 2 and texts[0] + texts[1] in page)


# --- what the PDF prints ---------------------------------------------------------------------------------------------


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def raw_pages(pdf: Path) -> list[str]:
    """Each page's text in the order LibreOffice wrote it (a wrapped cell's lines follow each other)."""
    done = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=120,
                          check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def layout_pages(pdf: Path) -> list[str]:
    done = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                          timeout=120, check=True)
    return done.stdout.decode("utf-8").split("\f")[:-1]


def page_words(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    done = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, timeout=120, check=True)
    pages = done.stdout.decode("utf-8").split("<page ")[1:]
    return [[(float(a), float(b), float(c), float(d), html.unescape(w)) for a, b, c, d, w in WORD.findall(page)]
            for page in pages]


def sheet_of_pages(pages: list[str], names: list[str]) -> list[str | None]:
    """The sheet each page belongs to: by kpicli's footer 「<sheet>  第 n 页，共 m 页」, or by the page header that
    names the sheet (the blank checklist's function sheets); None when the page names no sheet."""
    found: list[str | None] = []
    for page in pages:
        footer = FOOTER.findall(page)
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        if footer and footer[-1] in names:
            found.append(footer[-1])
        elif lines and lines[0].split()[0] in names:
            found.append(lines[0].split()[0])
        else:
            found.append(None)
    return found


def overprints(words: list[tuple[float, float, float, float, str]]) -> list[str]:
    """Pairs of words whose glyph bodies overlap (one printed over the other)."""
    boxes = []
    for x0, y0, x1, y1, word in words:
        margin = (y1 - y0) * (1 - BODY) / 2
        boxes.append((x0 + 0.5, y0 + margin, x1 - 0.5, y1 - margin, word))
    boxes.sort()
    clashes = []
    for i, (x0, y0, x1, y1, word) in enumerate(boxes):
        for u0, v0, u1, v1, other in boxes[i + 1:]:
            if u0 >= x1:
                break
            if v0 < y1 and y0 < v1 and min(x1, u1) - max(x0, u0) > 1:
                clashes.append(f"「{word}」与「{other}」")
    return clashes


# --- the checks ------------------------------------------------------------------------------------------------------


def judged(output: Output) -> list[str]:
    return [name for name in _sheetnames_ordered(output.path) if name not in output.inputs]


def _sheetnames_ordered(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def test_every_output_kind_prints_without_hashes_cuts_lone_headers_or_overprint(outputs, pdfs) -> None:
    failures: list[str] = []
    for key, output in outputs.items():
        pdf = pdfs[key]
        raw, layout, words = raw_pages(pdf), layout_pages(pdf), page_words(pdf)
        assert len(raw) == len(layout) == len(words), key
        for number, page in enumerate(layout, start=1):
            if "###" in page:
                failures.append(f"{output.path.name} 第 {number} 页：有单元格显示为 ###（列太窄）")
        book = openpyxl.load_workbook(output.path)
        names = judged(output)
        owners = sheet_of_pages(layout, book.sheetnames)
        for name in names:
            ws = book[name]
            pages = [n for n, owner in enumerate(owners, start=1) if owner == name]
            if not pages:
                failures.append(f"{output.path.name}：{name} 没有打印（找不到它的页脚或页眉）")
                continue
            text = flat("".join(raw[n - 1] for n in pages))  # the sheet's own pages: a text elsewhere proves nothing
            merged = {cell for span in ws.merged_cells.ranges for cell in span.cells}
            for cell in sheet_cells(ws):
                if isinstance(cell.value, str):
                    wanted = {flat(cell.value)} if cell.data_type != "f" else set()
                else:
                    wanted = shown(cell.value, cell.number_format)
                    # Excel cannot be run here: its ### comes when a number is wider than its column, a digit
                    # being one unit of column width in 等线 (wide symbols such as % measured as display_width does)
                    width = ws.column_dimensions[cell.column_letter].width or 8.43
                    if (cell.row, cell.column) not in merged and any(display_width(w) > width - 0.5 for w in wanted):
                        failures.append(f"{output.path.name}：{name}!{cell.coordinate} 的「{sorted(wanted)[0]}」"
                                        f"比列宽 {width} 宽，Excel 会显示 ###")
                if wanted and not any(w in text for w in wanted):
                    failures.append(f"{output.path.name}：{name}!{cell.coordinate} 的「{sorted(wanted)[0]}」"
                                    "没有完整印出（被截断或缺失）")
            rows = body_rows(ws)
            for number in pages[1:]:
                page = flat(raw[number - 1])
                if rows and not any(holds_row(page, row) for row in rows):
                    failures.append(f"{output.path.name}：{name} 第 {number} 页只有重复的表头，没有表格行")
            for number in pages:
                clashes = overprints(words[number - 1])
                if clashes:
                    failures.append(f"{output.path.name}：{name} 第 {number} 页文字重叠：{'、'.join(clashes[:4])}")
        book.close()
    assert not failures, "\n".join(failures)
