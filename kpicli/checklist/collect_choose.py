"""kpicli collect: one source for each project group (function × project) that several submissions hold.

The filled one is taken; the same group filled in two files must agree cell by cell (a difference is an error that
names both cells), an identical copy is a warning, and unfilled copies are passed over with one hint per project.
"""

from __future__ import annotations

from kpicli.checklist.collect_model import MAX_NAMES_LISTED, Answer, GroupSource, Reference, RefItem, canon, shown
from kpicli.core.errors import Problem

MAX_DIFFS_LISTED = 5  # differing cells reported per pair of files and group; the rest are counted
_KIND_LABELS = {"self": "自查结果", "check": "检查结果", "remark": "备注"}


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


def choose(found: dict[tuple[str, str], list[GroupSource]], refs: Reference,
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

