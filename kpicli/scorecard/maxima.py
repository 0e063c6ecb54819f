"""Each item's maximum mᵢ (contract §2): 标准分 as points; 权重 as a percentage (30%, or plain numbers that add up
to 100, or fractions — what a %-formatted cell holds — that add up to 1), the weight or subtotal of numbered
section rows, and the rule checks that need mᵢ. Every problem is one line at the cell that causes it."""

from __future__ import annotations

from fractions import Fraction

from kpicli.io.workbook import NoFormulaValue

from .apply import check_rule
from .layout import UNSAVED_FORMULA, Title
from .rule import Rule
from .sheet import SheetRead
from .values import Amount, display, fmt, parse_amount

__all__ = ["resolve_maxima"]


def resolve_maxima(out: SheetRead) -> None:
    """mᵢ for every item: 标准分 as points; 权重 as a percentage (30%, or plain numbers summing to 100 or 1)."""
    items = out.items
    amounts: list[Amount | None] = []
    no_column: set[object] = set()
    for item in items:
        raw = item["max_raw"]
        amount = parse_amount(raw)
        what = out.layout or "权重/标准分"
        if item["max_cell"] is None:
            if item["table"] not in no_column:  # one line per table, not one per item
                no_column.add(item["table"])
                out.problem("error", item["indicator_cell"], "此表没有「权重」或「标准分」列；请在表头加上其中一列"
                            "（红线事项请放在标题含「红线」「电网」「高压线」或「一票否决」的表里）")
            amount = None
        elif isinstance(raw, NoFormulaValue):
            out.problem("error", item["max_cell"], f"{what}是{UNSAVED_FORMULA}")
            amount = None
        elif amount is None or amount.value <= 0 or (amount.percent and out.layout == "标准分"):
            hint = "（如 30% 或 30）" if out.layout == "权重" else "（如 10）"
            out.problem("error", item["max_cell"], f"{what}「{display(raw)}」应为正数{hint}")
            amount = None
        amounts.append(amount)
    _numbered_sections(out, amounts)
    if out.layout == "权重":
        _weights_to_points(items, amounts, out)
    else:
        for item, amount in zip(items, amounts):
            item["max_points"] = amount.value if amount else None
    for item in items:
        rule, m = item.get("rule"), item.get("max_points")
        item["cap"] = None
        if isinstance(rule, Rule) and m is not None:
            for message in check_rule(rule, m):
                out.problem("error", item["rule_cell"], message)
            item["cap"] = rule.cap(m)
    _check_typed_totals(out)


def _as_percent(amount: Amount) -> Fraction:
    """30% → 30; a plain 0.3 (a %-formatted cell) → 30; a plain 30 → 30."""
    return amount.value if amount.percent or amount.value > 1 else amount.value * 100


def _numbered_sections(out: SheetRead, amounts: list[Amount | None]) -> None:
    """The 权重 on numbered section rows (一 | 经营指标 | 60): the sections' weights when they add up to 100% and
    every such section's items add up to 100% themselves; otherwise each section's subtotal of its items."""
    marked = [s for s in out.sections if s.row_value is not None]
    if not marked:
        return
    sums: dict[int, Fraction] = {}
    for item, amount in zip(out.items, amounts):
        if amount is not None:
            key = item["section_index"]
            sums[key] = sums.get(key, Fraction(0)) + _as_percent(amount)  # type: ignore[index]
    values = {s.index: _as_percent(s.row_value) for s in marked}  # type: ignore[arg-type]
    weights = (out.layout == "标准分" or (sum(values.values()) == 100
                                          and all(sums.get(s.index) == 100 for s in marked)))
    for s in marked:
        value = values[s.index]
        s.title = Title(s.title.name, value if weights else None, None if weights else value, s.title.redline)
    for item in out.items:
        section = next((s for s in marked if s.index == item["section_index"]), None)
        if section is not None:
            item["section_weight"], item["section_subtotal"] = section.title.weight, section.title.subtotal


def _weights_to_points(items: list[dict], amounts: list[Amount | None], out: SheetRead) -> None:
    found = [(item, a) for item, a in zip(items, amounts) if a is not None]
    texts = [(item, a) for item, a in found if a.percent]
    plain = [(item, a) for item, a in found if not a.percent]
    if texts and plain:
        # "10%" typed as text among %-formatted cells (or the reverse): name the cells of the fewer kind
        fewer = texts if len(texts) <= len(plain) else plain
        small = all(a.value <= 1 for _, a in plain)
        kind = "以文字输入的百分数" if fewer is texts else "不带 % 的数字"
        other = ("百分比格式的数字" if small else "不带 % 的数字") if fewer is texts else "带 % 的百分数"
        for item, _a in fewer:
            out.problem("error", item["max_cell"], f"权重「{display(item['max_raw'])}」是{kind}，而本表其他权重是"
                        f"{other}；请把这一格改成与其他格同样的写法（{other}）")
        factors: Fraction | None = None
    elif not plain:
        factors = Fraction(1)
    elif all(a.value <= 1 for _, a in plain):
        factors = Fraction(100)  # fractions: what %-formatted cells hold; sums are checked in % by the totals
    elif all(a.value >= 1 for _, a in plain):
        factors = Fraction(1)
    else:
        listed = "、".join(f"{item['max_cell']}「{display(item['max_raw'])}」" for item, a in plain if a.value < 1)
        out.problem("error", plain[0][0]["max_cell"], f"权重有的写成小数（{listed}），有的写成 30 这样的百分数；"
                    "请统一写成百分数（如 30%）")
        factors = None
    for item, amount in zip(items, amounts):
        item["max_points"] = amount.value * factors if amount is not None and factors is not None else None


def _check_typed_totals(out: SheetRead) -> None:
    """A typed 合计 is never used; when its 权重/标准分 differs from Σ mᵢ (of its table or the sheet), say so."""
    whole = sum((i["max_points"] for i in out.items if i.get("max_points") is not None), Fraction(0))
    for table, typed, cell in out.typed_totals:
        mine = sum((i["max_points"] for i in out.items if i["table"] == table and i.get("max_points") is not None),
                   Fraction(0))
        value = typed.value
        candidates = {value} if typed.percent or out.layout == "标准分" else {value, value * 100}
        if not candidates & {mine, whole}:
            out.problem("info", cell, f"合计行填的 {display(typed)} 与各项{out.layout}之和 {fmt(mine)} 不同；"
                        "kpicli 不使用手填的合计")
