"""The year (AnnualResult) in the terminal: one compact table of units by quarter, the capped units and people."""

from __future__ import annotations

import pandas as pd
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpicli.checklist.annual_model import (
    ABSENT,
    ASSESSED,
    MISSING,
    NOT_ASSESSED,
    QUARTERS,
    STATUS_MEANINGS,
    AnnualResult,
)
from kpicli.checklist.render.annual_text import capped_rows, missing_text, post_text, unit_label
from kpicli.core.exact import format_score
from kpicli.core.period import Period
from kpicli.render.terminal import amount_text, console, grade_text

# a quarter without a score: not assessed, no such project (not submitted), no workbook — three marks, three words
MARKS = {NOT_ASSESSED: "—", ABSENT: "未提交", MISSING: "缺少"}


def _quarter_cells(row: pd.Series, q: int, names: list[str]) -> tuple[Text, Text]:
    """The quarter's score and grade, in two cells so that the decimals line up."""
    status = row[f"status_{q}"]
    if status != ASSESSED:
        return Text(MARKS.get(status, "—"), style="dim"), Text("")
    return Text(format_score(row[f"score_{q}"])), grade_text(row[f"grade_{q}"], names)


def print_annual(result: AnnualResult, out: Console | None = None) -> None:
    """One row per project and per function: four quarters with coloured grades, the year's money, a cap
    marker; then the capped units with reasons and the capped people. Fits 80 columns."""
    out = out or console()
    names, cap = result.rules.grades.names, result.cap_grade
    out.print(Text.assemble((result.company or "（未填写公司名称）", "bold"), f" · {Period(result.year).label}",
                            (f" · 规则：{result.rules_source}", "dim")))
    if missing_text(result):
        out.print(missing_text(result), style="yellow")
    table = Table(box=box.SIMPLE_HEAVY, pad_edge=False, title_justify="left", show_edge=False, collapse_padding=True)
    table.add_column("单位", min_width=6, max_width=14, overflow="fold")
    for q in QUARTERS:
        table.add_column(f"Q{q}", justify="right", min_width=6, no_wrap=True)
        table.add_column("", justify="left", min_width=2, no_wrap=True)
    table.add_column("奖惩（元）", justify="right", min_width=7, no_wrap=True)
    table.add_column("封顶", justify="center", min_width=4, no_wrap=True)
    never = []
    for kind, frame in (("project", result.projects), ("function", result.functions)):
        shown = 0
        for _, row in frame.iterrows():
            if not any(row[f"status_{q}"] == ASSESSED for q in QUARTERS):
                never.append(unit_label(kind, row))
                continue
            shown += 1
            marker = Text(f"▲{cap}", style="bold red") if row["capped"] else Text("")
            table.add_row(unit_label(kind, row), *(c for q in QUARTERS for c in _quarter_cells(row, q, names)),
                          amount_text(row["rewards"]) if row["rewards"] else Text(""), marker)  # "—" means 不列入考核
        if shown and kind == "project":
            table.rows[-1].end_section = True
    out.print(table)
    marks = "；".join(f"{MARKS[s]} {'不列入考核（' + STATUS_MEANINGS[s] + '）' if s == NOT_ASSESSED else STATUS_MEANINGS[s]}"
                     for s in (NOT_ASSESSED, ABSENT, MISSING))
    out.print(f"{marks}；▲ 年度绩效不得高于{cap}", style="dim")
    if never:
        out.print(f"全年不列入考核：{'、'.join(never)}", style="dim")
    capped = capped_rows(result)
    if capped:
        out.print(Text(f"年度封顶（年度绩效不得高于{cap}）：", style="bold"))
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(overflow="fold")
        for category, label, row, _ in capped:
            grid.add_row(Text(" ▲", style="bold red"), Text(f"{label}（{category}）", style="bold"), row["reason"])
        out.print(grid)
    else:
        out.print(f"年度封顶：没有职能或项目达到{cap}及以下的封顶条件", style="green")
    _print_people(result, out)
    for note in result.notes:  # published rules used, renamed projects, what the rules in force now would change
        out.print(note, style="dim" if note.startswith(" ") else "yellow")


def _print_people(result: AnnualResult, out: Console) -> None:
    if not result.has_roster:
        out.print("人员：检查表中没有「人员名单」，无法列出个人", style="dim")
        return
    people = result.people
    hit = people[people["capped"]]
    if hit.empty:
        out.print(f"人员：名单中 {len(people)} 人，无人封顶", style="green")
        return
    out.print(Text(f"封顶人员（{len(hit)} 人，年度绩效不得高于{result.cap_grade}）：", style="bold"))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for p in hit.itertuples(index=False):
        grid.add_row(" ", Text(p.name, style="bold"), post_text(p), Text(f"随「{p.basis}」封顶", style="dim"))
    out.print(grid)
    out.print(f"名单中其余 {len(people) - len(hit)} 人不受封顶限制；逐人明细见 --format json 或年度工作簿", style="dim")


__all__ = ["print_annual"]
