"""One person spelled two ways across the year (issue 20, accident 5): 姓名 the same, 部门 nearly the same.

The year matches people by 姓名 and 部门 (contract §6), so one month's typo ("客服布" for "客服部") splits a person
in two: that month is missing from the average, and a red line touched that month stays with the stray spelling
while the real person is graded and paid in full. Here:

- a **near-duplicate**: two keys of the year with the same 姓名, whose 部门 differ by one character (or one of
  them is blank), and which never appear in the same period (two people of one period are two people). Each pair
  is a warning naming both spellings, the periods, files and sheets of each, and the fix (correct the fewer
  periods' forms to the other spelling);
- **a red line follows the person**: the red lines touched under one spelling apply to the other spelling's year
  too, said by a warning. When a red-lined spelling has more than one such other spelling that would be graded
  and paid (客服一部 and 客服三部 beside 客服二部), which one it follows is ambiguous and money moves: the year is
  refused, naming the forms to correct.

People whose 部门 differ by more (a transfer from 客服部 to 工程部) are not joined: they are two rows, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from kpicli.core.errors import Problem
from kpicli.core.vocab import display_name

from .review import Key, person_key


@dataclass(frozen=True)
class Seen:
    """Where one spelling of a person appears: period label, file, sheet and the 姓名 cell."""

    label: str
    file: str
    sheet: str
    cell: str | None


def _distance_one(a: str, b: str) -> bool:
    """Whether a and b differ by exactly one inserted, deleted or replaced character."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def near_departments(a: str, b: str) -> bool:
    """部门 keys that are likely one department mistyped: one character apart, or one of them blank."""
    if a == b:
        return False
    if not a or not b:
        return True
    return min(len(a), len(b)) >= 2 and _distance_one(a, b)


def sightings(results: dict[str, Any], label_of: Callable[[str], str]) -> dict[Key, list[Seen]]:
    """Every key of the year → where it appears (results: file → ScorecardResult; label_of: file → 3月/年终)."""
    found: dict[Key, list[Seen]] = {}
    for file, result in results.items():
        for p in result.people.to_dict("records"):
            found.setdefault(person_key(p["person"], p["department"]), []).append(
                Seen(label_of(file), file, str(p["sheet"]), p.get("name_cell")))
        absent = result.absent
        for p in ([] if absent is None else absent.to_dict("records")):
            found.setdefault(person_key(p["person"], p["department"]), []).append(
                Seen(label_of(file), file, str(p["sheet"]), p.get("cell")))
    return found


def near_pairs(seen: dict[Key, list[Seen]]) -> list[tuple[Key, Key]]:
    """Pairs of keys of one 姓名, near 部门 and no period in common; the key seen in more periods first."""
    by_name: dict[str, list[Key]] = {}
    for key in seen:
        by_name.setdefault(key[0], []).append(key)
    pairs = []
    for keys in by_name.values():
        for i, a in enumerate(keys):
            for b in keys[i + 1:]:
                if not near_departments(a[1], b[1]):
                    continue
                if {s.label for s in seen[a]} & {s.label for s in seen[b]}:
                    continue  # both in one period: two people
                pairs.append((a, b) if len(seen[a]) >= len(seen[b]) else (b, a))
    return pairs


def _spelling(people: dict[Key, Any], key: Key) -> str:
    department = people[key].department if key in people else None
    return f"「{display_name(department)}」" if department else "（未填部门）"


def _where(items: list[Seen]) -> str:
    return "、".join(f"{s.label}（{s.file} 工作表「{s.sheet}」）" for s in items)


def check_names(people: dict[Key, Any], red: dict[Key, list[str]], seen: dict[Key, list[Seen]],
                graded: Callable[[Key], bool]) -> tuple[list[Problem], list[Problem]]:
    """Warnings for near-duplicate spellings, and the red lines moved to the person they follow (people[k].red_lines
    is not touched: `red` gains the items). Returns (problems, refusals): refusals are errors that refuse the
    year (a red line whose person is ambiguous). graded(key): whether the key's year would be computed (paid)."""
    problems: list[Problem] = []
    pairs = near_pairs(seen)
    for major, minor in pairs:
        name = people[major].name if major in people else major[0]
        fix_at = seen[minor][0]
        problems.append(Problem("warning", fix_at.sheet, fix_at.cell, (
            f"「{name}」的部门在各期写法不同：{_spelling(people, major)}（{'、'.join(s.label for s in seen[major])}）"
            f"和{_spelling(people, minor)}（{_where(seen[minor])}），年度按两个人分别汇总，这几期不计入"
            f"{_spelling(people, major)}的平均分。若是同一人，请把{_spelling(people, minor)}这几期考核表中的部门改为"
            f"{_spelling(people, major)}后重新运行；若确是两个人，请在姓名上加以区分"), file=fix_at.file))
    refusals: list[Problem] = []
    others: dict[Key, list[Key]] = {}
    for a, b in pairs:
        others.setdefault(a, []).append(b)
        others.setdefault(b, []).append(a)
    moved: dict[Key, list[str]] = {}
    for key, items in red.items():
        targets = [k for k in others.get(key, []) if graded(k)]
        if not targets:
            continue
        name = people[key].name if key in people else key[0]
        first = next((s for s in seen.get(key, []) if any(f"（{s.label}）" in i for i in items)), seen[key][0])
        if len(targets) > 1:
            listed = "、".join(_spelling(people, k) for k in targets)
            refusals.append(Problem("error", first.sheet, first.cell, (
                f"「{name}」在{_spelling(people, key)}名下触及红线（{'、'.join(items)}），而部门写作{listed}的「{name}」"
                f"都会计算年度绩效奖金，不能确定红线属于谁；请把{first.label}考核表（{first.file}）中的部门改为正确的写法"
                "后重新运行"), file=first.file))
            continue
        target = targets[0]
        moved.setdefault(target, []).extend(items)
        problems.append(Problem("warning", first.sheet, first.cell, (
            f"「{name}」在{_spelling(people, key)}名下触及的红线（{'、'.join(items)}）随人计入部门写作"
            f"{_spelling(people, target)}的年度：等级最低、绩效系数为 0。若确是两个人，请在姓名上加以区分后重新运行"),
            file=first.file))
    for key, items in moved.items():
        red.setdefault(key, []).extend(i for i in items if i not in red.get(key, []))
    return problems, refusals


__all__ = ["Seen", "check_names", "near_departments", "near_pairs", "sightings"]
