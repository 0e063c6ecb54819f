"""A checklist in the terminal (rich): rankings, rewards and one unit's explanation, fit for an 80-column window."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from kpicli.checklist.words import NO_PROJECT_RANKING
from kpicli.core.exact import format_score
from kpicli.render.terminal import amount_text, console, grade_text, print_lead, print_problem_summary

if TYPE_CHECKING:
    from kpicli.checklist.assessment import Assessment


def _ranking_table(a: Assessment, kind: str) -> Table:
    names = a.rules.grades.names
    table_data = a.functions if kind == "function" else a.projects
    label = "职能" if kind == "function" else "项目"
    table = Table(title=f"{label}排名", box=box.SIMPLE_HEAVY, title_justify="left", title_style="bold",
                  pad_edge=False)
    table.add_column("排名", justify="right", width=4)
    table.add_column(label, min_width=6, max_width=24, overflow="fold")
    table.add_column("得分", justify="right", min_width=10)
    table.add_column("等级", justify="center", width=4)
    table.add_column("奖惩（元）", justify="right", min_width=10)
    ordered = table_data.assign(_r=table_data["rank"].fillna(10**6)).sort_values("_r", kind="stable")
    for t in ordered.itertuples(index=False):
        name = t.function if kind == "function" else t.project
        if not t.assessed:
            table.add_row("—", name, Text("不列入考核", style="dim"), grade_text(None, names), Text(""))
            continue
        method = t.method if kind == "function" and t.reward != 0 and t.method != "团队奖金" else ""
        amount = amount_text(t.reward, method) if t.reward != 0 else Text("")  # no reward or penalty: blank
        table.add_row(str(int(t.rank)), name, format_score(t.score), grade_text(t.grade, names), amount)
    return table


def print_rankings(a: Assessment, out: Console | None = None, *, book: bool = True) -> None:
    """Rankings, rewards and the check's counts; book: a result workbook was written (score), so point to it."""
    out = out or console()
    company = a.company or "（未填写公司名称）"
    out.print(Text.assemble((company, "bold"), f" · {a.period_label}", (f" · 规则：{a.rules_source}", "dim")))
    print_lead(a.problems, out)
    out.print(_ranking_table(a, "function"))
    if a.projects.empty:  # the city company's own file (-p 城市公司): no table that would read as nobody scored
        out.print(f"项目排名：{NO_PROJECT_RANKING}", style="dim")
    else:
        out.print(_ranking_table(a, "project"))
    rewards = [(t.function, t.reward, t.method) for t in a.functions.itertuples() if t.reward != 0]
    rewards += [(t.project, t.reward, t.method) for t in a.projects.itertuples() if t.reward != 0]
    if rewards:
        line = Text("奖惩：")
        for i, (unit, amount, method) in enumerate(rewards):
            line.append(("，" if i else "") + f"{unit} ")
            line.append_text(amount_text(amount))
            if method != "团队奖金":
                line.append(f"（{method}）", style="dim")
        out.print(line, soft_wrap=True)  # let the terminal wrap CJK text; rich would break at the first space
    else:
        out.print("奖惩：本季度无奖励或处罚")
    if len(a.deviations):
        where = "（见结果工作簿「自查偏差」）" if book else "（kpicli score 写出的结果工作簿「自查偏差」逐处列出）"
        out.print(f"自查偏差：{len(a.deviations)} 处自查结果高于城市公司检查{where}", style="dim")
    print_problem_summary(a.problems, out)


def _explain_table(items: object, label: str | None) -> Table:
    """The items of one function (of one unit): 编号, the whole touchpoint name, 权重, what was typed (and what
    kpicli read it as, when that differs), the result counted and its cell, 完成度 and the exact contribution."""
    from kpicli.checklist.explain import places
    from kpicli.checklist.function_sheet import display_value

    table = Table(title=label, title_justify="left", title_style="bold", box=box.SIMPLE, pad_edge=False)
    table.add_column("编号", no_wrap=True)
    table.add_column("触点名称", no_wrap=True)
    table.add_column("权重", justify="right", no_wrap=True)
    table.add_column("填写", max_width=14, overflow="fold")  # the cell's text, → what kpicli read it as
    table.add_column("采用", no_wrap=True)  # 检查/自查 and the cell it counted
    table.add_column("完成度", justify="right", no_wrap=True)
    table.add_column("贡献", justify="right", no_wrap=True)
    for r in items.itertuples(index=False):
        credit = f"{float(r.credit):.2%}" if r.applicable else "不计分"  # one format: percent, two decimals
        contribution = f"{places(r.contribution)}" if r.contribution is not None else "—"
        weight = f"{r.weight.normalize():f}" if r.weight is not None else "—"
        typed_text = display_value(r.raw)
        typed = Text(typed_text) if typed_text else Text("（空白）", style="dim")
        if str(r.value) != typed_text:
            typed.append(f"→{r.value}")
        cell = str(r.cell).rsplit("!", 1)[-1] if "!" in str(r.cell) else ""
        table.add_row(r.item_id or "", r.name, weight, typed, f"{r.counted} {cell}".strip(), credit, contribution,
                      style=None if r.applicable else "dim")
    return table


def print_explanation(ex: object, names: Sequence[str], out: Console | None = None) -> None:
    """The items of one unit with their exact contributions, and the total equal to the score."""
    from kpicli.checklist.explain import places

    out = out or console()
    head = Text.assemble((ex.title, "bold"), "  ")
    if ex.assessed:
        head.append(f"得分 {format_score(ex.score)} ")
        head.append_text(grade_text(ex.grade, names))
    else:
        absent = ex.items.empty  # the sheet has no group for this unit (or no such sheet)
        head.append("不列入考核（工作表中没有该单位的列组）" if absent else "不列入考核（没有适用的触点）", style="dim")
    out.print(head)
    out.print(ex.method, style="dim")
    items = ex.items
    sheets = dict(zip(items["function"], items["sheet"]))  # the 单元格 column gives the cell, this its sheet
    if sheets:
        where = "、".join(sheets.values()) if len(sheets) == 1 else "、".join(f"{f}→{s}" for f, s in sheets.items())
        out.print(f"单元格在 {where}", style="dim", markup=False, soft_wrap=True)
        out.print("填写＝单元格原文（→ 后为 kpicli 的理解）\uff0c采用＝计分所用的检查或自查及其单元格", style="dim", markup=False)
    several_functions = items["function"].nunique() > 1
    several_groups = items["group"].nunique() > 1
    # one table per function (and unit): the names stay whole at 80 columns, no 职能/单位 column takes their room
    keys = ["function", "group"] if several_functions and several_groups else \
        ["function"] if several_functions else ["group"] if several_groups else []
    sections = items.groupby(keys, sort=False) if keys else [((), items)]
    for key, part in sections:
        label = " · ".join(str(k) for k in (key if isinstance(key, tuple) else (key,)))
        out.print(_explain_table(part, label or None))
    total = "—" if ex.total is None else f"{places(ex.total)} → {format_score(ex.score)}"
    out.print(f"合计：Σ 贡献 = {total}", markup=False)
