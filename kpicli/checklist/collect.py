"""kpicli collect: the projects' own self-check workbooks of one quarter → one company checklist (layout v1).

Projects submit their checklist every month, each holding one or a few project groups; operations merges
them into the company workbook that `kpicli score` reads. Items are matched by 触点编号, else by 触点名称
(so rows may be reordered, and a submission may lack the 编号 column). Every (function, project) group comes
from exactly one file: the same group in two files with any differing answer is an error. Values are copied
as written, so `score` validates them against the merged workbook exactly as it would the submission.

Reading one submission and matching its rows is collect_submission.py's; choosing one source for a group several
files hold, collect_choose.py's; the model, collect_model.py's; the merged workbook is written by
checklist.render.collect_book.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from kpicli.checklist.collect_choose import choose
from kpicli.checklist.collect_model import MAX_NAMES_LISTED, Collected, GroupSource, Reference, unfilled_projects
from kpicli.checklist.collect_submission import Submission, match_sheet, read_submission
from kpicli.checklist.meta import ROSTER_COLUMNS
from kpicli.checklist.words import COMPANY_GROUP
from kpicli.core.errors import InputError, Problem
from kpicli.core.period import label_of
from kpicli.core.vocab import FUNCTIONS, name_key, normalize


def _with_file(problems: Iterable[Problem], file: str) -> list[Problem]:
    return [dataclasses.replace(p, file=file) for p in problems]


def handed_out_order(keys: list[str], subs: Sequence[Submission]) -> list[str]:
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


def _period(subs: list[Submission], problems: list[Problem]) -> tuple[int | None, int | None]:
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
            problems.append(Problem("info", None, None, f"未能确定本文件的考核期，按其他文件的{label_of(year, quarter)}合并",
                                    file=s.file))
        elif value != (year, quarter):
            differs = "year" if value[0] != year else "quarter"
            cell = s.extras.info_cells.get(differs)  # None when the value came from the file name
            sheet = s.extras.info_sheet if cell else None
            source = "「基本信息」" if cell else "文件名"
            problems.append(Problem("error", sheet, cell, f"考核期为{label_of(value[0], value[1])}（来自{source}），与其他文件"
                                    f"的{label_of(year, quarter)}不一致（{'、'.join(others[:MAX_NAMES_LISTED])}）；"
                                    "只能汇总同一季度的检查表，请移走这个文件或改正它的年度、季度", file=s.file))
    return year, quarter


def _company(subs: list[Submission], problems: list[Problem]) -> str | None:
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


def _roster(subs: list[Submission]) -> pd.DataFrame:
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
    foreign: Callable[[Path], str | None] | None = None,
) -> Collected:
    """Read the submissions and merge them (nothing is written). `catalog` fixes the item list; without it the
    items are the union of those submitted. company/year/quarter override every file's 基本信息. foreign(path):
    what to say of a file that is no checklist because it is a workbook of another kind (None: not one)."""
    problems: list[Problem] = []
    subs: list[Submission] = []
    unreadable: list[tuple[Path, str]] = []
    files = [Path(p) for p in paths]
    for path in (progress or list)(files):
        try:
            sub = read_submission(path, catalog, company=company, year=year, quarter=quarter)
        except InputError as exc:
            message = (foreign(path) if foreign is not None else None) or exc.message  # a workbook of another kind
            unreadable.append((path, message))
            problems.append(Problem("error", None, None, message, file=path.name))
            continue
        problems += _with_file(sub.checklist.problems, path.name)
        subs.append(sub)
    dupes = [name for name, n in Counter(s.file for s in subs).items() if n > 1]
    if dupes:  # messages name files by name: two of one name would be ambiguous
        problems.append(Problem("warning", None, None, f"有多个同名文件（{'、'.join(dupes)}），问题清单中请按路径区分"))

    refs = Reference(catalog)
    found: dict[tuple[str, str], list[GroupSource]] = {}
    for sub in subs:
        for function in FUNCTIONS:
            if function not in sub.checklist.function_sheets:
                continue
            for g in match_sheet(sub, function, refs, problems):
                found.setdefault((function, g.key), []).append(g)
    chosen = choose(found, refs, problems)
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
