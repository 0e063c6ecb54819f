"""Build checklist workbooks (客户触点分级管理检查表) for tests, with openpyxl, and run kpicli on them (bottom).

The default layout mirrors /work/shared/docs/layout-example.xlsx (contract §3, layout v1):

    row 1   title, merged across the sheet
    row 2   blank
    row 3   header: 序号 触点编号 客户阶段 触点名称 触点等级 标准动作 交付件 检查方式 | <group> … (merged over its columns)
    row 4   sub-header: (item headers merged down from row 3) | 自查 检查 备注 per group
    row 5+  item rows

Every part can be varied: title, header row, item column order and names, where the groups sit, merged or
unmerged group headers, sub-header spellings, stage-label rows, blank rows, summary rows, vertically merged
stage cells, extra descriptive columns.

    build_checklist(path, {"营销篇": SheetSpec(items=[Item("案场接待", "一级", {"项目甲": ("完成", "未完成")})])})
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import openpyxl
from openpyxl.utils import get_column_letter
from typer.testing import CliRunner, Result

GROUPS = "<groups>"  # token in SheetSpec.columns: where the project groups go (default: after the item columns)
DEFAULT_COLUMNS: tuple[str, ...] = ("序号", "触点编号", "客户阶段", "触点名称", "触点等级", "标准动作", "交付件", "检查方式")
DEFAULT_SUBHEADERS: tuple[str, ...] = ("自查", "检查", "备注")
DEFAULT_INFO: Mapping[str, object] = MappingProxyType({"公司名称": "测试公司", "年度": 2026, "季度": 1})

_ITEM_FIELDS = {
    "序号": "seq", "触点编号": "item_id", "编号": "item_id", "客户阶段": "stage", "阶段": "stage",
    "触点名称": "name", "触点等级": "level", "等级": "level", "分值": "points",
}


@dataclass
class Item:
    """One touchpoint row. results: group → (自查, 检查, 备注) — by position of the sheet's sub-headers."""

    name: object
    level: object = "一级"
    results: Mapping[str, Sequence[object]] = field(default_factory=dict)
    item_id: object = None
    stage: object = None
    points: object = None
    extras: Mapping[str, object] = field(default_factory=dict)  # descriptive columns by header text


@dataclass
class StageLabel:
    """A row holding only a stage name in the first column (optionally merged over the item columns)."""

    text: str
    merge: bool = False


@dataclass
class Summary:
    """A summary row: `label` (合计, 小计 …) in the column `column`, optional values in the group columns."""

    label: str = "合计"
    results: Mapping[str, Sequence[object]] = field(default_factory=dict)
    column: str = "触点名称"
    merge: bool = False  # merge the label cell rightwards over the item columns (as 合计 rows often are)


@dataclass
class Blank:
    """An empty row."""


Row = Item | StageLabel | Summary | Blank


@dataclass
class SheetSpec:
    items: Sequence[Row] = ()
    groups: Sequence[str] | None = None  # default: group names in order of first use in items' results
    columns: Sequence[str] = DEFAULT_COLUMNS  # header texts; GROUPS marks where the groups go
    subheaders: Sequence[str] = DEFAULT_SUBHEADERS
    group_subheaders: Mapping[str, Sequence[str]] = field(default_factory=dict)  # per-group override
    merged: bool = True  # group header merged across its columns; else written in its first column only
    merge_item_headers: bool = True  # item header cells merged down over the sub-header row
    title: str | None = "客户触点分级管理检查表"
    header_row: int = 3  # 1-based
    merge_stage: bool = False  # runs of equal stage written once and merged vertically (fill-down case)

    def group_names(self) -> list[str]:
        if self.groups is not None:
            return list(self.groups)
        names: dict[str, None] = {}
        for row in self.items:
            if isinstance(row, (Item, Summary)):
                names.update(dict.fromkeys(row.results))
        return list(names)


@dataclass
class _Placed:
    """Where one sheet's columns ended up (1-based): item columns by header, group columns by (group, index)."""

    item_cols: dict[str, int]
    group_cols: list[tuple[str, list[int]]]


def _place(spec: SheetSpec) -> _Placed:
    columns = list(spec.columns)
    if GROUPS not in columns:
        columns.append(GROUPS)
    item_cols: dict[str, int] = {}
    group_cols: list[tuple[str, list[int]]] = []
    col = 1
    for header in columns:
        if header == GROUPS:
            for name in spec.group_names():
                subs = spec.group_subheaders.get(name, spec.subheaders)
                group_cols.append((name, list(range(col, col + len(subs)))))
                col += len(subs)
        else:
            item_cols[header] = col
            col += 1
    return _Placed(item_cols, group_cols)


def write_function_sheet(ws: object, spec: SheetSpec) -> dict[str, object]:
    """Fill one worksheet; returns where things are (header_row, first_item_row, item_cols, group_cols, rows)."""
    placed = _place(spec)
    h = spec.header_row
    last_col = max([*placed.item_cols.values(), *(c for _, cols in placed.group_cols for c in cols)], default=1)
    if spec.title and h > 1:
        ws.cell(row=1, column=1, value=spec.title)
        if last_col > 1:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
    for header, col in placed.item_cols.items():
        ws.cell(row=h, column=col, value=header)
        if spec.merge_item_headers:
            ws.merge_cells(start_row=h, start_column=col, end_row=h + 1, end_column=col)
    for name, cols in placed.group_cols:
        subs = spec.group_subheaders.get(name, spec.subheaders)
        ws.cell(row=h, column=cols[0], value=name)
        if spec.merged and len(cols) > 1:
            ws.merge_cells(start_row=h, start_column=cols[0], end_row=h, end_column=cols[-1])
        for col, sub in zip(cols, subs, strict=True):
            ws.cell(row=h + 1, column=col, value=sub)

    r = h + 2
    seq = 0
    rows: list[int] = []  # the Excel row of each entry of spec.items
    stage_col = next((placed.item_cols[k] for k in ("客户阶段", "阶段") if k in placed.item_cols), None)
    stage_run: tuple[object, int] | None = None  # (stage, first row) of the current run when merge_stage

    def close_run(end_row: int) -> None:
        nonlocal stage_run
        if stage_run is not None and stage_col is not None and end_row > stage_run[1]:
            ws.merge_cells(start_row=stage_run[1], start_column=stage_col, end_row=end_row, end_column=stage_col)
        stage_run = None

    for row in spec.items:
        rows.append(r)
        if isinstance(row, Item):
            seq += 1
            for header, col in placed.item_cols.items():
                key = _ITEM_FIELDS.get(header)
                if key == "seq":
                    value = seq
                elif key == "stage" and spec.merge_stage:
                    if stage_run is not None and stage_run[0] == row.stage:
                        continue  # inside a merged run: the cell stays empty
                    close_run(r - 1)
                    stage_run = (row.stage, r)
                    value = row.stage
                elif key is not None:
                    value = getattr(row, key)
                else:
                    value = row.extras.get(header, f"{header}:{row.name}")
                ws.cell(row=r, column=col, value=value)
            _write_results(ws, r, placed, row.results)
        else:
            close_run(r - 1)
            if isinstance(row, StageLabel):
                ws.cell(row=r, column=1, value=row.text)
                if row.merge and placed.item_cols:
                    last_item = max(placed.item_cols.values())
                    if last_item > 1:
                        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=last_item)
            elif isinstance(row, Summary):
                start = placed.item_cols[row.column]
                ws.cell(row=r, column=start, value=row.label)
                last_item = max(placed.item_cols.values())
                if row.merge and last_item > start:
                    ws.merge_cells(start_row=r, start_column=start, end_row=r, end_column=last_item)
                _write_results(ws, r, placed, row.results)
        r += 1
    close_run(r - 1)
    return {
        "header_row": h, "first_item_row": h + 2, "rows": rows,
        "item_cols": {k: get_column_letter(c) for k, c in placed.item_cols.items()},
        "group_cols": {name: [get_column_letter(c) for c in cols] for name, cols in placed.group_cols},
    }


def _write_results(ws: object, r: int, placed: _Placed, results: Mapping[str, Sequence[object]]) -> None:
    for name, cols in placed.group_cols:
        for col, value in zip(cols, results.get(name, ()), strict=False):
            if value is not None:
                ws.cell(row=r, column=col, value=value)


# Bytes openpyxl wrote, by everything that went into them: a spec built again (the standard quarter behind dozens
# of fixtures, say) is copied instead of rebuilt, which keeps openpyxl's ~0.05 s per build out of most tests.
# A repr names every value with its type (1, 1.0, "1", True differ), so equal keys mean equal workbooks; a repr
# holding an address (an object without a repr of its own) is never cached, as the address may be reused.
_BUILT: dict[str, bytes] = {}


def build_checklist(
    path: Path,
    sheets: Mapping[str, SheetSpec],
    info: Mapping[str, object] | None = DEFAULT_INFO,
    roster: Sequence[tuple[str, str, str]] | None = None,
    extra_sheets: Mapping[str, Sequence[Sequence[object]]] | None = None,
) -> Path:
    """Write a checklist workbook: 基本信息 (label/value rows, unless info is None), the function sheets in
    order, 人员名单 (单位, 职能, 姓名) when given, and any extra sheets (name → rows of values)."""
    path = Path(path)
    key = repr((path.suffix.lower(), sheets, info, roster, extra_sheets))
    if key in _BUILT:
        path.write_bytes(_BUILT[key])
        return path
    if " at 0x" in key:
        key = ""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if info is not None:
        ws = wb.create_sheet("基本信息")
        ws.append(["项目", "值"])
        for label, value in info.items():
            ws.append([label, value])
    for name, spec in sheets.items():
        write_function_sheet(wb.create_sheet(name), spec)
    if roster is not None:
        ws = wb.create_sheet("人员名单")
        ws.append(["单位", "职能", "姓名"])
        for row in roster:
            ws.append(list(row))
    for name, rows in (extra_sheets or {}).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(list(row))
    if not wb.worksheets:
        wb.create_sheet("Sheet1")
    wb.save(path)
    if key:
        _BUILT[key] = path.read_bytes()
    return path


def layout_of(spec: SheetSpec) -> dict[str, object]:
    """Where build_checklist puts things for this spec (without writing a file)."""
    wb = openpyxl.Workbook()
    return write_function_sheet(wb.active, spec)


def cell_of(spec: SheetSpec, row_index: int, group: str, part: int = 1) -> str:
    """A1 address of spec.items[row_index]'s result cell: part 0 = 自查, 1 = 检查, 2 = 备注."""
    where = layout_of(spec)
    return f"{where['group_cols'][group][part]}{where['rows'][row_index]}"


def one_item_per_group(level: object = "一级", **values: Sequence[object]) -> list[Item]:
    """Convenience: one item carrying the given results (group name → tuple)."""
    return [Item("案场接待", level, dict(values))]


FUNCTION_SHEET_NAMES: dict[str, str] = {
    "营销": "营销篇", "研发": "研发篇", "工程": "工程篇", "客服": "客户关系篇", "物业": "物业篇",
}


def example_sheet() -> SheetSpec:
    """The 营销篇 of layout-example.xlsx: 城市公司 and two projects, four items."""
    return SheetSpec(
        title="客户触点分级管理检查表——营销篇(2026年第1季度)",
        items=[
            Item("阳光销售宣言讲解", "一级", item_id="YX-01", stage="售前", results={
                "城市公司": ("完成", "完成"), "示例项目甲": ("完成", "完成"),
                "示例项目乙": ("完成", "未完成", "未讲解红线外不利因素")}),
            Item("签约资料提醒", "二级", item_id="YX-02", stage="签约", results={
                "城市公司": ("不适用", "不适用"), "示例项目甲": ("完成", None),
                "示例项目乙": ("部分完成", "部分完成", "短信未发")}),
            Item("客户服务计划书寄发", "二级", item_id="YX-03", stage="签约", results={
                "城市公司": ("不适用", "不适用"), "示例项目甲": ("完成", "完成"), "示例项目乙": ("完成", "完成")}),
            Item("工程进展告知", "三级", item_id="YX-04", stage="工程建设", results={
                "城市公司": ("完成", "完成"), "示例项目甲": ("完成", "完成"),
                "示例项目乙": ("未完成", "未完成", "2月未发")}),
        ],
    )


# --- reading results back ---------------------------------------------------------------------------------------------


def problems_of(result: object, level: str | None = None) -> list[object]:
    """The problems of an Assessment or Checklist, optionally of one level."""
    return [p for p in result.problems if level is None or p.level == level]


def item_rows(assessment: object, group: str | None = None, function: str | None = None) -> object:
    """The scored item frame (one row per item × group), optionally filtered, in sheet order."""
    items = assessment.items
    if group is not None:
        items = items[items["group"] == group]
    if function is not None:
        items = items[items["function"] == function]
    return items.sort_values(["function", "row"], kind="stable").reset_index(drop=True)


def function_row(assessment: object, function: str) -> object:
    table = assessment.functions
    return table[table["function"] == function].iloc[0]


def project_row(assessment: object, project: str) -> object:
    table = assessment.projects
    return table[table["project"] == project].iloc[0]


def unit_row(assessment: object, function: str, group: str) -> object:
    table = assessment.units
    return table[(table["function"] == function) & (table["group"] == group)].iloc[0]


# --- a complete quarter --------------------------------------------------------------------------------------------

STANDARD_PROJECTS = ("云栖府", "望江台", "观澜苑")


def standard_sheets() -> dict[str, SheetSpec]:
    """Five function sheets, the 城市公司 group and three projects (观澜苑 has nothing applicable).

    Expected (default rules): 营销/研发/工程 63.64 (7/11, B-, rank 2), 客服 not assessed, 物业 100.00 (A, rank 1,
    +3000 服务费调整); 云栖府 100.00 (+3000), 望江台 25.00 (4/16, −3000), 观澜苑 not assessed. Three 自查偏差.
    """
    sheets: dict[str, SheetSpec] = {}
    for function, sheet in FUNCTION_SHEET_NAMES.items():
        prefix = {"营销": "YX", "研发": "YF", "工程": "GC", "客服": "KF", "物业": "WY"}[function]
        if function == "客服":
            na = ("不适用", "不适用")
            rows = [Item(f"{function}触点{i}", "一级", {g: na for g in ("城市公司", *STANDARD_PROJECTS)},
                         item_id=f"{prefix}-0{i}", stage="交付") for i in (1, 2)]
        else:
            good = function == "物业"
            rows = [
                Item(f"{function}触点1", "一级", {
                    "城市公司": ("完成", "完成"), "云栖府": ("完成", "完成"),
                    "望江台": ("完成", "完成" if good else "未完成"), "观澜苑": ("不适用", "不适用"),
                }, item_id=f"{prefix}-01", stage="签约"),
                Item(f"{function}触点2", "三级", {
                    "城市公司": ("不适用", "不适用"), "云栖府": ("完成", "完成"),
                    "望江台": ("完成" if good else "未完成", "完成" if good else "未完成", "已整改" if good else "未整改"),
                    "观澜苑": (None, "不适用"),
                }, item_id=f"{prefix}-02", stage="交付"),
            ]
        sheets[sheet] = SheetSpec(title=f"客户触点分级管理检查表——{sheet}", items=rows)
    return sheets


STANDARD_ROSTER = (
    ("城市公司", "营销", "张营销"), ("城市公司", "物业", "王物业"), ("云栖府", "项目总监", "李总监"),
    ("云栖府", "营销", "赵经理"), ("望江台", "项目总监", "周总监"),
)


def standard_workbook(path: Path) -> Path:
    return build_checklist(path, standard_sheets(), roster=STANDARD_ROSTER)


# --- running kpicli as a user does -----------------------------------------------------------------------------------


def run(*args: object, columns: int | None = None) -> Result:
    """`kpicli ARGS…` in-process (typer's CliRunner), every argument as text. columns: the console width, for
    output that rich must not wrap (paths, long table rows)."""
    from kpicli.cli.app import app  # imported here: building workbooks needs no CLI

    return CliRunner().invoke(app, [str(a) for a in args], env=None if columns is None else {"COLUMNS": str(columns)})


def rank_json(path: Path, *extra: object) -> dict:
    """`kpicli rank PATH --format json EXTRA…`, which must succeed, parsed."""
    result = run("rank", path, "--format", "json", *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def assert_handled(result: Result, code: int | None = None) -> None:
    """The run ended through kpicli's own exit and was no bug. CliRunner catches an escaping exception and never
    prints a traceback, so looking for "Traceback" in its output proves nothing; result.exception does."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "内部错误" not in result.output, result.output
    assert code is None or result.exit_code == code, (result.exit_code, result.output)


def panels(args: list[str]) -> dict[str, str]:
    """The boxes of a command's help by title: {title: the text inside the box}."""
    from kpicli.cli.app import app

    output = CliRunner().invoke(app, args, terminal_width=160).output
    found: dict[str, str] = {}
    for match in re.finditer(r"╭─ (\S+) ─+╮\n(.*?)╰─+╯", output, flags=re.S):
        found[match.group(1)] = match.group(2)
    return found


def flags(box: str) -> set[str]:
    """The options a box lists (its first column, after the * of a required one), not those its help texts mention."""
    return set(re.findall(r"^│ (?:\*  |   )?(--[a-z-]+)", box, flags=re.M))


def flat(text: str) -> str:
    """Output without any white space: rich wraps long lines at the terminal width."""
    return re.sub(r"\s+", "", text)


def result_path(source: Path) -> Path:
    """Where `kpicli score SOURCE` writes by default."""
    return source.with_name(f"{source.stem}_评分结果.xlsx")


def edit(path: Path, change: Callable[[openpyxl.Workbook], object]) -> Path:
    """Open the workbook with openpyxl, let `change(wb)` make the accident, save it in place."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_catalog(catalog: object, path: Path) -> None:
    """A touchpoint catalogue workbook (kpicli template --catalog, check --catalog) from a catalogue frame."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["职能", "触点编号", "阶段", "触点名称", "触点等级", "适用单位"])
    for item in catalog.itertuples(index=False):
        ws.append([item.function, item.item_id, item.stage, item.name, item.level, item.scope])
    wb.save(path)


def group_columns(ws: object, group: str) -> dict[str, int]:
    """{自查, 检查, 备注: column} of a project group on a `kpicli template` function sheet, from its two header rows
    (the group's name is merged over its sub-headers)."""
    from kpicli.checklist.render.template import HEADER_ROW

    found, current = {}, None
    for c in range(1, ws.max_column + 1):
        current = ws.cell(HEADER_ROW, c).value or current
        if current == group and ws.cell(HEADER_ROW + 1, c).value:
            found[ws.cell(HEADER_ROW + 1, c).value] = c
    return found


def filled_checklist(folder: Path, projects: Sequence[str], fill: Callable[[openpyxl.Workbook], None]) -> Path:
    """A real `kpicli template 检查表` for 2026 Q1 and the projects, filled by fill(wb) as a person would."""
    path = folder / "2026Q1_检查表.xlsx"
    result = run("template", "检查表", "-o", path, "--year", 2026, "--quarter", 1, *[a for p in projects for a in ("-p", p)])
    assert result.exit_code == 0, result.output
    return edit(path, fill)
