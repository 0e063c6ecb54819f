"""kpicli collect: the projects' own self-check workbooks of one quarter → one company checklist (layout v1).

Projects submit their checklist every month, each holding one or a few project groups; operations merges
them into the company workbook that `kpicli score` reads. Items are matched by 触点编号, else by 触点名称
(so rows may be reordered, and a submission may lack the 编号 column). Every (function, project) group comes
from exactly one file: the same group in two files with any differing answer is an error. Values are copied
as written, so `score` validates them against the merged workbook exactly as it would the submission.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpicli.checklist.collect_check import check_submission
from kpicli.checklist.collect_model import (
    DESCRIPTIVE,
    Answer,
    Collected,
    GroupSource,
    Reference,
    RefItem,
    blank,
    canon,
    cell_text,
    clean,
    none_if_blank,
    shown,
    unfilled_projects,
)
from kpicli.checklist.meta import ROSTER_COLUMNS
from kpicli.checklist.reader import Checklist, read_checklist
from kpicli.checklist.sheet_layout import find_layout
from kpicli.checklist.which_sheets import read_checklist_sheets
from kpicli.core.errors import InputError, Problem
from kpicli.core.vocab import COMPANY_GROUP, FUNCTIONS, INFO_SHEET, column_letter, name_key, normalize
from kpicli.io.workbook import Grid, RawWorkbook

MAX_DIFFS_LISTED = 5  # differing cells reported per pair of files and group; the rest are counted
MAX_NAMES_LISTED = 8
_KIND_LABELS = {"self": "自查结果", "check": "检查结果", "remark": "备注"}


# --- one submission -----------------------------------------------------------------------------------------------


@dataclass
class _Extras:
    """What the tidy item frame does not carry: descriptive columns, remark cells, 基本信息 cells."""

    descriptive: dict[tuple[str, int], dict[str, str]] = field(default_factory=dict)  # (sheet, Excel row) → fields
    remark_cols: dict[tuple[str, str], str] = field(default_factory=dict)  # (sheet, name_key) → column letter
    info_sheet: str | None = None
    info_cells: dict[str, str] = field(default_factory=dict)  # company/year/quarter → A1 cell


def _read_extras(raw: RawWorkbook, checklist: Checklist) -> _Extras:
    """The cells read_checklist leaves out, from the same read of the workbook."""
    extras = _Extras()
    for function, sheet in checklist.function_sheets.items():
        grid = raw.grids.get(sheet)
        layout = find_layout(grid, function)[0] if grid is not None else None
        if layout is None:
            continue
        for g in layout.groups:
            if g.remark_col is not None:
                extras.remark_cols[(sheet, name_key(g.name))] = column_letter(g.remark_col)
        cols = {k: c for k, c in layout.item_cols.items() if k in DESCRIPTIVE}
        for r in range(layout.first_item_row, grid.n_rows):
            extras.descriptive[(sheet, r + 1)] = {k: cell_text(grid.cell(r, c)) for k, c in cols.items()}
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


def _match_sheet(sub: _Submission, function: str, refs: Reference, problems: list[Problem]) -> list[GroupSource]:
    """Match the item rows of one function sheet to the reference; its groups with their answers."""
    items = sub.checklist.items
    frame = items[items["function"] == function]
    if frame.empty:
        return []
    sheet = frame["sheet"].iloc[0]
    file = sub.file
    if refs.fixed and not refs.items[function]:
        problems.append(Problem("warning", sheet, None, f"触点目录中没有{function}职能的触点，本表未合并", file=file))
        return []
    row_ref: dict[int, int] = {}
    used: set[int] = set()
    last: RefItem | None = None
    item_rows = frame.drop_duplicates("row").sort_values("order")[
        ["row", "item_id", "name", "stage", "level", "points", "name_cell", "level_cell"]]
    for it in item_rows.itertuples(index=False):
        item_id, name = cell_text(it.item_id), cell_text(it.name)
        descriptive = sub.extras.descriptive.get((sheet, int(it.row)), {})
        ref = refs.match(function, item_id, name, used)
        if ref is None and refs.fixed:
            shown = f"「{name}」" + (f"（编号 {item_id}）" if item_id else "")
            problems.append(Problem("warning", sheet, it.name_cell, f"触点{shown}不在触点目录中，未合并到汇总表"
                                    "（本行的自查、检查结果不会出现在汇总表中）；请核对触点名称或编号", file=file))
            continue
        if ref is None:
            twins = [r for r in refs.same_name(function, name) if r.item_id and item_id]
            ref = refs.add_after(function, last, name=name, item_id=item_id, stage=cell_text(it.stage),
                                 level=none_if_blank(it.level), points=none_if_blank(it.points), origin=f"{file} {sheet}",
                                 **descriptive)
            if twins:
                problems.append(Problem("warning", sheet, it.name_cell, f"触点「{name}」与 {twins[0].origin} 中的同名触点"
                                        f"编号不同（{item_id} 和 {twins[0].item_id}），按两个不同触点合并；"
                                        "如果是同一触点，请统一触点编号", file=file))
        else:
            _merge_item(ref, it, descriptive, sheet, file, problems)
        used.add(ref.uid)
        row_ref[int(it.row)] = ref.uid
        last = ref
    groups: list[GroupSource] = []
    for (group, is_company), rows in frame.groupby(["group", "is_company"], sort=False):
        source = GroupSource(function=function, name=group, is_company=bool(is_company), file=file, sheet=sheet)
        letter = sub.extras.remark_cols.get((sheet, name_key(group)))
        for r in rows[["row", "self_raw", "check_raw", "remark", "self_cell", "check_cell"]].itertuples(index=False):
            uid = row_ref.get(int(r.row))
            if uid is None:
                continue
            source.answers[uid] = Answer(self_raw=clean(r.self_raw), check_raw=clean(r.check_raw),
                                         remark=clean(r.remark), self_cell=r.self_cell, check_cell=r.check_cell,
                                         remark_cell=f"{letter}{int(r.row)}" if letter else None)
        groups.append(source)
    return groups


def _merge_item(ref: RefItem, it: object, descriptive: dict[str, str], sheet: str, file: str,
                problems: list[Problem]) -> None:
    """Fill what the reference lacks; warn where the submission grades the item differently."""
    source = "触点目录" if ref.origin == "触点目录" else f"{ref.origin}"
    taken = "触点目录的" if ref.origin == "触点目录" else "首次出现的"
    for key, label in (("level", "触点等级"), ("points", "分值")):
        mine, theirs = none_if_blank(getattr(it, key)), getattr(ref, key)
        if theirs is None:
            if mine is not None:
                setattr(ref, key, mine)
        elif mine is not None and mine != theirs:
            problems.append(Problem("warning", sheet, it.level_cell, f"触点「{ref.name}」的{label}在本表为「{mine}」，"
                                    f"在{source}中为「{theirs}」；汇总表采用{taken}「{theirs}」", file=file))
    if not ref.stage and not blank(it.stage):
        ref.stage = cell_text(it.stage)
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
            if canon(x.value(kind), kind) != canon(y.value(kind), kind):
                diffs.append((ref, kind, x, y))
    return diffs


def _where(g: GroupSource, answer: Answer, kind: str) -> str:
    cell = answer.cell(kind)
    return f"{g.file} {g.sheet}!{cell}" if cell else f"{g.file} {g.sheet}（没有{_KIND_LABELS[kind]}列）"


def _choose(found: dict[tuple[str, str], list[GroupSource]], refs: Reference,
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
                                        f"{other.file} 中，内容完全相同，汇总表采用 {first.file} 的；"
                                        "请确认多出的一份是否应删除", file=other.file))
                continue
            for ref, kind, x, y in diffs[:MAX_DIFFS_LISTED]:
                at, answer = (first, x) if x.cell(kind) else (other, y)  # locate it where the cell exists
                problems.append(Problem(
                    "error", at.sheet, answer.cell(kind),
                    f"{first.unit}同时出现在 {first.file} 和 {other.file} 中，触点「{ref.name}」的{_KIND_LABELS[kind]}"
                    f"不同：{_where(first, x, kind)} 为「{shown(x.value(kind))}」，{_where(other, y, kind)} 为"
                    f"「{shown(y.value(kind))}」；每个项目每个职能只能由一个文件提交，请删除多余的一份或统一结果",
                    file=at.file))
            if len(diffs) > MAX_DIFFS_LISTED:
                problems.append(Problem("error", first.sheet, None, f"{first.unit}在 {first.file} 和 {other.file} 中"
                                        f"另有 {len(diffs) - MAX_DIFFS_LISTED} 处结果不同", file=first.file))
    said: dict[tuple[str, str], tuple[list[str], list[str]]] = {}  # (unit, outcome) → files, sheets
    for (file, _key), groups in ignored.items():
        taken = [chosen[(x.function, x.key)] for x in groups]
        if all(t.filled for t in taken):
            outcome = f"采用 {'、'.join(dict.fromkeys(t.file for t in taken))} 中的填写"
        else:
            outcome = f"各文件都没有填写，汇总表采用 {'、'.join(dict.fromkeys(t.file for t in taken))} 的"
        files, sheets = said.setdefault((groups[0].unit, outcome), ([], []))
        files.append(file)
        sheets += [x.sheet for x in groups if x.sheet not in sheets]
    for (unit, outcome), (files, sheets) in said.items():  # the same hint once, naming every file it concerns
        where = "" if len(files) == 1 else f"在 {_names(files)} 中"
        problems.append(Problem("info", None, None, f"{unit}{where}没有填写或只有「不适用」（{'、'.join(sheets)}），"
                                f"已忽略；{outcome}", file=files[0] if len(files) == 1 else None))
    return chosen


def _names(files: list[str]) -> str:
    shown = "、".join(files[:MAX_NAMES_LISTED])
    return shown + (f" 等 {len(files)} 个文件" if len(files) > MAX_NAMES_LISTED else "")


def handed_out_order(keys: list[str], subs: Sequence[_Submission]) -> list[str]:
    """The projects (name keys, first seen first) in the order they were handed out: the projects of the files'
    records (kpicli template's -p order; the longest list first), then the units of their 人员名单, then the rest
    as first seen. File names do not decide it (01_云栖府.xlsx or 云栖府.xlsx sort differently)."""
    from kpicli.io.provenance import read

    lists = []
    for sub in subs:
        record = read(sub.path)
        projects = record.get("projects") if record is not None else None
        if isinstance(projects, list) and len(projects) > 1:
            lists.append([name_key(str(p)) for p in projects])
    lists.sort(key=len, reverse=True)  # stable: of two equally long, the first file's
    lists += [[name_key(str(u)) for u in sub.checklist.roster["unit"]] for sub in subs if not sub.checklist.roster.empty]
    wanted = list(dict.fromkeys(k for keys_ in lists for k in keys_))
    known = set(keys)
    ordered = [k for k in wanted if k in known]
    return ordered + [k for k in keys if k not in set(ordered)]


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
            problems.append(Problem("error", None, None, "无法确定汇总表的考核年度和季度：提交的文件中都没有「基本信息」"
                                    "的年度、季度，文件名中也没有（如 2026Q1）；请在文件中填写，或用 --year、--quarter 指定"))
        return None, None
    year, quarter = _majority(known)
    others = [p.name for p, v in known.items() if v == (year, quarter)]
    for s in subs:
        value = periods[s.path]
        if None in value:
            problems.append(Problem("info", None, None, f"未能确定本文件的考核期，按其他文件的{year}年第{quarter}季度合并",
                                    file=s.file))
        elif value != (year, quarter):
            differs = "year" if value[0] != year else "quarter"
            cell = s.extras.info_cells.get(differs)  # None when the value came from the file name
            sheet = s.extras.info_sheet if cell else None
            source = "「基本信息」" if cell else "文件名"
            problems.append(Problem("error", sheet, cell, f"考核期为{value[0]}年第{value[1]}季度（来自{source}），与其他文件"
                                    f"的{year}年第{quarter}季度不一致（{'、'.join(others[:MAX_NAMES_LISTED])}）；"
                                    "只能汇总同一季度的检查表，请移走这个文件或改正它的年度、季度", file=s.file))
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
                                    f"公司名称为「{names[s.path]}」，与其他文件的「{company}」不一致；只能汇总同一公司的检查表，"
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
            raw = read_checklist_sheets(path)
            checklist = read_checklist(path, company=company, year=year, quarter=quarter, raw=raw)
            checklist.problems += check_submission(path, checklist, raw.grids, catalog,  # before any merging
                                                   period_given=year is not None or quarter is not None)
            extras = _read_extras(raw, checklist)
        except InputError as exc:
            unreadable.append((path, exc.message))
            problems.append(Problem("error", None, None, exc.message, file=path.name))
            continue
        problems += _with_file(checklist.problems, path.name)
        subs.append(_Submission(path, checklist, extras))
    dupes = [name for name, n in Counter(s.file for s in subs).items() if n > 1]
    if dupes:  # messages name files by name: two of one name would be ambiguous
        problems.append(Problem("warning", None, None, f"有多个同名文件（{'、'.join(dupes)}），问题清单中请按路径区分"))

    refs = Reference(catalog)
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
    order = handed_out_order([k for k in names if k != normalize(COMPANY_GROUP)], subs)
    projects = [names[k] for k in order]
    for function in FUNCTIONS:
        groups[function].sort(key=lambda g: -1 if g.is_company else order.index(g.key))
    _report_missing(groups, refs, problems)
    roster = _roster(subs)
    problems += unfilled_projects(groups, roster)
    if subs and not projects and not any(p.level == "error" for p in problems):
        problems.append(Problem("error", None, None, "提交的文件中没有任何项目列组，无法汇总"))
    year_, quarter_ = _period(subs, problems)
    return Collected(
        files=[s.path for s in subs], company=_company(subs, problems), year=year_, quarter=quarter_,
        items={f: refs.items[f] for f in FUNCTIONS if groups[f]}, groups={f: g for f, g in groups.items() if g},
        projects=projects, roster=roster, problems=problems, unreadable=unreadable,
        from_catalog=catalog is not None,
    )


def _report_missing(groups: dict[str, list[GroupSource]], refs: Reference, problems: list[Problem]) -> None:
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
        problems.append(Problem("warning", sheet, None, f"本表缺少 {len(missing)} 个触点：{names}{more}（{where}中有）；"
                                f"汇总表中{units}的这些触点为空白，评分时按未完成计；如确实不适用，请填写「不适用」",
                                file=file))
