"""Projects renamed between quarters (issue 19 case 5): joined by the [projects] aliases of kpicli.toml, and until
they are, a warning naming both spellings and the people the quarters' 人员名单 give both.

Two spellings look like one renamed project when they never appear in the same quarter and either the 人员名单
lists the same person in both (a project's director stays when its name changes), or one name contains the other
(云栖府一期 / 云栖府). They are then two rows of the year, each with its own quarters, and the two-consecutive-
quarters cap cannot see a run across the rename: the warning says what to write to join them.
"""

from __future__ import annotations

from itertools import combinations

from kpicli.checklist.annual_model import ABSENT, MISSING, QUARTERS, AnnualResult
from kpicli.checklist.words import DIRECTOR_ROLE
from kpicli.core.period import quarter_label
from kpicli.core.vocab import normalize


def _quarters(qs: list[int]) -> str:
    return "、".join(str(q) for q in qs)


def joined_notes(year: AnnualResult) -> list[str]:
    """One line per alias that joined spellings this year: which spelling, in which quarters."""
    lines = []
    for old, new in year.rules.projects.aliases.items():
        quarters = [q for q, a in sorted(year.assessments.items())
                    if any(normalize(p) == normalize(old) for p in a.projects["project"])]
        if quarters:
            lines.append(f"项目「{old}」（{quarter_label(_quarters(quarters))}）按规则文件 [projects] aliases 计为「{new}」，"
                         "年度汇总合并为一行，连续季度跨改名计算")
    return lines


def _present(row: object) -> list[int]:
    return [q for q in QUARTERS if row[f"status_{q}"] not in (ABSENT, MISSING)]  # type: ignore[index]


def _people_of(year: AnnualResult, project: str) -> dict[str, str]:
    """name → post of everyone any quarter's 人员名单 lists in the project (its spellings joined by key)."""
    key = year.key(project)
    found: dict[str, str] = {}
    for _, a in sorted(year.assessments.items()):
        roster = a.checklist.roster
        for post in roster.itertuples(index=False):
            if year.key(post.unit) == key:
                function = post.function if isinstance(post.function, str) else ""
                found.setdefault(post.name, post.role if post.role == DIRECTOR_ROLE else f"{function}{post.role}")
    return found


def rename_warnings(year: AnnualResult) -> list[str]:
    """A warning per pair of project rows that look like one project renamed between quarters."""
    rows = [(r["project"], _present(r)) for _, r in year.projects.iterrows()]
    lines = []
    for (a, qa), (b, qb) in combinations(rows, 2):
        if not qa or not qb or set(qa) & set(qb):
            continue
        shared = {n: p for n, p in _people_of(year, a).items() if n in _people_of(year, b)}
        na, nb = normalize(a), normalize(b)
        if not shared and na not in nb and nb not in na:
            continue
        old, new = (a, b) if max(qa) < min(qb) else (b, a)
        q_old, q_new = (qa, qb) if old == a else (qb, qa)
        people = ("，人员名单中两者有相同的人：" + "、".join(f"{n}（{p}）" for n, p in shared.items())) if shared else ""
        lines.append(f"项目「{old}」（{quarter_label(_quarters(q_old))}）与「{new}」（{quarter_label(_quarters(q_new))}）从未在同一季度出现"
                     f"{people}。如果是同一个项目改了名称，请在 kpicli.toml 中写 [projects] aliases = "
                     f"{{ \"{old}\" = \"{new}\" }}，年度汇总会合并为一行，并跨改名判断连续季度封顶；现在按两个项目分别判断")
    return lines


__all__ = ["joined_notes", "rename_warnings"]
