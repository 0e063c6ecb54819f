"""Where things are in a function sheet of the checklist: the header row, the item columns and the project groups.

Columns are found by header text (contract §3), never by letter. A column inside a project group whose sub-header
is none of 自查/检查/备注 (a column inserted into a merged group, a sub-header renamed such as 抽查, or an older
template's 项目自评/公司检查) is named by its own cell: ignored with an info line while the group still has its
自查 and 检查 columns, an error when the group lacks one of them (the unknown column is most likely the missing one).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kpicli.checklist.which_sheets import HEADER_SEARCH_ROWS, header_row_of
from kpicli.checklist.words import COMPANY_GROUP, ITEM_COLUMNS, SUBHEADERS
from kpicli.core.errors import Problem
from kpicli.core.vocab import clean_label, column_letter, display_name, normalize
from kpicli.io.workbook import Grid

_PARTS = {"self": "自查", "check": "检查", "remark": "备注"}


@dataclass
class Group:
    name: str
    header_col: int
    self_col: int | None = None
    check_col: int | None = None
    remark_col: int | None = None
    # columns inside the group with a sub-header that is none of 自查/检查/备注: (sub-header cell, its text)
    unknown: list[tuple[str, str]] = field(default_factory=list)

    @property
    def is_company(self) -> bool:
        return normalize(self.name) == COMPANY_GROUP


@dataclass
class Layout:
    """Where things are in one function sheet (zero-based rows and columns)."""

    sheet: str
    function: str
    header_row: int
    item_cols: dict[str, int] = field(default_factory=dict)
    groups: list[Group] = field(default_factory=list)

    @property
    def first_item_row(self) -> int:
        return self.header_row + 2


def group_label(text: object) -> str:
    """A project name as the user typed it (vocab.display_name); sheets join on vocab.name_key, not on this."""
    return display_name(text)


def _merged_header(grid: Grid, header_row: int) -> dict[int, int]:
    """column → first column of the horizontal merge it lies in, on the header row."""
    spans: dict[int, int] = {}
    for (r0, c0), (r1, c1) in grid.merged:
        if r0 <= header_row <= r1 and c1 > c0:
            spans.update(dict.fromkeys(range(c0, c1 + 1), c0))
    return spans


def _inside(grid: Grid, c: int, group: Group, spans: dict[int, int], header_row: int) -> bool:
    """Whether column c (blank on the header row, no known sub-header) still belongs to `group`: under the group's
    merged name, or with a sub-header text right after the group's columns, or followed by a sub-header the group
    still lacks before the next name."""
    if spans.get(c) == group.header_col or normalize(grid.cell(header_row + 1, c)):
        return True
    for k in range(c + 1, grid.n_cols):
        if normalize(grid.cell(header_row, k)) and spans.get(k) != group.header_col:
            return False
        kind = SUBHEADERS.get(normalize(grid.cell(header_row + 1, k)))
        if kind is not None:
            return getattr(group, f"{kind}_col") is None
    return False


def find_layout(grid: Grid, function: str) -> tuple[Layout | None, list[Problem]]:
    """Locate the header, the item columns and the project groups of a function sheet."""
    sheet = grid.name
    problems: list[Problem] = []
    header_row = header_row_of(grid)
    if header_row is None:
        problems.append(Problem("error", sheet, None, f"前 {HEADER_SEARCH_ROWS} 行中找不到「触点名称」表头；"
                                "请确认表头行有一个单元格写着「触点名称」"))
        return None, problems
    layout = Layout(sheet=sheet, function=function, header_row=header_row)
    sub_row = header_row + 1
    spans = _merged_header(grid, header_row)
    current: Group | None = None
    seen: dict[str, Group] = {}
    for c in range(grid.n_cols):
        head, sub = grid.cell(header_row, c), grid.cell(sub_row, c)
        head_key, kind = normalize(head), SUBHEADERS.get(normalize(sub))
        head_cell = f"{column_letter(c)}{header_row + 1}"
        sub_cell = f"{column_letter(c)}{sub_row + 1}"
        if kind is None:
            if not head_key and current is not None and _inside(grid, c, current, spans, header_row):
                current.unknown.append((sub_cell, clean_label(sub)))
                continue
            current = None
            if head_key in ITEM_COLUMNS:
                layout.item_cols.setdefault(ITEM_COLUMNS[head_key], c)
                continue
            if not (head_key and normalize(sub)):
                if head_key:
                    problems.append(Problem("info", sheet, head_cell, f"「{clean_label(head)}」列不是已知的检查表列，"
                                            "已忽略；如果它是项目，请在下一行填写 自查、检查 子表头"))
                continue
        if head_key and head_key not in ITEM_COLUMNS:
            name = group_label(head)
            if normalize(name) in seen:
                problems.append(Problem("error", sheet, head_cell, f"项目「{name}」在本表出现了两次；"
                                        "请合并为一组列或改名"))
                current = Group(name=name, header_col=c)  # swallows the duplicate's columns, not kept
                continue
            current = Group(name=name, header_col=c)
            seen[normalize(name)] = current
            layout.groups.append(current)
        elif current is None:
            problems.append(Problem("error", sheet, sub_cell, f"「{clean_label(sub)}」列上方没有项目名称；"
                                    f"请在第 {header_row + 1} 行填写项目名称（或合并单元格）"))
            continue
        if kind is None:  # a group whose first sub-header is unknown
            current.unknown.append((sub_cell, clean_label(sub)))
            continue
        slot = f"{kind}_col"
        if getattr(current, slot) is not None:
            if kind == "remark":
                continue
            label = "检查" if kind == "check" else "自查"
            problems.append(Problem("error", sheet, sub_cell, f"项目「{current.name}」有两列「{label}」；"
                                    "每个项目只能有一列自查和一列检查"))
            continue
        setattr(current, slot, c)
    unknown_errors = False
    for g in list(layout.groups):
        found = _unknown_columns(sheet, g)
        unknown_errors |= any(p.level == "error" for p in found)
        problems += found
        if g.self_col is None and g.check_col is None:
            layout.groups.remove(g)
            if not g.unknown:
                problems.append(Problem("info", sheet, f"{column_letter(g.header_col)}{header_row + 1}",
                                        f"「{g.name}」只有备注列，没有自查或检查列，已忽略"))
    if "level" not in layout.item_cols and "points" not in layout.item_cols:
        problems.append(Problem("error", sheet, f"A{header_row + 1}", "缺少「触点等级」列（或「分值」列）；"
                                "请在表头行加一列「触点等级」并填写 一级/二级/三级"))
    if not layout.groups and not unknown_errors:
        problems.append(Problem("error", sheet, f"A{sub_row + 1}", f"没有找到项目列组：第 {sub_row + 1} 行应在"
                                "每个项目下写「自查」「检查」（可加「备注」）"))
    return layout, problems


def _unknown_columns(sheet: str, group: Group) -> list[Problem]:
    """The columns of a group that are none of 自查/检查/备注: an error naming each unknown sub-header when the group
    lacks its 自查 or 检查 column, else ignored with an info line."""
    missing = [label for kind, label in _PARTS.items() if kind != "remark" and getattr(group, f"{kind}_col") is None]
    problems = []
    for cell, text in group.unknown:
        if missing and text:
            wanted = "".join(f"「{m}」" for m in missing)
            fix = "或".join(f"「{m}」" for m in missing)
            which = "（按这一列填的是自查还是检查结果）" if len(missing) > 1 else f"（如果这一列是{missing[0]}结果）"
            problems.append(Problem(
                "error", sheet, cell,
                f"「{group.name}」列组的子表头「{text}」无法识别（应为 自查、检查、备注 之一；可能来自旧版模板或被改写），"
                f"这组列因此缺少{wanted}列；请把子表头改为{fix}{which}，或删除这一列"))
        else:
            what = f"一列「{text}」" if text else "一列没有子表头的列"
            problems.append(Problem(
                "info", sheet, cell,
                f"「{group.name}」列组中有{what}，不是 自查、检查、备注，不计分，已忽略；评分照常采用这组的"
                "「自查」「检查」列；如果这一列也是结果，请改写子表头，否则可把它移到列组之外"))
    return problems
