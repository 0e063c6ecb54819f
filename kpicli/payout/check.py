"""The checks on returned allocations (issue 22): exact sums to the fen, numbers, signs, names of the roster,
each team once; then the lines of the HR list. Every problem names the file, the sheet and the cell."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from kpicli.core.errors import Problem
from kpicli.core.vocab import exact_decimal, name_key
from kpicli.io.workbook import ExcelError, NoFormulaValue
from kpicli.payout.model import Allocation, Line, Payout, Team

FEN = Decimal("0.01")


def _money(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def read_amount(value: object) -> tuple[Decimal | None, str | None]:
    """(amount, None) for a number in yuan with at most 2 decimals (a blank cell is 0), else (None, why)."""
    if value is None or value == "":
        return Decimal(0), None
    if isinstance(value, NoFormulaValue):
        return None, f"是一个没有保存计算结果的公式（{value}）；请在 Excel/WPS 中打开并保存，或直接填写金额数字"
    if isinstance(value, ExcelError):
        return None, f"是错误值 {value}；请填写金额数字"
    if isinstance(value, bool):
        return None, f"是逻辑值 {'TRUE' if value else 'FALSE'}，不是金额；请填写金额数字"
    if isinstance(value, str):
        return None, f"是文本「{value}」，不是数字；请把单元格改为数字格式并填写金额数字（不带单位）"
    amount = exact_decimal(value)
    if amount is None:
        return None, f"不是有效的金额（{value}）；请填写金额数字"
    if amount != amount.quantize(FEN):
        return None, f"{amount} 超过两位小数（金额精确到分）；请改为精确到分的金额"
    return amount, None


class _Checker:
    def __init__(self, expected: dict[tuple[str, str], Team]) -> None:
        self.expected = expected
        self.problems: list[Problem] = []

    def error(self, a: Allocation, cell: str | None, message: str) -> None:
        self.problems.append(Problem("error", a.sheet, cell, message, file=a.file.name))

    def allocation(self, a: Allocation, team: Team) -> list[Line] | None:
        """The lines of one returned copy, or None when it has errors (each one recorded)."""
        before = len(self.problems)
        if a.handed_out is not None:
            self._same_hand_out(a, team)
        typed = exact_decimal(a.amount) if not isinstance(a.amount, (str, bool)) else None
        if typed != team.amount:
            shown = _money(typed) if typed is not None else f"「{a.amount}」"
            self.error(a, a.amount_cell, f"{team.label}的团队金额被改成了 {shown}，kpicli 发出时是 "
                       f"{_money(team.amount)}；团队金额不能手工修改，请改回 {_money(team.amount)}（金额有异议时"
                       "请联系运营管理部重新评分）")
        people = self._members(a, team)
        if not a.filled:
            return [] if len(self.problems) == before else None
        total = Decimal(0)
        amounts: list[Decimal] = []
        for e in a.entries:
            amount, why = read_amount(e.value)
            if amount is None:
                self.error(a, e.value_cell, f"{team.label}·{e.name} 的分配金额{why}")
                continue
            if team.amount < 0 < amount or team.amount > 0 > amount:
                sign = "负数或 0（处罚）" if team.amount < 0 else "正数或 0（奖励）"
                self.error(a, e.value_cell, f"{team.label}·{e.name} 的分配金额 {_money(amount)} 的正负号不对："
                           f"团队金额是 {_money(team.amount)}，每人的分配金额应为{sign}")
            total += amount
            amounts.append(amount)
        if len(amounts) == len(a.entries) and total != team.amount:
            diff = team.amount - total
            self.error(a, a.total_cell, f"{team.label}的分配合计 {_money(total)} 与团队金额 {_money(team.amount)} "
                       f"不一致（还差 {_money(diff)}）；请调整黄色单元格中的金额，使合计正好等于团队金额")
        if len(self.problems) != before:
            return None
        return [Line(team.period, team.company, team.label, people[i], e.role or _role(team, people[i]), amount,
                     team.reason, a.file.name, f"{a.sheet}!{e.value_cell}")
                for i, (e, amount) in enumerate(zip(a.entries, amounts))]

    def _same_hand_out(self, a: Allocation, team: Team) -> None:
        h = a.handed_out
        assert h is not None
        if h.company != team.company:
            self.error(a, None, f"这份分配表是发给「{h.company}」的，不是「{team.company}」的；请核对文件")
        elif h.amount != team.amount or {m.name for m in h.members} != {m.name for m in team.members}:
            self.error(a, None, f"这份分配表是按另一次评分发出的（当时{h.label}的团队金额 {_money(h.amount)}、"
                       f"{len(h.members)} 人，现在的结果是 {_money(team.amount)}、{len(team.members)} 人）；"
                       "请用 kpicli score --per-team 重新发出分配表，由负责人重新填写")

    def _members(self, a: Allocation, team: Team) -> list[str]:
        """The roster spelling of each row's name (the typed text where it is not a member); errors for unknown,
        misspelt, repeated and removed names."""
        by_key = {name_key(m.name): m.name for m in team.members}
        seen: dict[str, str] = {}
        people = []
        for e in a.entries:
            typed = "" if e.name is None else str(e.name).strip()
            member = by_key.get(name_key(typed))
            if not typed:
                self.error(a, e.name_cell, f"{team.label}的成员行缺少姓名；请填写人员名单中的姓名或删去金额")
            elif member is None:
                listed = "、".join(m.name for m in team.members) or "（无）"
                self.error(a, e.name_cell, f"「{typed}」不在{team.label}的人员名单中（{listed}）；只能分配给名单中的"
                           "成员，如需调整成员请先改所评分工作簿的「人员名单」并重新评分")
            elif typed != member:
                self.error(a, e.name_cell, f"姓名「{typed}」应按人员名单写作「{member}」；请改正")
            if member is not None and member in seen:
                self.error(a, e.name_cell, f"{member} 在{team.label}中出现了两次（另一行在 {seen[member]}）；"
                           "同一团队中每人只能分配一次，请合并为一行")
            if member is not None:
                seen.setdefault(member, e.name_cell)
            people.append(member or typed)
        missing = [m.name for m in team.members if m.name not in seen]
        if missing:
            self.error(a, a.total_cell, f"{team.label}的成员被改动：kpicli 发出时有 {'、'.join(missing)}，"
                       "现在的表中没有；不分给某人时请保留该行并填 0")
        return people


def _role(team: Team, name: str) -> str:
    return next((m.role for m in team.members if m.name == name), "")


def check_payout(teams: Iterable[Team], allocations: Iterable[Allocation], *, complete: set[str]) -> Payout:
    """Check every returned copy against the team kpicli handed out; `complete`: the periods whose result workbook
    was given (a team with no copy there is 待分配, elsewhere a missing file is an error)."""
    expected = {t.key: t for t in teams}
    checker = _Checker(expected)
    payout = Payout(teams=list(expected.values()))
    copies: dict[tuple[str, str], list[tuple[Allocation, list[Line] | None]]] = {}
    for a in allocations:
        team = expected.get((a.period, a.label))
        if team is None:
            known = "、".join(t.label for t in expected.values() if t.period == a.period) or "（无）"
            checker.error(a, None, f"{a.period}没有需要分配的「{a.label}」（本期需要分配的团队：{known}）；"
                          "这份分配表可能属于另一次评分，请核对文件")
            continue
        if not team.payable:
            if a.filled:
                checker.error(a, a.entries[0].value_cell, f"{team.label}以{team.method}方式结算，不分配给个人；"
                              "请清空这些金额")
            continue
        copies.setdefault(team.key, []).append((a, checker.allocation(a, team)))
    for team in expected.values():
        if not team.payable:
            payout.settled.append(team)
            continue
        found = copies.get(team.key, [])
        filled = [(a, lines) for a, lines in found if a.filled]
        if len(filled) > 1:
            names = "、".join(a.where() for a, _ in filled)
            for a, _ in filled:
                checker.error(a, None, f"{team.period}{team.label}的分配交回了 {len(filled)} 份（{names}）；"
                              "每个团队只能交一份，请只保留最终的一份")
        elif filled:
            payout.lines.extend(filled[0][1] or [])
        elif found or team.period in complete:
            payout.pending.append(team)
        else:
            checker.problems.append(Problem(
                "error", None, None, f"缺少{team.period}{team.label}的分配表；请把负责人交回的文件一并给出，"
                "或同时给出该期的评分结果工作簿（未交回的团队列为待分配）"))
    payout.problems = checker.problems
    return payout


__all__ = ["check_payout", "read_amount"]
