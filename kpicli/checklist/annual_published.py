"""The year uses what was published: each quarter's rules as recorded in its workbook, and what the rules in force
now would change (issue 19 case 6).

A result workbook records the rules it was scored with (io.provenance, rules.recorded). `annual` scores such a
quarter with those rules, so a quarter's score, grade and reward are the ones published even when the folder holding
the copies has another kpicli.toml, or none. A workbook without recorded rules (a checklist nobody scored, a
hand-made one) is scored with the rules in force. The year's cap settings ([annual]) are those of the latest
quarter with recorded rules, else the rules in force; the [projects] aliases of the rules in force are added to the
recorded ones (a rename is often written down after the quarter was published). Where the rules in force now would
give another grade, reward or cap, a note says which quarter and unit; the published figure stays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from kpicli.checklist.annual_model import QUARTERS, AnnualResult
from kpicli.checklist.assessment import assess_checklist
from kpicli.core.exact import format_amount, format_score
from kpicli.core.period import quarter_label
from kpicli.rules.model import ProjectNames, Rules

if TYPE_CHECKING:
    from kpicli.rules.sections import RulesSection

RECORDED = "评分时记录的规则"


@dataclass(frozen=True)
class Published:
    """What a workbook records of its rules: the Rules (None without a record of them), and whether a record of
    rules was there but could not be rebuilt."""

    rules: Rules | None = None
    unreadable: bool = False
    record: Any = field(default=None, compare=False, repr=False)  # io.provenance.Record of a workbook with rules


def recorded_rules(path: Path, sections: Iterable[RulesSection] = ()) -> Published:
    """What the workbook at path records of its rules, rebuilt with the kinds' sections (a RulesLookup's)."""
    from kpicli.io.provenance import read
    from kpicli.rules.recorded import from_summary

    record = read(Path(path))
    if record is None or record.get("rules") is None:
        return Published()
    rules = from_summary(record.get("rules"), sections)
    return Published(rules, unreadable=rules is None, record=record)


def edited_after_publishing(assessments: dict[int, Any], published: dict[int, Published]) -> list[str]:
    """A note per quarter whose result workbook's checklist sheets (function sheets, 人员名单, 基本信息) were changed
    since kpicli wrote it: the year follows the cells as they are now, which may differ from what was published.
    Changes to the result sheets themselves (a filled 奖惩分配表) are expected and not named."""
    from kpicli.checklist.words import ROSTER_SHEET
    from kpicli.core.vocab import INFO_SHEET
    from kpicli.io.provenance import changed_sheets

    notes = []
    for q, a in sorted(assessments.items()):
        record = published[q].record
        if record is None or published[q].rules is None:
            continue
        inputs = {*a.checklist.function_sheets.values(), ROSTER_SHEET, INFO_SHEET}
        changed = [s for s in changed_sheets(a.checklist.path, record) or [] if s in inputs]
        if changed:
            notes.append(f"{quarter_label(q)}的评分结果 {a.checklist.path.name} 在 kpicli 写出后改动过（工作表："
                         f"{'、'.join(f'「{s}」' for s in changed)}），年度汇总按现在的内容计分，可能与当时公布的不同；"
                         "如果改动不应计入，请换用原来的评分结果")
    return notes


def _quarters(qs: list[int]) -> str:
    return "、".join(str(q) for q in qs)


def year_rules(published: dict[int, Published], current: Rules, source: str) -> tuple[Rules, str, list[str]]:
    """The year's rules (its [annual] and grade names), how to name where each quarter's rules come from, and the
    notes saying so."""
    recorded = [q for q, p in sorted(published.items()) if p.rules is not None]
    unreadable = [q for q, p in sorted(published.items()) if p.unreadable]
    others = [q for q in sorted(published) if q not in recorded]
    base = published[recorded[-1]].rules if recorded else current
    aliases: dict[str, str] = {}
    for q in recorded:
        aliases.update(published[q].rules.projects.aliases)  # type: ignore[union-attr]
    aliases.update(current.projects.aliases)
    try:
        names = ProjectNames(aliases=aliases)
    except ValueError:  # recorded and current aliases chain into each other: the current ones decide
        names = current.projects
    rules = replace(base, projects=names)
    notes = []
    if unreadable:
        notes.append(f"{quarter_label(_quarters(unreadable))}的工作簿记录了评分规则，但无法还原（可能由其他版本的 kpicli 写出）；"
                     f"这些季度按{source}计分")
    if not recorded:
        return rules, source, notes
    label = RECORDED if not others else f"{quarter_label(_quarters(recorded))}：{RECORDED}；{quarter_label(_quarters(others))}：{source}"
    notes.insert(0, f"{quarter_label(_quarters(recorded))}按其工作簿中记录的评分时规则计分，得分、等级和奖惩与当时公布的一致；"
                    f"年度封顶条件按{quarter_label(recorded[-1])}记录的规则")
    return rules, label, notes


def _rows(year: AnnualResult) -> dict[tuple[str, object], tuple[str, pd.Series]]:
    rows: dict[tuple[str, object], tuple[str, pd.Series]] = {}
    for _, r in year.functions.iterrows():
        rows[("function", r["function"])] = (f"{r['function']}职能", r)
    for _, r in year.projects.iterrows():
        rows[("project", year.key(r["project"]))] = (f"{r['project']}项目", r)
    for _, r in year.units.iterrows():
        rows[("unit", (r["function"], year.key(r["project"])))] = (f"{r['project']}·{r['function']}", r)
    return rows


def _figure(row: pd.Series, q: int) -> str:
    text = f"{format_score(row[f'score_{q}'])} {row[f'grade_{q}']}" if row[f"grade_{q}"] else "不列入考核"
    reward = row.get(f"reward_{q}")
    if reward is not None and not pd.isna(reward) and reward != 0:
        text += f"（奖惩 {format_amount(reward)} 元）"
    return text


def compare_with_current(year: AnnualResult, current: Rules, source: str, combine: Callable[..., AnnualResult], *,
                         allow_blank: bool = False) -> list[str]:
    """Notes naming each quarter and unit whose grade or reward, and each unit whose annual cap, the rules in force
    now would change; [] when every quarter was scored with rules equal to them. combine: annual.combine, which
    builds the year the rules in force would give (passed in: annual calls this module)."""
    from kpicli.rules.recorded import summary

    now = summary(current)["fingerprint"]
    differing = [q for q, a in sorted(year.assessments.items()) if summary(a.rules)["fingerprint"] != now]
    if not differing:
        return []
    current = replace(current, projects=year.rules.projects)
    shadow = combine({q: assess_checklist(a.checklist, current, source, allow_blank=allow_blank)
                      for q, a in year.assessments.items()}, current, source)
    published, other = _rows(year), _rows(shadow)
    lines = []
    for key, (label, row) in published.items():
        if key not in other:
            continue
        alt = other[key][1]
        for q in QUARTERS:
            if q not in differing or row[f"status_{q}"] != alt[f"status_{q}"]:
                continue
            same_reward = row.get(f"reward_{q}") == alt.get(f"reward_{q}")
            if row[f"grade_{q}"] != alt[f"grade_{q}"] or not same_reward:
                lines.append(f"{quarter_label(q)} {label}：公布为 {_figure(row, q)}，按现行规则为 {_figure(alt, q)}")
        if bool(row["capped"]) != bool(alt["capped"]):
            lines.append(f"{label}：按公布的等级{'封顶' if row['capped'] else '不封顶'}，按现行规则"
                         f"{'会封顶（' + alt['reason'] + '）' if alt['capped'] else '不会封顶'}")
    head = (f"现行规则（{source}）与{quarter_label(_quarters(differing))}评分时的规则不同；年度汇总仍用公布的结果"
            + ("，按现行规则会不同的地方：" if lines else "，按现行规则各季度的等级、奖惩和年度封顶都不变"))
    return [head, *("  " + line for line in lines)]


__all__ = ["RECORDED", "Published", "compare_with_current", "recorded_rules", "year_rules"]
