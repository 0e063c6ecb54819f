"""The payout list in the terminal: the same figures as the workbook, in tables that fit 80 columns."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from kpicli.payout.model import PENDING, Payout


def _money(amount: object) -> str:
    return f"{amount:,.2f}"


def print_payout(payout: Payout, out: Console) -> None:
    """Per team its people (and subtotal), then each person's total, the teams 待分配 and those paid as 服务费."""
    if payout.lines:
        lines = Table(title="发放清单", title_justify="left", box=None, pad_edge=False)
        for name, justify in (("期间", "left"), ("团队", "left"), ("姓名", "left"), ("岗位", "left"),
                              ("金额（元）", "right")):
            lines.add_column(name, justify=justify, overflow="fold")
        totals = {(p, t): (s, k) for p, t, s, k in payout.team_totals()}
        for i, x in enumerate(payout.lines):
            lines.add_row(x.period, x.team, x.name, x.role, _money(x.amount))
            following = payout.lines[i + 1] if i + 1 < len(payout.lines) else None
            if following is None or (following.period, following.team) != (x.period, x.team):
                total, count = totals[(x.period, x.team)]
                lines.add_row("", f"{x.team} 小计", f"{count} 人", "", _money(total), style="bold")
        out.print(lines)
        people = Table(title="个人合计", title_justify="left", box=None, pad_edge=False)
        people.add_column("姓名")
        people.add_column("合计（元）", justify="right")
        people.add_column("笔数", justify="right")
        for name, total, person_lines in payout.person_totals():
            people.add_row(name, _money(total), str(len(person_lines)))
        people.add_row("合计", _money(payout.total), str(len(payout.lines)), style="bold")
        out.print(people)
    for label, teams in ((PENDING, payout.pending), ("以服务费调整结算，不发给个人", payout.settled)):
        for t in teams:
            out.print(f"{label}：{t.period} {t.label} {_money(t.amount)}", markup=False)


__all__ = ["print_payout"]
