"""A returned scorecard workbook checked against the indicator sets kpicli handed out, before anything is scored.

A form made by `kpicli template 考核表` carries kpicli's record (io.provenance; its content: scorecard.handout):
each form's set — sections with their weights, indicators with 权重/标准分 and 计分方式, red-line items. Who may
change what: the person assessed fills 实际完成 and 自评, reviewers fill their score columns; the set itself is the
assessment officer's, and the one way to change it is to give the changed set with `--indicators` (a packaged
name or a .csv/.xlsx file): forms whose recorded set has that name (or every form, when the workbook's forms share
one set and one set is given) are then checked against the given set instead.

Against the set every difference is an error naming the cell, what was handed out and what is there now: a
changed 权重/标准分 (an employee raising the weight of an indicator they did well on), a changed 计分方式 (its
meaning: spacing and punctuation do not count), a changed section weight, an indicator deleted, added or renamed,
the 权重/标准分 header swapped, a red-line item deleted or added. A sheet the record does not know (added by hand)
and a workbook without a record (hand-made forms, a company's own layout) are scored as they are, as before.
The coefficient table in force when the forms were made is recorded too: a different one now is a warning (the
rules file is the officer's, but pay changes with it).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from kpicli.core.errors import Problem
from kpicli.core.vocab import normalize

from .handout import BOOK, coefficients_entry, number, set_entry
from .rule import Rule, parse_rule
from .sheet import SheetRead
from .values import ScorecardValueError, fmt

ACCEPT = "指标套确需修改时，由考核负责人用 --indicators 给出修改后的指标套再评分"
ACCEPT_HOW = ("谁能改什么：被考核人只填「实际完成」和「自评」，评分人只填自己的评分列；考核指标、权重（标准分）、计分方式和红线"
              "事项由考核负责人定。有意修改指标套时，把修改后的指标套存成 .csv 或 .xlsx（列同 kpicli template 用的指标套，"
              "文件名用原指标套的名称，如 客服专员.csv），评分时加 --indicators 客服专员.csv，kpicli 就按这份指标套核对")


@dataclass
class HandedOut:
    """What a workbook's forms are checked against: the record's data, its sets (a given --indicators set
    replacing the recorded one of its name) and how messages name the reference of each set."""

    data: dict[str, Any]
    sets: dict[str, dict[str, Any]]
    labels: dict[str, str]
    problems: list[Problem] = field(default_factory=list)

    def form_of(self, sheet: SheetRead) -> dict[str, Any] | None:
        forms = self.data.get("forms") or []
        found = next((f for f in forms if f.get("sheet") == sheet.sheet), None)
        if found is not None:
            return found
        name, department = normalize(sheet.person.get("name")), normalize(sheet.person.get("department"))
        same = [f for f in forms if f.get("person") and normalize(f["person"]) == name
                and normalize(f.get("department")) == department]
        return same[0] if len(same) == 1 else None

    def effective(self) -> dict[str, Any]:
        """The record as it now holds: the given sets in place of the recorded ones (a result carries this)."""
        return {**self.data, "sets": self.sets}


def handed_out(path: Path, given: Sequence[Any] = ()) -> HandedOut | None:
    """The sets the workbook at path was handed out with (None: no scorecard record, the forms are checked against
    nothing); given: IndicatorSet objects from --indicators."""
    from kpicli.io.provenance import read

    record = read(Path(path))
    data = record.data if record is not None else {}
    if data.get("book") != BOOK or not data.get("forms") or not isinstance(data.get("sets"), dict):
        if given:
            return HandedOut({}, {}, {}, [Problem("warning", None, None, (
                "--indicators 只用于核对 kpicli 生成的考核表：这个工作簿没有 kpicli 的发放记录（手工制作或公司自己的表格），"
                "按表中所写的指标评分，--indicators 未使用"))])
        return None
    sets = dict(data["sets"])
    labels = {name: "发出的考核表（kpicli 的记录）" for name in sets}
    problems: list[Problem] = []
    for chosen in given:
        target = next((n for n in sets if normalize(n.split("#")[0]) == normalize(chosen.name)), None)
        if target is None and len(given) == 1 and len(sets) == 1:
            target = next(iter(sets))
        if target is None:
            listed = "、".join(sets)
            problems.append(Problem("error", None, None, (
                f"--indicators 给出的指标套「{chosen.name}」与这些考核表发出时的指标套（{listed}）都不同名，不知道它替换哪一套；"
                f"请把文件命名为要替换的指标套的名称（如 {next(iter(sets))}.csv）")))
            continue
        sets[target] = set_entry(chosen)
        labels[target] = f"指标套「{chosen.source or chosen.name}」"
    return HandedOut(data, sets, labels, problems)


def check_sheets(reads: Sequence[SheetRead], reference: HandedOut) -> list[Problem]:
    """Problems of the read forms against what was handed out (see the module docstring)."""
    problems = list(reference.problems)
    for sheet in reads:
        form = reference.form_of(sheet)
        if form is None:
            continue
        entry = reference.sets.get(str(form.get("set")))
        if entry is None:
            continue
        problems += _check_form(sheet, entry, reference.labels.get(str(form.get("set")), "发出的考核表"))
    if any(p.level == "error" for p in problems if p not in reference.problems):
        problems.append(Problem("info", None, None, ACCEPT_HOW))
    return problems


def _shown(points: Fraction | None, layout: str) -> str:
    if points is None:
        return "空白"
    return f"{fmt(points)}%" if layout == "权重" else f"{fmt(points)} 分"


def _meaning(rule: Rule) -> Rule:
    return dataclasses.replace(rule, text="")


def _same_rule(written: str, item: dict[str, Any]) -> bool:
    now = item.get("rule")
    try:
        expected = parse_rule(written)
    except ScorecardValueError:
        return normalize(written) == normalize(item.get("rule_text"))
    if isinstance(now, Rule):
        return _meaning(now) == _meaning(expected)
    return normalize(written) == normalize(item.get("rule_text"))


def _check_form(sheet: SheetRead, entry: dict[str, Any], label: str) -> list[Problem]:
    problems: list[Problem] = []

    def error(cell: object, message: str, fix: str = "请改回") -> None:
        problems.append(Problem("error", sheet.sheet, cell, f"{message}；{fix}，{ACCEPT}"))  # type: ignore[arg-type]

    layout = str(entry.get("layout") or "")
    if sheet.layout and layout and sheet.layout != layout:
        cell = next((i["max_cell"] for i in sheet.items if i.get("max_cell")), None)
        error(cell, f"这一列在{label}中是「{layout}」，现在是「{sheet.layout}」：各项的满分随之改变")
        return problems
    expected: dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]] = {}
    for section in entry.get("sections") or []:
        for item in section.get("items") or []:
            expected[(normalize(section.get("name")), normalize(item["name"]))] = (section, item)
    matched: set[tuple[str, str]] = set()
    weights_said: set[object] = set()
    for item in sheet.items:
        key = (normalize(item.get("section")), normalize(item.get("indicator")))
        if key not in expected or key in matched:
            alone = [k for k in expected if k[1] == key[1] and k not in matched]
            key = alone[0] if len(alone) == 1 else key
        if key not in expected or key in matched:
            error(item.get("indicator_cell"), f"考核指标「{item.get('indicator')}」不在{label}中（被添加或改了名），"
                  "它的得分会计入总分", "请删除这一行或改回原来的名称")
            continue
        matched.add(key)
        section, recorded = expected[key]
        name = recorded["name"]
        was, now = number(recorded.get("points")), item.get("max_points")
        if now is not None and was is not None and Fraction(now) != was:
            error(item.get("max_cell"), f"考核指标「{name}」的{layout}在{label}中是 {_shown(was, layout)}，"
                  f"现在是 {_shown(Fraction(now), layout)}：改动{layout}会改变总分")
        if not _same_rule(str(recorded.get("rule") or "直接"), item):
            error(item.get("rule_cell"), f"考核指标「{name}」的计分方式在{label}中是「{recorded.get('rule') or '直接'}」，"
                  f"现在是「{item.get('rule_text') or '直接'}」：改动计分方式会改变得分")
        was_weight, now_weight = number(section.get("weight")), item.get("section_weight")
        index = item.get("section_index")
        if was_weight is not None and now_weight is not None and Fraction(now_weight) != was_weight \
                and index not in weights_said:
            weights_said.add(index)
            cell = next((s.cell for s in sheet.sections if s.index == index), None)
            error(cell, f"部分「{section.get('name')}」的权重在{label}中是 {fmt(was_weight)}%，"
                  f"现在是 {fmt(Fraction(now_weight))}%：改动部分权重会改变总分")
    for key, (section, recorded) in expected.items():
        if key not in matched:
            where = f"「{section['name']}」部分的" if section.get("name") else ""
            cell = next((s.cell for s in sheet.sections if section.get("name")
                         and normalize(s.title.name) == normalize(section["name"])), None)
            error(cell, f"{label}中{where}考核指标「{recorded['name']}」不在表中了：删除的指标不再计分，总分会随之改变",
                  "请恢复这一行")
    problems += _red_lines(sheet, entry, label)
    return problems


def _red_lines(sheet: SheetRead, entry: dict[str, Any], label: str) -> list[Problem]:
    problems = []
    recorded = {normalize(n): n for n in entry.get("red_lines") or []}
    now = {normalize(r["item"]): r for r in sheet.red_lines}
    for key, red in now.items():
        if key not in recorded:
            problems.append(Problem("error", sheet.sheet, red.get("cell"), (
                f"红线事项「{red['item']}」不在{label}中（被添加或改了名）；请改回，{ACCEPT}")))
    first = next((r.get("cell") for r in sheet.red_lines), None)
    for key, name in recorded.items():
        if key not in now:
            problems.append(Problem("error", sheet.sheet, first, (
                f"{label}中的红线事项「{name}」不在表中了：触及红线时绩效系数为 0，删除它会改变绩效奖金；"
                f"请恢复这一行，{ACCEPT}")))
    return problems


def coefficient_change(reference: HandedOut | None, settings: Any, rules_source: str = "") -> list[Problem]:
    """A warning when the coefficient table in force differs from the one recorded when the forms were made."""
    if reference is None or not reference.data.get("coefficients"):
        return []
    was = [list(map(str, row)) for row in reference.data["coefficients"]]
    now = coefficients_entry(settings)
    if _table(was) == _table(now):
        return []
    return [Problem("warning", None, None, (
        f"绩效系数表与生成考核表时不同：生成时为 {_describe(was)}，现在为 {_describe(now)}；已按现在的规则计算绩效系数"
        "和奖金。若不是考核负责人有意修改规则文件（kpicli.toml 的 [scorecard]），请先恢复它"))]


def _table(rows: list[list[str]]) -> list[tuple[Fraction | None, Fraction]]:
    return [(number(low), Fraction(k)) for low, k in rows]


def _describe(rows: list[list[str]]) -> str:
    parts = [f"≥{fmt(Fraction(low))}：{fmt(Fraction(k))}" for low, k in rows if low != ""]
    below = next((k for low, k in rows if low == ""), None)
    if below is not None:
        parts.append(f"以下：{fmt(Fraction(below))}")
    return "，".join(parts)


__all__ = ["ACCEPT", "ACCEPT_HOW", "HandedOut", "check_sheets", "coefficient_change", "handed_out"]
