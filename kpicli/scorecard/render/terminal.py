"""Scorecard results in the terminal with rich: the ranking, red lines, reviewer differences, problems, and one
person's explanation. Everything fits an 80-column window (long lines are left to the terminal to wrap)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpicli.core.errors import Problem
from kpicli.core.exact import format_score
from kpicli.render.terminal import console as default_console
from kpicli.render.terminal import grade_text, print_problems
from kpicli.scorecard.explain import PersonExplanation
from kpicli.scorecard.result import ScorecardResult, differences, ranked_people
from kpicli.scorecard.settings import DEFAULT_SETTINGS, ScorecardSettings
from kpicli.scorecard.settings_text import k_text
from kpicli.scorecard.values import fmt

DIFFERENCES_SHOWN = 3


def _pay(value: object) -> str:
    return "—" if value is None else f"{value:,.2f}"


def ranking_table(result: ScorecardResult, names: Sequence[str]) -> Table:
    table = Table(title="个人排名", box=box.SIMPLE_HEAVY, title_justify="left", title_style="bold", pad_edge=False)
    table.add_column("排名", justify="right", width=4)
    table.add_column("部门", max_width=14, overflow="fold")
    table.add_column("姓名", max_width=14, overflow="fold")
    table.add_column("总分", justify="right", min_width=6)
    table.add_column("等级", justify="center", width=4)
    table.add_column("绩效系数", justify="right", width=8)
    table.add_column("绩效奖金", justify="right", min_width=10)
    for p in ranked_people(result).to_dict("records"):
        scored = p["score"] is not None
        rank = "—" if p["rank"] is None or pd.isna(p["rank"]) else str(int(p["rank"]))
        name = Text(p["person"]) if not p["red_lines"] else Text(f"{p['person']}（红线）", style="bold red")
        table.add_row(rank, p["department"] or "—", name, format_score(p["score"]) if scored else "未算出",
                      grade_text(p["grade"] if scored else None, names), k_text(p["coefficient"]), _pay(p["bonus"]))
    return table


def print_scorecard(result: ScorecardResult, console: Console | None = None,
                    settings: ScorecardSettings = DEFAULT_SETTINGS, *, book: bool = True) -> None:
    """Ranking table, red lines touched, reviewer differences (count and the first few), then the problems.
    book: a result workbook was written (score), so point to its sheet."""
    out = console or default_console()
    company = result.company or "（未填写公司名称）"
    out.print(Text.assemble((company, "bold"), f" · {result.period or '考核期间未填写'}"))
    out.print(ranking_table(result, settings.grades.names))
    touched = [p for p in result.people.to_dict("records") if p["red_lines"]]
    for p in touched:
        dept = f"（{p['department']}）" if p["department"] else ""
        out.print(Text.assemble(("触及红线：", "bold red"), f"{p['person']}{dept}：{'、'.join(p['red_lines'])}"),
                  soft_wrap=True)
    found = differences(result)
    if found:
        where = "见结果工作簿「评分差异」" if book else "kpicli score 写出的结果工作簿「评分差异」逐处列出"
        out.print(f"评分差异：{len(found)} 处上级或二级评分与计分方式算出的分数不同（{where}）", soft_wrap=True)
        for d in found[:DIFFERENCES_SHOWN]:
            out.print(f"  {d['person']} · {d['indicator']}：{d['reviewer']} {fmt(d['points'])}，"
                      f"计分方式 {fmt(d['computed'])}（{d['cell']}）", soft_wrap=True, markup=False)
        if len(found) > DIFFERENCES_SHOWN:
            out.print(f"  …… 另有 {len(found) - DIFFERENCES_SHOWN} 处", style="dim")
    print_problems(result.problems, out, empty="检查：没有发现问题")


def _points(value: object) -> str:
    return "" if value is None else fmt(value)


def _item_table(section: str | None, items: list) -> Table:
    """One section's indicators; every section's table has the same columns, so they line up."""
    table = Table(title=section or "（未分部分）", box=box.SIMPLE_HEAD, pad_edge=False, title_justify="left",
                  show_edge=False, padding=(0, 1), collapse_padding=True,
                  title_style="bold")
    table.add_column("考核指标", width=14, overflow="fold")
    table.add_column("满分", justify="right", width=4)
    table.add_column("实际完成", width=12, overflow="fold")
    table.add_column("计算", justify="right", width=5)
    table.add_column("自评", justify="right", width=4)
    table.add_column("上级", justify="right", width=4)
    table.add_column("二级", justify="right", width=4)
    table.add_column("采用", width=8)
    table.add_column("得分", justify="right", width=5)
    for item in items:
        cell = item.actual_cell.rsplit("!", 1)[-1] if "!" in item.actual_cell else ""
        actual = Text(f"{item.actual} {cell}") if item.actual else Text("（空白）", style="dim")
        table.add_row(item.indicator, _points(item.max_points), actual, _points(item.computed),
                      _points(item.self_points), _points(item.reviewer1), _points(item.reviewer2), item.counted,
                      _points(item.points))
    return table


def print_person_explain(ex: PersonExplanation, console: Console | None = None,
                         settings: ScorecardSettings = DEFAULT_SETTINGS) -> None:
    """One person's indicators with the computation in words, section scores, and the total formula."""
    out = console or default_console()
    head = Text.assemble((ex.name, "bold"), f" · {ex.department or '未填部门'}", f" · {ex.position or ''}".rstrip(" ·"),
                         f"  总分 {ex.score:.2f} ")
    head.append_text(grade_text(ex.grade, settings.grades.names))
    head.append(f"  绩效系数 {k_text(ex.coefficient)}")
    if ex.bonus is not None:
        head.append(f"  绩效奖金 {_pay(ex.bonus)}")
    out.print(head)
    out.print(f"单元格在工作表「{ex.sheet}」；采用＝计入得分的评分", style="dim", markup=False)
    sections: dict[object, list] = {}
    for item in ex.items:
        sections.setdefault(item.section, []).append(item)
    for section, items in sections.items():
        out.print(_item_table(section, items))
    out.print(Text("计算过程", style="bold"))
    for n, item in enumerate(ex.items, 1):
        out.print(f"{n}. {item.indicator}（{item.rule}）：{item.computation}；{item.reason}", soft_wrap=True,
                  markup=False)
    out.print(Text("部分得分", style="bold"))
    for s in ex.sections:
        out.print(f"  {s.formula}", soft_wrap=True, markup=False)
    out.print(Text(ex.formula, style="bold"), soft_wrap=True)
    for note in ex.notes:
        out.print(note, soft_wrap=True, markup=False)




def blocked_scorecard_json(problems: Sequence[Problem], *, file: str | None = None) -> dict[str, object]:
    """The JSON of scorecards that were not scored (errors, or files refused as a group): the keys of
    ScorecardResult.to_json with nobody in it, and the problems; "file" first when several files are reported."""
    head: dict[str, object] = {"file": file} if file is not None else {}
    return {**head, "kind": "scorecard", "company": None, "period": None, "people": [],
            "problems": [p.to_dict() for p in problems]}


def check_heading(name: str, result: ScorecardResult) -> str:
    """The heading of `kpicli check` for a workbook (or group) of scorecards: name, period and how many people."""
    return f"{name}（{result.period or '考核期间未填写'}，{len(result.people)} 人）"


__all__ = ["blocked_scorecard_json", "check_heading", "print_person_explain", "print_scorecard", "ranking_table"]
