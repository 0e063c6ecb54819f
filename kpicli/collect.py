"""kpicli collect: the projects' own self-check workbooks of one quarter → one company checklist (layout v1).

Projects submit their checklist every month, each holding one or a few project groups; operations merges
them into the company workbook that `kpicli score` reads. Items are matched by 触点编号, else by 触点名称
(so rows may be reordered, and a submission may lack the 编号 column). Every (function, project) group comes
from exactly one file: the same group in two files with any differing answer is an error. Values are copied
as written, so `score` validates them against the merged workbook exactly as it would the submission.
"""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .catalog import CATALOG_COLUMNS, PROJECT_SCOPE
from .checklist import display_value, find_layout
from .errors import DataError, InputError, KpiError, Problem
from .meta import ROSTER_COLUMNS
from .reader import Checklist, read_checklist
from .vocab import (
    COMPANY_GROUP,
    FUNCTION_SHEETS,
    FUNCTIONS,
    INFO_SHEET,
    NOT_APPLICABLE,
    column_letter,
    normalize,
    parse_result,
)
from .workbook import Grid, read_workbook

COLLECTED_KIND = "汇总检查表"  # the mark on the merged workbook (outputs.mark_workbook)
DESCRIPTIVE = ("action", "deliverable", "method", "department")
MAX_DIFFS_LISTED = 5  # differing cells reported per pair of files and group; the rest are counted
MAX_NAMES_LISTED = 8
_KIND_LABELS = {"self": "自查结果", "check": "检查结果", "remark": "备注"}


@dataclass
class RefItem:
    """One touchpoint of the merged checklist."""

    uid: int
    function: str
    name: str
    item_id: str = ""
    stage: str = ""
    level: str | None = None
    points: Decimal | None = None
    action: str = ""
    deliverable: str = ""
    method: str = ""
    department: str = ""
    scope: str = PROJECT_SCOPE
    origin: str = ""  # where it was first seen: "a.xlsx 营销篇" or "触点目录"

    @property
    def label(self) -> str:
        return f"{self.item_id} {self.name}" if self.item_id else self.name


@dataclass
class Answer:
    """The 自查/检查/备注 cells of one item in one group of a submission, as written."""

    self_raw: object = None
    check_raw: object = None
    remark: object = None
    self_cell: str | None = None
    check_cell: str | None = None
    remark_cell: str | None = None

    def value(self, kind: str) -> object:
        return getattr(self, "remark" if kind == "remark" else f"{kind}_raw")

    def cell(self, kind: str) -> str | None:
        return getattr(self, f"{kind}_cell")


@dataclass
class GroupSource:
    """One project group (or the 城市公司 group) of one function sheet of one submission."""

    function: str
    name: str
    is_company: bool
    file: str
    sheet: str
    answers: dict[int, Answer] = field(default_factory=dict)  # RefItem.uid → answer

    @property
    def key(self) -> str:
        return normalize(self.name)

    @property
    def unit(self) -> str:
        return f"「{COMPANY_GROUP}」列组" if self.is_company else f"项目「{self.name}」"

    @property
    def n_written(self) -> int:
        return sum((not _blank(a.self_raw)) + (not _blank(a.check_raw)) for a in self.answers.values())

    @property
    def filled(self) -> bool:
        """False for a group nobody answered (blank, or only the template's prefilled 不适用)."""
        return any(
            not _blank_or_na(a.self_raw) or not _blank_or_na(a.check_raw) or not _blank(a.remark)
            for a in self.answers.values()
        )


@dataclass
class Collected:
    """The merged checklist before it is written, with every problem found on the way."""

    files: list[Path]
    company: str | None
    year: int | None
    quarter: int | None
    items: dict[str, list[RefItem]]  # function → reference items in sheet order
    groups: dict[str, list[GroupSource]]  # function → the groups taken (城市公司 first, then projects)
    projects: list[str]  # first-seen order, 城市公司 excluded
    roster: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    from_catalog: bool = False

    @property
    def has_errors(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    @property
    def n_items(self) -> int:
        return sum(len(v) for v in self.items.values() if v)

    @property
    def blanks(self) -> int:
        """Item × group pairs with neither 自查 nor 检查: scored 未完成 unless someone fills them."""
        count = 0
        for function, groups in self.groups.items():
            for g in groups:
                for ref in self.items.get(function, []):
                    answer = g.answers.get(ref.uid)
                    count += answer is None or (_blank(answer.self_raw) and _blank(answer.check_raw))
        return count

    @property
    def has_company_group(self) -> bool:
        return any(g.is_company for groups in self.groups.values() for g in groups)

    def catalog(self) -> pd.DataFrame:
        """The reference items as a catalogue frame (catalog.CATALOG_COLUMNS), for template.build_template."""
        rows = [
            {"function": r.function, "item_id": r.item_id, "stage": r.stage, "name": r.name, "level": r.level or "",
             "action": r.action, "deliverable": r.deliverable, "method": r.method, "department": r.department,
             "scope": r.scope}
            for f in FUNCTIONS for r in self.items.get(f, [])
        ]
        return pd.DataFrame(rows, columns=CATALOG_COLUMNS)


# --- values -----------------------------------------------------------------------------------------------------


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def _is_na(value: object) -> bool:
    parsed = None if _blank(value) else parse_result(value)
    return parsed is not None and parsed[0] == NOT_APPLICABLE


def _blank_or_na(value: object) -> bool:
    return _blank(value) or _is_na(value)


def _canon(value: object, kind: str) -> object:
    """What a cell means, for comparing two submissions: 完成 equals √, 0.8 equals 80%."""
    if _blank(value):
        return None
    if kind != "remark":
        parsed = parse_result(value)
        if parsed is not None:
            return parsed
    return normalize(display_value(value))


def _shown(value: object) -> str:
    return "(空)" if _blank(value) else display_value(value)


def _clean(value: object) -> object:
    """A value as openpyxl should write it: NaN → None."""
    return None if _blank(value) and not isinstance(value, str) else value


def _none(value: object) -> object:
    """None for a blank cell or pandas' missing value."""
    return None if _blank(value) else value


def _text(value: object) -> str:
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- the reference items ------------------------------------------------------------------------------------------


class _Reference:
    """The items of the merged checklist per function: a given catalogue (fixed), or the union of the items seen,
    in first-seen order, a new item placed after the item that precedes it in its own sheet."""

    def __init__(self, catalog: pd.DataFrame | None) -> None:
        self.fixed = catalog is not None
        self.items: dict[str, list[RefItem]] = {f: [] for f in FUNCTIONS}
        self._by_id: dict[tuple[str, str], RefItem] = {}
        self._by_name: dict[tuple[str, str], list[RefItem]] = {}
        self._uids = 0
        for row in (catalog if catalog is not None else pd.DataFrame(columns=CATALOG_COLUMNS)).itertuples():
            if row.function not in self.items:
                continue
            ref = self._new(row.function, name=_text(row.name), item_id=_text(row.item_id), origin="触点目录",
                            stage=_text(row.stage), level=_text(row.level) or None, scope=_text(row.scope) or PROJECT_SCOPE,
                            **{k: _text(getattr(row, k)) for k in DESCRIPTIVE})
            self.items[row.function].append(ref)

    def _new(self, function: str, **values: object) -> RefItem:
        self._uids += 1
        ref = RefItem(uid=self._uids, function=function, **values)
        self._index(ref)
        return ref

    def _index(self, ref: RefItem) -> None:
        if ref.item_id:
            self._by_id.setdefault((ref.function, normalize(ref.item_id)), ref)
        self._by_name.setdefault((ref.function, normalize(ref.name)), []).append(ref)

    def match(self, function: str, item_id: str, name: str, used: set[int]) -> RefItem | None:
        """By 触点编号 when the submission has one and it is known; else by 触点名称 (the n-th row of a name
        takes the n-th item of that name). Two different 编号 are two different items, whatever the names."""
        id_key = normalize(item_id)
        if id_key and (function, id_key) in self._by_id:
            ref = self._by_id[(function, id_key)]
            return None if ref.uid in used else ref
        for ref in self._by_name.get((function, normalize(name)), []):
            if ref.uid in used or (id_key and ref.item_id):
                continue
            if id_key:  # the reference learns the id the submission gives
                ref.item_id = item_id
                self._index_id(ref)
            return ref
        return None

    def _index_id(self, ref: RefItem) -> None:
        self._by_id.setdefault((ref.function, normalize(ref.item_id)), ref)

    def same_name(self, function: str, name: str) -> list[RefItem]:
        return list(self._by_name.get((function, normalize(name)), []))

    def add_after(self, function: str, after: RefItem | None, **values: object) -> RefItem:
        ref = self._new(function, **values)
        items = self.items[function]
        position = 0 if after is None else items.index(after) + 1
        items.insert(position, ref)
        return ref


# --- one submission -----------------------------------------------------------------------------------------------


@dataclass
class _Extras:
    """What the tidy item frame does not carry: descriptive columns, remark cells, 基本信息 cells."""

    descriptive: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)  # (sheet, Excel row) → fields
    remark_cols: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, group) → column letter
    info_sheet: str | None = None
    info_cells: dict[str, str] = field(default_factory=dict)  # company/year/quarter → A1 cell


def _read_extras(path: Path, checklist: Checklist) -> _Extras:
    """A second, cheap pass over the function sheets (python-calamine) for the cells read_checklist leaves out."""
    sheets = set(checklist.function_sheets.values())
    raw = read_workbook(path, select=lambda names: sheets | {n for n in names if normalize(n) == INFO_SHEET})
    extras = _Extras()
    for function, sheet in checklist.function_sheets.items():
        grid = raw.grids.get(sheet)
        layout = find_layout(grid, function)[0] if grid is not None else None
        if layout is None:
            continue
        for g in layout.groups:
            if g.remark_col is not None:
                extras.remark_cols[(sheet, g.name)] = column_letter(g.remark_col)
        cols = {k: c for k, c in layout.item_cols.items() if k in DESCRIPTIVE}
        for r in range(layout.first_item_row, grid.n_rows):
            extras.descriptive[(sheet, r + 1)] = {k: _text(grid.cell(r, c)) for k, c in cols.items()}
    for name, grid in raw.grids.items():
        if normalize(name) == INFO_SHEET:
            extras.info_sheet, extras.info_cells = name, _info_cells(grid)
    return extras


def _info_cells(grid: Grid) -> dict[str, str]:
    """The value cells of 公司名称/年度/季度 in 基本信息, found as meta.read_info finds them."""
    keys = {"公司名称": "company", "公司": "company", "年度": "year", "季度": "quarter"}
    cells: dict[str, str] = {}
    for r in range(grid.n_rows):
        for c in range(min(grid.n_cols, 6)):
            key = keys.get(normalize(grid.cell(r, c)))
            if key is None:
                continue
            value_col = next((k for k in range(c + 1, grid.n_cols) if normalize(grid.cell(r, k))), None)
            if value_col is not None:
                cells.setdefault(key, f"{column_letter(value_col)}{r + 1}")
            break
    return cells


@dataclass
class _Submission:
    path: Path
    checklist: Checklist
    extras: _Extras

    @property
    def file(self) -> str:
        return self.path.name


def _with_file(problems: Iterable[Problem], file: str) -> list[Problem]:
    return [dataclasses.replace(p, file=file) for p in problems]


def _match_sheet(sub: _Submission, function: str, refs: _Reference, problems: list[Problem]) -> list[GroupSource]:
    """Match the item rows of one function sheet to the reference; its groups with their answers."""
    items = sub.checklist.items
    frame = items[items["function"] == function]
    if frame.empty:
        return []
    sheet = frame["sheet"].iloc[0]
    file = sub.file
    if refs.fixed and not refs.items[function]:
        problems.append(Problem("warning", sheet, None, f"触点目录中没有{function}职能的触点,本表未合并", file=file))
        return []
    row_ref: dict[int, int] = {}
    used: set[int] = set()
    last: RefItem | None = None
    for it in frame.drop_duplicates("row").sort_values("order").itertuples(index=False):
        item_id, name = _text(it.item_id), _text(it.name)
        descriptive = sub.extras.descriptive.get((sheet, int(it.row)), {})
        ref = refs.match(function, item_id, name, used)
        if ref is None and refs.fixed:
            shown = f"「{name}」" + (f"(编号 {item_id})" if item_id else "")
            problems.append(Problem("warning", sheet, it.name_cell, f"触点{shown}不在触点目录中,未合并到汇总表"
                                    "(本行的自查、检查结果不会出现在汇总表中);请核对触点名称或编号", file=file))
            continue
        if ref is None:
            twins = [r for r in refs.same_name(function, name) if r.item_id and item_id]
            ref = refs.add_after(function, last, name=name, item_id=item_id, stage=_text(it.stage),
                                 level=_none(it.level), points=_none(it.points), origin=f"{file} {sheet}",
                                 **descriptive)
            if twins:
                problems.append(Problem("warning", sheet, it.name_cell, f"触点「{name}」与 {twins[0].origin} 中的同名触点"
                                        f"编号不同({item_id} 和 {twins[0].item_id}),按两个不同触点合并;"
                                        "如果是同一触点,请统一触点编号", file=file))
        else:
            _merge_item(ref, it, descriptive, sheet, file, problems)
        used.add(ref.uid)
        row_ref[int(it.row)] = ref.uid
        last = ref
    groups: list[GroupSource] = []
    for (group, is_company), rows in frame.groupby(["group", "is_company"], sort=False):
        source = GroupSource(function=function, name=group, is_company=bool(is_company), file=file, sheet=sheet)
        letter = sub.extras.remark_cols.get((sheet, group))
        for r in rows.itertuples(index=False):
            uid = row_ref.get(int(r.row))
            if uid is None:
                continue
            source.answers[uid] = Answer(self_raw=_clean(r.self_raw), check_raw=_clean(r.check_raw),
                                         remark=_clean(r.remark), self_cell=r.self_cell, check_cell=r.check_cell,
                                         remark_cell=f"{letter}{int(r.row)}" if letter else None)
        groups.append(source)
    return groups


def _merge_item(ref: RefItem, it: object, descriptive: dict[str, str], sheet: str, file: str,
                problems: list[Problem]) -> None:
    """Fill what the reference lacks; warn where the submission grades the item differently."""
    source = "触点目录" if ref.origin == "触点目录" else f"{ref.origin}"
    taken = "触点目录的" if ref.origin == "触点目录" else "首次出现的"
    for key, label in (("level", "触点等级"), ("points", "分值")):
        mine, theirs = _none(getattr(it, key)), getattr(ref, key)
        if theirs is None:
            if mine is not None:
                setattr(ref, key, mine)
        elif mine is not None and mine != theirs:
            problems.append(Problem("warning", sheet, it.level_cell, f"触点「{ref.name}」的{label}在本表为「{mine}」,"
                                    f"在{source}中为「{theirs}」;汇总表采用{taken}「{theirs}」", file=file))
    if not ref.stage and not _blank(it.stage):
        ref.stage = _text(it.stage)
    for key, text in descriptive.items():
        if text and not getattr(ref, key):
            setattr(ref, key, text)


# --- choosing one source per group ----------------------------------------------------------------------------------


def _differences(a: GroupSource, b: GroupSource, refs: list[RefItem]) -> list[tuple[RefItem, str, Answer, Answer]]:
    """Differing cells of the items both files have (a row one file lacks is no answer, so no conflict)."""
    diffs = []
    for ref in refs:
        x, y = a.answers.get(ref.uid), b.answers.get(ref.uid)
        if x is None or y is None:
            continue
        for kind in ("self", "check", "remark"):
            if _canon(x.value(kind), kind) != _canon(y.value(kind), kind):
                diffs.append((ref, kind, x, y))
    return diffs


def _where(g: GroupSource, answer: Answer, kind: str) -> str:
    cell = answer.cell(kind)
    return f"{g.file} {g.sheet}!{cell}" if cell else f"{g.file} {g.sheet}(没有{_KIND_LABELS[kind]}列)"


def _choose(found: dict[tuple[str, str], list[GroupSource]], refs: _Reference,
            problems: list[Problem]) -> dict[tuple[str, str], GroupSource]:
    """One source per (function, group): the filled one; the same group filled in two files must agree."""
    chosen: dict[tuple[str, str], GroupSource] = {}
    ignored: dict[tuple[str, str], list[GroupSource]] = {}  # (file, group key) → unfilled duplicates
    for key, candidates in found.items():
        filled = [c for c in candidates if c.filled]
        # nobody answered: keep the one with most cells written (an all-不适用 submission over a blank template)
        pool = filled or sorted(candidates, key=lambda c: -c.n_written)
        first = chosen[key] = pool[0]
        for other in candidates:
            if other is first:
                continue
            if not other.filled:
                ignored.setdefault((other.file, other.key), []).append(other)
                continue
            diffs = _differences(first, other, refs.items[first.function])
            if not diffs:
                for uid, answer in other.answers.items():  # rows only the other file has
                    first.answers.setdefault(uid, answer)
                problems.append(Problem("warning", other.sheet, None, f"{other.unit}的结果同时出现在 {first.file} 和 "
                                        f"{other.file} 中,内容完全相同,汇总表采用 {first.file} 的;"
                                        "请确认多出的一份是否应删除", file=other.file))
                continue
            for ref, kind, x, y in diffs[:MAX_DIFFS_LISTED]:
                at, answer = (first, x) if x.cell(kind) else (other, y)  # locate it where the cell exists
                problems.append(Problem(
                    "error", at.sheet, answer.cell(kind),
                    f"{first.unit}同时出现在 {first.file} 和 {other.file} 中,触点「{ref.name}」的{_KIND_LABELS[kind]}"
                    f"不同:{_where(first, x, kind)} 为「{_shown(x.value(kind))}」,{_where(other, y, kind)} 为"
                    f"「{_shown(y.value(kind))}」;每个项目每个职能只能由一个文件提交,请删除多余的一份或统一结果",
                    file=at.file))
            if len(diffs) > MAX_DIFFS_LISTED:
                problems.append(Problem("error", first.sheet, None, f"{first.unit}在 {first.file} 和 {other.file} 中"
                                        f"另有 {len(diffs) - MAX_DIFFS_LISTED} 处结果不同", file=first.file))
    for (file, _key), groups in ignored.items():
        g = groups[0]
        taken = [chosen[(x.function, x.key)] for x in groups]
        sheets = "、".join(dict.fromkeys(x.sheet for x in groups))
        if all(t.filled for t in taken):
            outcome = f"采用 {'、'.join(dict.fromkeys(t.file for t in taken))} 中的填写"
        else:
            outcome = f"各文件都没有填写,汇总表采用 {'、'.join(dict.fromkeys(t.file for t in taken))} 的"
        problems.append(Problem("info", None, None, f"{g.unit}没有填写或只有「不适用」({sheets}),已忽略;{outcome}",
                                file=file))
    return chosen


# --- period, company, roster ---------------------------------------------------------------------------------------


def _majority(values: dict[Path, object]) -> object:
    counts = Counter(v for v in values.values() if v is not None)
    if not counts:
        return None
    best = max(counts.values())
    return next(v for v in values.values() if v is not None and counts[v] == best)  # ties: the first file's


def _period(subs: list[_Submission], problems: list[Problem]) -> tuple[int | None, int | None]:
    periods = {s.path: (s.checklist.period.year, s.checklist.period.quarter) for s in subs}
    known = {p: v for p, v in periods.items() if None not in v}
    if not known:
        if subs:
            problems.append(Problem("error", None, None, "无法确定汇总表的考核年度和季度:提交的文件中都没有「基本信息」"
                                    "的年度、季度,文件名中也没有(如 2026Q1);请在文件中填写,或用 --year、--quarter 指定"))
        return None, None
    year, quarter = _majority(known)
    others = [p.name for p, v in known.items() if v == (year, quarter)]
    for s in subs:
        value = periods[s.path]
        if None in value:
            problems.append(Problem("info", None, None, f"未能确定本文件的考核期,按其他文件的{year}年第{quarter}季度合并",
                                    file=s.file))
        elif value != (year, quarter):
            differs = "year" if value[0] != year else "quarter"
            cell = s.extras.info_cells.get(differs)  # None when the value came from the file name
            sheet = s.extras.info_sheet if cell else None
            source = "「基本信息」" if cell else "文件名"
            problems.append(Problem("error", sheet, cell, f"考核期为{value[0]}年第{value[1]}季度(来自{source}),与其他文件"
                                    f"的{year}年第{quarter}季度不一致({'、'.join(others[:MAX_NAMES_LISTED])});"
                                    "只能汇总同一季度的检查表,请移走这个文件或改正它的年度、季度", file=s.file))
    return year, quarter


def _company(subs: list[_Submission], problems: list[Problem]) -> str | None:
    names = {s.path: s.checklist.period.company or None for s in subs}
    keys = {p: normalize(n) if n else None for p, n in names.items()}
    key = _majority(keys)
    if key is None:
        return None
    company = next(names[p] for p, k in keys.items() if k == key)
    for s in subs:
        if keys[s.path] not in (None, key):
            cell = s.extras.info_cells.get("company")
            problems.append(Problem("error", s.extras.info_sheet if cell else None, cell,
                                    f"公司名称为「{names[s.path]}」,与其他文件的「{company}」不一致;只能汇总同一公司的检查表,"
                                    "请移走这个文件或改正「基本信息」中的公司名称", file=s.file))
    return company


def _roster(subs: list[_Submission]) -> pd.DataFrame:
    frames = [s.checklist.roster for s in subs if not s.checklist.roster.empty]
    if not frames:
        return pd.DataFrame(columns=ROSTER_COLUMNS)
    roster = pd.concat(frames, ignore_index=True)
    key = roster["unit"].map(normalize) + "|" + roster["role"] + "|" + roster["function"].fillna("") + "|" + \
        roster["name"].map(normalize)
    return roster[~key.duplicated()].reset_index(drop=True)


# --- the whole collection ------------------------------------------------------------------------------------------


def collect(
    paths: Sequence[Path],
    *,
    catalog: pd.DataFrame | None = None,
    company: str | None = None,
    year: int | None = None,
    quarter: int | None = None,
    progress: Callable[[list[Path]], Iterable[Path]] | None = None,
) -> Collected:
    """Read the submissions and merge them (nothing is written). `catalog` fixes the item list; without it the
    items are the union of those submitted. company/year/quarter override every file's 基本信息."""
    problems: list[Problem] = []
    subs: list[_Submission] = []
    unreadable: list[tuple[Path, str]] = []
    files = [Path(p) for p in paths]
    for path in (progress or list)(files):
        try:
            checklist = read_checklist(path, company=company, year=year, quarter=quarter)
            extras = _read_extras(path, checklist)
        except InputError as exc:
            unreadable.append((path, exc.message))
            problems.append(Problem("error", None, None, exc.message, file=path.name))
            continue
        problems += _with_file(checklist.problems, path.name)
        subs.append(_Submission(path, checklist, extras))
    dupes = [name for name, n in Counter(s.file for s in subs).items() if n > 1]
    if dupes:  # messages name files by name: two of one name would be ambiguous
        problems.append(Problem("warning", None, None, f"有多个同名文件({'、'.join(dupes)}),问题清单中请按路径区分"))

    refs = _Reference(catalog)
    found: dict[tuple[str, str], list[GroupSource]] = {}
    for sub in subs:
        for function in FUNCTIONS:
            if function not in sub.checklist.function_sheets:
                continue
            for g in _match_sheet(sub, function, refs, problems):
                found.setdefault((function, g.key), []).append(g)
    chosen = _choose(found, refs, problems)
    groups: dict[str, list[GroupSource]] = {f: [] for f in FUNCTIONS}
    names: dict[str, str] = {}  # one spelling per project, the first seen, so its sheets join when scored
    for (function, key), g in chosen.items():
        g.name = names.setdefault(key, g.name)
        groups[function].append(g)
    order = [k for k in names if k != normalize(COMPANY_GROUP)]
    projects = [names[k] for k in order]
    for function in FUNCTIONS:
        groups[function].sort(key=lambda g: -1 if g.is_company else order.index(g.key))
    _report_missing(groups, refs, problems)
    if subs and not projects and not any(p.level == "error" for p in problems):
        problems.append(Problem("error", None, None, "提交的文件中没有任何项目列组,无法汇总"))
    year_, quarter_ = _period(subs, problems)
    return Collected(
        files=[s.path for s in subs], company=_company(subs, problems), year=year_, quarter=quarter_,
        items={f: refs.items[f] for f in FUNCTIONS if groups[f]}, groups={f: g for f, g in groups.items() if g},
        projects=projects, roster=_roster(subs), problems=problems, unreadable=unreadable,
        from_catalog=catalog is not None,
    )


def _report_missing(groups: dict[str, list[GroupSource]], refs: _Reference, problems: list[Problem]) -> None:
    """Reference items a submission's sheet lacks: blank in the merged workbook, so say which and where."""
    seen: dict[tuple[str, str, str], list[GroupSource]] = {}
    for function, taken in groups.items():
        for g in taken:
            seen.setdefault((g.file, g.sheet, function), []).append(g)
    for (file, sheet, function), taken in seen.items():
        missing = [r for r in refs.items[function] if all(r.uid not in g.answers for g in taken)]
        if not missing:
            continue
        names = "、".join(f"「{r.label}」" for r in missing[:MAX_NAMES_LISTED])
        more = f" 等 {len(missing)} 个" if len(missing) > MAX_NAMES_LISTED else ""
        where = "触点目录" if refs.fixed else "其他文件"
        units = "、".join(g.unit for g in taken)
        problems.append(Problem("warning", sheet, None, f"本表缺少 {len(missing)} 个触点:{names}{more}({where}中有);"
                                f"汇总表中{units}的这些触点为空白,评分时按未完成计;如确实不适用,请填写「不适用」",
                                file=file))


# --- writing ---------------------------------------------------------------------------------------------------


def write_collected(collected: Collected, out: Path, *, force: bool = False) -> Path:
    """Write the merged checklist (layout v1, marked 汇总检查表) atomically; DataError if it has errors."""
    from .outputs import ensure_writable, mark_workbook, save_workbook

    out = Path(out)
    if collected.has_errors:
        raise DataError("提交的检查表有错误,未写入汇总表", collected.problems)
    if out.suffix.lower() != ".xlsx":
        raise KpiError(f"汇总表的文件名应以 .xlsx 结尾:{out.name}")
    ensure_writable(out, force=force)
    for source in collected.files:
        ensure_writable(out, force=force, source=source)
    wb = build_collected(collected)
    mark_workbook(wb, COLLECTED_KIND)
    return save_workbook(wb, out)


def build_collected(collected: Collected) -> object:
    """The merged checklist as an openpyxl workbook: the template's layout, every group's cells as submitted."""
    from .template import _function_sheet, build_template

    if collected.year is None or collected.quarter is None:
        raise KpiError("无法确定汇总表的考核年度和季度;请用 --year、--quarter 指定")
    catalog = collected.catalog()
    roster = None if collected.roster.empty else collected.roster
    wb = build_template(year=collected.year, quarter=collected.quarter, projects=collected.projects,
                        company=collected.company, catalog=catalog, roster=roster)
    for function in FUNCTIONS:
        name = FUNCTION_SHEETS[function]
        index = wb.sheetnames.index(name) if name in wb.sheetnames else len(wb.sheetnames)
        if name in wb.sheetnames:
            del wb[name]
        groups = collected.groups.get(function, [])
        if not groups:
            continue
        ws = wb.create_sheet(name, index)
        # Each sheet gets exactly the groups submitted for this function (a project absent from a function stays
        # absent: not assessed there, as in its own workbook). Scope only steers the template's prefill, which
        # _fill overwrites, so every item is laid out as project-level and 城市公司 is passed as a group.
        items = catalog[catalog["function"] == function].assign(scope=PROJECT_SCOPE)
        _function_sheet(ws, function, items, [g.name for g in groups], year=collected.year,
                        quarter=collected.quarter, company=collected.company)
        _fill(ws, collected.items[function], groups)
        _points_column(ws, collected.items[function])
        _no_formulas(ws)
    return wb


def _no_formulas(ws: object) -> None:
    """Text copied from a submission that starts with '=' stays text: openpyxl would store it as a formula."""
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"
                cell.quotePrefix = True


def _group_columns(ws: object) -> dict[str, dict[str, int]]:
    """Group name → {self, check, remark: column} as the template laid them out (found by header text)."""
    from .template import HEADER_ROW
    from .vocab import SUBHEADERS

    columns: dict[str, dict[str, int]] = {}
    current: dict[str, int] | None = None
    for c in range(1, ws.max_column + 1):
        head = ws.cell(HEADER_ROW, c).value
        if head not in (None, ""):
            current = columns.setdefault(str(head), {})
        kind = SUBHEADERS.get(normalize(ws.cell(HEADER_ROW + 1, c).value))
        if current is not None and kind is not None:
            current.setdefault(kind, c)
    return columns


def _fill(ws: object, items: list[RefItem], groups: list[GroupSource]) -> None:
    from openpyxl.styles import PatternFill

    from .template import FIRST_ITEM_ROW, NOT_APPLICABLE_FILL
    from .xlstyle import put

    no_fill = PatternFill(fill_type=None)
    columns = _group_columns(ws)
    for g in groups:
        cols = columns[g.name]
        for i, ref in enumerate(items):
            r = FIRST_ITEM_ROW + i
            answer = g.answers.get(ref.uid, Answer())
            for kind in ("self", "check", "remark"):
                if kind in cols:
                    put(ws, r, cols[kind], _clean(answer.value(kind)))
            shaded = _blank_or_na(answer.self_raw) and _blank_or_na(answer.check_raw) and (
                _is_na(answer.self_raw) or _is_na(answer.check_raw))
            for c in cols.values():
                ws.cell(r, c).fill = NOT_APPLICABLE_FILL if shaded else no_fill


def _points_column(ws: object, items: list[RefItem]) -> None:
    """A 分值 column after the groups when a submission weighted items by points (the template has none)."""
    if not any(r.points is not None for r in items):
        return
    from .template import BORDER, FIRST_ITEM_ROW, HEADER_ALIGN, HEADER_FILL, HEADER_FONT, HEADER_ROW

    col = ws.max_column + 1
    ws.cell(HEADER_ROW, col, value="分值")
    ws.merge_cells(start_row=HEADER_ROW, start_column=col, end_row=HEADER_ROW + 1, end_column=col)
    for r in (HEADER_ROW, HEADER_ROW + 1):
        cell = ws.cell(r, col)
        cell.font, cell.fill, cell.alignment, cell.border = HEADER_FONT, HEADER_FILL, HEADER_ALIGN, BORDER
    for i, ref in enumerate(items):
        points = ref.points
        value = None if points is None else (int(points) if points == points.to_integral_value() else float(points))
        cell = ws.cell(FIRST_ITEM_ROW + i, col, value=value)
        cell.border = BORDER
