"""The year: one company's quarterly assessments side by side, the annual cap and the year's rewards.

Regulation 6.2.1: a function or project graded at or below the cap grade (B-) in `consecutive` calendar
quarters in a row, or in `cumulative` quarters of the year, has everyone assessed in it capped at that grade
in the annual review. A quarter not assessed, or with no workbook, is not "at or below" and breaks a run.
Pure data: reading and scoring happen through assess(); rendering lives in report_annual.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kpicli.checklist.annual_model import ABSENT, ASSESSED, MISSING, NOT_ASSESSED, QUARTERS, AnnualResult
from kpicli.checklist.assessment import Assessment, assess
from kpicli.checklist.rewards import FUNCTION_HEAD, SERVICE_FEE, TEAM_BONUS
from kpicli.checklist.words import COMPANY_GROUP, DIRECTOR_ROLE
from kpicli.core.errors import DataError, KpiError
from kpicli.core.period import quarter_label
from kpicli.core.vocab import FUNCTIONS, normalize
from kpicli.rules.files import RulesLookup
from kpicli.rules.model import Rules

SHOWN_ERRORS = 3  # errors listed per workbook when the year is refused; `check` lists them all
_COUNT_WORDS = {1: "一", 2: "两", 3: "三", 4: "四"}


# --- reading the year ------------------------------------------------------------------------------------------------


def assess_year(paths: Sequence[Path], *, lookup: RulesLookup | None = None, allow_blank: bool = False,
                catalog: Path | None = None, company: str | None = None) -> AnnualResult:
    """Assess each workbook once (checklists and kpicli result workbooks alike), check they form one
    company's year, and combine them. KpiError / DataError (exit 1) name the offending files.

    Each quarter is scored with the rules recorded in it when it has them (a result workbook: the rules it was
    published with; checklist.annual_published), else with the rules in force (--rules, kpicli.toml beside the
    first file, the defaults); where the rules in force would give another grade, reward or cap, a note says so.
    catalog and company: as for score (the catalogue the rows are checked against; the company name)."""
    from kpicli.checklist.annual_published import (
        RECORDED,
        compare_with_current,
        edited_after_publishing,
        recorded_rules,
        year_rules,
    )

    paths = [Path(p) for p in paths]
    if not paths:
        raise KpiError("没有给出工作簿；请给出同一年度的季度检查表，如 2026Q1_客户触点检查表.xlsx …")
    lookup = lookup or RulesLookup()
    current, source = lookup.resolve(paths[0])
    recorded = {p: recorded_rules(p, lookup.sections) for p in paths}
    assessments = [assess(p, rules=recorded[p].rules or current, allow_blank=allow_blank, catalog=catalog,
                          company=company) for p in paths]
    for a in assessments:
        a.rules_source = RECORDED if recorded[a.checklist.path].rules is not None else source
    by_quarter = check_same_year(assessments)
    broken = [a for a in assessments if a.has_errors]
    if broken:
        lines = []
        for a in broken:
            errors = [p for p in a.problems if p.level == "error"]
            lines.append(f"  {a.checklist.path.name}：{len(errors)} 个错误")
            # the accidents that change a score (a project nobody filled …) first, then the first others, each
            # with its sheet and cell
            shown = sorted(errors, key=lambda p: not p.lead)[:SHOWN_ERRORS]
            lines.extend(f"    {p.where + '：' if p.where else ''}{p.message}" for p in shown)
            if len(errors) > len(shown):
                lines.append(f"    ……另有 {len(errors) - len(shown)} 个错误")
        first = broken[0].checklist.path.name
        raise DataError("以下工作簿有错误，未做年度汇总：\n" + "\n".join(lines)
                        + f"\n请先用 kpicli check 查看并修正，例如：kpicli check {first}")
    published = {q: recorded[a.checklist.path] for q, a in by_quarter.items()}
    rules, label, notes = year_rules(published, current, source)
    year = combine(by_quarter, rules, label, quarter_rules={q: a.rules for q, a in by_quarter.items()})
    edited = edited_after_publishing(by_quarter, published)
    now = compare_with_current(year, current, source, combine, allow_blank=allow_blank)
    year.notes = notes + edited + year.notes + now
    return year


def check_same_year(assessments: Sequence[Assessment]) -> dict[int, Assessment]:
    """quarter → assessment, refusing (exit 1) unknown periods, two workbooks of one quarter, several years
    or several companies. A workbook without a company name matches any company."""
    unknown = [a.checklist.path.name for a in assessments if a.year is None or a.quarter is None]
    if unknown:
        raise DataError("无法确定以下工作簿的年度或季度:" + "、".join(unknown)
                        + "；请在其「基本信息」表填写 年度、季度，或把文件名改为含 2026Q1 这样的年度季度")
    years: dict[int, list[str]] = {}
    for a in assessments:
        years.setdefault(a.year, []).append(_label(a))
    if len(years) > 1:
        detail = "；".join(f"{y}年：{'、'.join(names)}" for y, names in sorted(years.items()))
        raise DataError(f"工作簿不属于同一年度（{detail}）；年度汇总只能用同一年的季度工作簿")
    companies: dict[str, list[str]] = {}
    for a in assessments:
        if a.company and normalize(a.company):
            companies.setdefault(normalize(a.company), []).append(f"{a.checklist.path.name}（「{a.company}」）")
    if len(companies) > 1:
        detail = "、".join(n for names in companies.values() for n in names)
        raise DataError(f"工作簿不属于同一公司：{detail}；年度汇总只能用同一公司的季度工作簿")
    by_quarter: dict[int, list[Assessment]] = {}
    for a in assessments:
        by_quarter.setdefault(a.quarter, []).append(a)
    doubles = {q: found for q, found in by_quarter.items() if len(found) > 1}
    if doubles:
        detail = "；".join(f"{quarter_label(q)}：{'、'.join(_names(found))}" for q, found in sorted(doubles.items()))
        raise DataError(f"同一季度给出了多个工作簿（{detail}）；每个季度只能给一个工作簿")
    return {q: found[0] for q, found in sorted(by_quarter.items())}


def _label(a: Assessment) -> str:
    return f"{a.checklist.path.name}（{quarter_label(a.quarter)}）"


def _names(found: list[Assessment]) -> list[str]:
    """File names of one quarter's workbooks; a file given more than once is said so."""
    counts: dict[Path, int] = {}
    for a in found:
        counts[a.checklist.path.resolve()] = counts.get(a.checklist.path.resolve(), 0) + 1
    return [path.name + (f"（同一个文件给了 {n} 次）" if n > 1 else "") for path, n in counts.items()]


# --- combining ---------------------------------------------------------------------------------------------------------


def at_or_below(grade: object, rules: Rules) -> bool:
    """The grade's place among the grade names (best → worst) is at or after the cap grade's."""
    names = rules.grades.names
    return isinstance(grade, str) and grade in names and names.index(grade) >= names.index(rules.annual.cap_grade)


def cap_reason(statuses: dict[int, str], grades: dict[int, object], rules: Rules,
               quarter_rules: dict[int, Rules] | None = None) -> tuple[int, bool, str]:
    """(quarters at or below the cap grade, capped, why) for one unit's year. Runs are over calendar
    quarters: a quarter not assessed or without a workbook ends a run. A quarter's grade is judged on the grade
    scale it was given under (quarter_rules, default `rules`); the runs and counts are the year's `rules`."""
    by = quarter_rules or {}
    low = [q for q in QUARTERS if statuses.get(q) == ASSESSED and at_or_below(grades.get(q), by.get(q, rules))]
    annual, cap = rules.annual, rules.annual.cap_grade
    runs: list[list[int]] = []
    for q in low:
        if runs and runs[-1][-1] == q - 1:
            runs[-1].append(q)
        else:
            runs.append([q])
    reasons = []
    for run in runs:
        if len(run) >= annual.consecutive:
            if len(run) == 1:
                reasons.append(f"{quarter_label(run[0])}为{cap}及以下")
            else:
                reasons.append(f"{quarter_label(_quarters(run))}连续{_count(len(run))}个季度为{cap}及以下")
    in_runs = {q for run in runs if len(run) >= annual.consecutive for q in run}
    if len(low) >= annual.cumulative and not set(low) <= in_runs:  # else the runs already say it all
        reasons.append(f"全年累计{_count(len(low))}个季度（{quarter_label(_quarters(low))}）为{cap}及以下")
    return len(low), bool(reasons), "；".join(reasons)


def _quarters(qs: Sequence[int]) -> str:
    return "、".join(str(q) for q in qs)


def _count(n: int) -> str:
    return _COUNT_WORDS.get(n, str(n))


def combine(by_quarter: dict[int, Assessment], rules: Rules, rules_source: str, *,
            quarter_rules: dict[int, Rules] | None = None) -> AnnualResult:
    """The year from the quarters present (quarter → assessment of one company's one year). Projects are joined
    across spellings by the rules' [projects] aliases; quarter_rules: the rules each quarter's grades were given
    under (default: `rules` for all)."""
    from kpicli.checklist.annual_names import joined_notes, rename_warnings

    latest = by_quarter[max(by_quarter)]
    company = next((a.company for _, a in sorted(by_quarter.items(), reverse=True) if a.company), None)
    files = {q: a.checklist.path for q, a in by_quarter.items()}
    year = AnnualResult(company=company, year=int(latest.year), rules=rules, rules_source=rules_source, files=files,
                        functions=pd.DataFrame(), projects=pd.DataFrame(), units=pd.DataFrame(),
                        people=pd.DataFrame(), assessments=dict(by_quarter))
    every = _all_projects(by_quarter, year)
    year.functions = _wide(by_quarter, year, "function", list(FUNCTIONS), quarter_rules)
    year.projects = _wide(by_quarter, year, "project", every, quarter_rules)
    year.units = _wide(by_quarter, year, "unit", [(f, p) for p in every for f in FUNCTIONS], quarter_rules)
    year.people, year.has_roster = _people(by_quarter, year)
    year.notes = joined_notes(year) + rename_warnings(year)
    return year


def _all_projects(by_quarter: dict[int, Assessment], year: AnnualResult) -> list[str]:
    """Every project of the year by its name now (an alias's target, else the latest spelling), in order of first
    appearance."""
    latest: dict[str, str] = {}
    for _, a in sorted(by_quarter.items()):
        for p in a.projects["project"]:
            latest[year.key(p)] = p  # re-assigning keeps the first position
    targets = {normalize(t): t for t in year.rules.projects.aliases.values()}
    return [targets.get(k, name) for k, name in latest.items()]


def _quarter_rows(a: Assessment, kind: str, key: Callable[[object], str]) -> dict[object, dict]:
    """key → {assessed, score, grade, reward, method} of one quarter; keys normalised for matching."""
    rows: dict[object, dict] = {}
    if kind == "function":
        for r in a.functions.itertuples(index=False):
            rows[r.function] = {"assessed": bool(r.assessed), "score": r.score, "grade": r.grade,
                                "reward": Decimal(r.reward), "method": r.method}
    elif kind == "project":
        for r in a.projects.itertuples(index=False):
            rows[key(r.project)] = {"assessed": bool(r.assessed), "score": r.score, "grade": r.grade,
                                          "reward": Decimal(r.reward), "method": r.method}
    else:
        for r in a.units[~a.units["is_company"]].itertuples(index=False):
            rows[(r.function, key(r.group))] = {"assessed": bool(r.assessed), "score": r.score,
                                                      "grade": r.grade, "reward": Decimal(0), "method": ""}
    return rows


def _wide(by_quarter: dict[int, Assessment], year: AnnualResult, kind: str, keys: list,
          quarter_rules: dict[int, Rules] | None) -> pd.DataFrame:
    rules = year.rules
    per_quarter = {q: _quarter_rows(a, kind, year.key) for q, a in by_quarter.items()}
    records = []
    for key in keys:
        if kind == "function":
            record, lookup = {"function": key}, key
        elif kind == "project":
            record, lookup = {"project": key}, year.key(key)
        else:
            record, lookup = {"function": key[0], "project": key[1]}, (key[0], year.key(key[1]))
        statuses, grades, total = {}, {}, Decimal(0)
        method = SERVICE_FEE if kind == "function" and key == "物业" else (TEAM_BONUS if kind != "unit" else "")
        for q in QUARTERS:
            if q not in per_quarter:
                status, row = MISSING, None
            else:
                row = per_quarter[q].get(lookup)  # a project absent from a quarter's checklist is not assessed
                status = ABSENT if row is None else ASSESSED if row["assessed"] else NOT_ASSESSED
            statuses[q] = status
            grades[q] = row["grade"] if status == ASSESSED else None
            record[f"status_{q}"] = status
            record[f"score_{q}"] = row["score"] if status == ASSESSED else None
            record[f"grade_{q}"] = grades[q]
            if kind != "unit":
                reward = row["reward"] if row is not None else Decimal(0)
                record[f"reward_{q}"] = reward
                total += reward
        count, capped, reason = cap_reason(statuses, grades, rules, quarter_rules)
        record.update(at_or_below=count, capped=capped, reason=reason, rewards=total, method=method)
        records.append(record)
    return pd.DataFrame(records)


# --- people ------------------------------------------------------------------------------------------------------------

PEOPLE_COLUMNS = ["name", "role", "unit", "function", "quarter", "basis", "unit_key", "capped", "reason"]


def unit_key(kind: str, function: str | None = None, project: str | None = None,
             key: Callable[[object], str] = normalize) -> str:
    """One string naming an assessed unit across spellings: function:工程, project:甲, unit:工程:甲 (key: how a
    project's spellings are joined, AnnualResult.key)."""
    if kind == "function":
        return f"function:{function}"
    if kind == "project":
        return f"project:{key(project)}"
    return f"unit:{function}:{key(project)}"


def _people(by_quarter: dict[int, Assessment], year: AnnualResult) -> tuple[pd.DataFrame, bool]:
    """Everyone on any quarter's 人员名单, with the posts of the last quarter they appear in; a person is
    capped when a unit they are assessed in is capped."""
    last: dict[str, int] = {}
    order: dict[str, None] = {}
    for q, a in sorted(by_quarter.items(), reverse=True):  # latest roster first: its order leads
        for name in a.checklist.roster["name"]:
            last.setdefault(name, q)
            order.setdefault(name, None)
    has_roster = any(not a.checklist.roster.empty for a in by_quarter.values())
    functions, projects, key = year.functions, year.projects, year.key
    f_rows = {r["function"]: r for _, r in functions.iterrows()}
    p_rows = {key(r["project"]): r for _, r in projects.iterrows()}
    u_rows = {(r["function"], key(r["project"])): r for _, r in year.units.iterrows()}
    records = []
    for name in order:
        roster = by_quarter[last[name]].checklist.roster
        for post in roster[roster["name"] == name].itertuples(index=False):
            function = post.function if isinstance(post.function, str) else None
            if post.role == FUNCTION_HEAD:
                row, basis, ukey = f_rows.get(function), f"{function}职能", unit_key("function", function)
            elif post.role == DIRECTOR_ROLE:
                row, basis = p_rows.get(key(post.unit)), f"{post.unit}项目"
                ukey = unit_key("project", project=post.unit, key=key)
            else:
                row, basis = u_rows.get((function, key(post.unit))), f"{post.unit}·{function}"
                ukey = unit_key("unit", function, post.unit, key=key)
            if row is None:
                capped, reason = False, f"人员名单中的单位「{post.unit}」不在检查表中，无法判断"
            else:
                capped, reason = bool(row["capped"]), (f"{basis}：{row['reason']}" if row["capped"] else "")
            records.append({"name": name, "role": post.role, "unit": post.unit, "function": function,
                            "quarter": last[name], "basis": basis, "unit_key": ukey, "capped": capped,
                            "reason": reason})
    people = pd.DataFrame(records, columns=PEOPLE_COLUMNS)
    if not people.empty:  # function heads first, then each project's team, in the order of the year's tables
        rank = {normalize(COMPANY_GROUP): -1, **{key(p): i for i, p in enumerate(projects["project"])}}
        people["_u"] = [rank.get(key(u), len(rank)) for u in people["unit"]]
        people["_r"] = [0 if r in (FUNCTION_HEAD, DIRECTOR_ROLE) else 1 for r in people["role"]]
        people["_f"] = [FUNCTIONS.index(f) if f in FUNCTIONS else -1 for f in people["function"]]
        people = people.sort_values(["_u", "_r", "_f"], kind="stable").drop(columns=["_u", "_r", "_f"])
        people = people.reset_index(drop=True)
    return people, has_roster
