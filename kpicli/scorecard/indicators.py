"""Indicator sets (指标套) for blank scorecards: the packaged CSVs in templates/indicators/ or a user's CSV/workbook.

One set is one table, one row per indicator, in the order the form shows them:

    部分, 部分权重, 考核指标, 指标要求, 权重 (or 标准分), 评分标准, 计分方式

部分 names the section (rows of a section stand together); 部分权重 (70%) on a section's first row makes the
form weighted; a 部分 whose name says 红线/电网/否决 lists red-line items (考核指标 only). Every set is checked
when loaded exactly as kpicli checks a filled form: weights add up, every 计分方式 parses and fits its points.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from kpicli.core.errors import KpiError
from kpicli.core.period import period_option
from kpicli.core.vocab import normalize
from kpicli.io.package_data import templates_dir
from kpicli.io.tables import HEADER_SEARCH_ROWS, TableRows, has_headers, read_csv, read_table

from .apply import check_rule
from .layout import INDICATOR, header_field, is_redline_title
from .rule import Rule, parse_rule
from .values import Amount, ScorecardValueError, display, fmt, is_blank, parse_amount

__all__ = ["Indicator", "IndicatorSet", "SetSection", "checking_sets", "form_period", "indicator_set", "load_indicator_set",
           "packaged_sets", "read_rows", "sets_dir"]  # TableRows: kpicli.io.tables

SET_SUFFIXES = (".csv", ".xlsx", ".xlsm")
MAX_LISTED = 20
_SECTION_HEADERS = {normalize(h): "section" for h in ("部分", "考核维度", "维度", "类别", "考核类别")}
_SECTION_WEIGHT = normalize("部分权重")
_ALLOWED = {"section", "section_weight", INDICATOR, "requirement", "weight", "standard", "standard_text", "rule",
            "remark", "seq"}
_NAMES = {"section": "部分", "section_weight": "部分权重", INDICATOR: "考核指标", "requirement": "指标要求",
          "weight": "权重", "standard": "标准分", "standard_text": "评分标准", "rule": "计分方式"}


@dataclass(frozen=True)
class Indicator:
    """One indicator of a set: mᵢ in points (权重 30% → 30), its rule parsed and checked."""

    name: str
    requirement: str
    points: Fraction
    standard_text: str
    rule_text: str
    rule: Rule

    @property
    def cap(self) -> Fraction | None:
        """The highest score of the item; None under 上不封顶."""
        return self.rule.cap(self.points)


@dataclass(frozen=True)
class SetSection:
    name: str | None
    weight: Fraction | None  # in percent: 70 for 70%
    items: tuple[Indicator, ...]

    @property
    def points(self) -> Fraction:
        return sum((i.points for i in self.items), Fraction(0))


@dataclass(frozen=True)
class IndicatorSet:
    """A checked set: its name (the file's stem), 权重 or 标准分, the sections and the red-line items."""

    name: str
    layout: str  # 权重 | 标准分
    sections: tuple[SetSection, ...]
    red_lines: tuple[str, ...] = ()
    red_line_title: str = "红线事项（一票否决）"
    source: str = ""

    @property
    def weighted(self) -> bool:
        return any(s.weight is not None for s in self.sections)


def form_period(text: str) -> tuple[str, str]:
    """--period as the form writes it and as file names carry it: 2026Q1 → (2026年第1季度, 2026Q1); 2026年3月 →
    (2026年3月, 2026年3月); 2026 → (2026年度, 2026年度). KpiError for anything else."""
    try:
        period = period_option(text)
    except ValueError as error:
        raise KpiError(str(error)) from None
    return period.label, period.file_label


def sets_dir() -> Path:
    return templates_dir() / "indicators"


def packaged_sets() -> list[str]:
    """The names of the packaged indicator sets, sorted."""
    folder = sets_dir()
    return sorted(p.stem for p in folder.glob("*.csv")) if folder.is_dir() else []


def read_rows(path: Path, wants: set[str]) -> TableRows:
    """The rows of a CSV, or of the first worksheet whose first rows hold every normalised header in `wants`."""
    return read_table(path, has_headers(wants), "、".join(sorted(wants)))


def _set_field(value: object) -> str | None:
    key = normalize(value)
    if key == _SECTION_WEIGHT:
        return "section_weight"
    return _SECTION_HEADERS.get(key) or header_field(value)


def _text(value: object) -> str:
    """A cell as written, trimmed (no NFKC: full-width punctuation stays, as on the form)."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def load_indicator_set(spec: str | Path) -> IndicatorSet:
    """A packaged set by name (客服专员), or a user's set from a .csv/.xlsx path. KpiError names the file, row
    and column of every problem."""
    path = Path(spec)
    if path.suffix.lower() in SET_SUFFIXES or path.exists():
        return indicator_set(read_rows(path, {normalize("考核指标")}), path.stem)
    wanted = normalize(spec)
    for name in packaged_sets():
        if normalize(name) == wanted:
            return indicator_set(TableRows(f"{name}.csv", read_csv(sets_dir() / f"{name}.csv")), name)
    known = "、".join(packaged_sets()) or "（无）"
    raise KpiError(f"没有名为「{spec}」的指标套；内置指标套有：{known}。自己的指标套请给出 .csv 或 .xlsx 文件的路径")


def checking_sets(options: dict) -> list[IndicatorSet]:
    """The sets given with --indicators to a reading command (score, check, rank, explain, annual): the forms kpicli
    made are checked against them instead of the recorded ones (scorecard.integrity)."""
    return [load_indicator_set(spec) for spec in options.get("indicators") or ()]


def indicator_set(table: TableRows, name: str) -> IndicatorSet:
    """Parse and check the rows of one set; KpiError listing every problem."""
    errors: list[str] = []
    rows = table.rows
    header = next((r for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]) if INDICATOR in map(_set_field, row)), None)
    if header is None:
        raise KpiError(f"{table.file}：前 {HEADER_SEARCH_ROWS} 行中找不到含「考核指标」的表头行")
    cols: dict[str, int] = {}
    for c, value in enumerate(rows[header]):
        if is_blank(value):
            continue
        key = _set_field(value)
        if key not in _ALLOWED:
            errors.append(f"{table.where(header, c, display(value))}：不是指标套的列；可用的列：部分、部分权重、考核指标、"
                          "指标要求、权重（或 标准分）、评分标准、计分方式、备注")
        elif key in cols:
            errors.append(f"{table.where(header, c, display(value))}：与前面的列重复；请只保留一列")
        else:
            cols[key] = c
    if ("weight" in cols) == ("standard" in cols):
        errors.append(f"{table.where(header)}：表头应有「权重」或「标准分」其中一列（不能都有，也不能都没有）")
        _raise(table.file, errors)
    layout = "权重" if "weight" in cols else "标准分"
    max_key = "weight" if layout == "权重" else "standard"

    def get(row: list[object], key: str) -> object:
        c = cols.get(key)
        return row[c] if c is not None and c < len(row) else None

    def at(r: int, key: str) -> str:
        return table.where(r, cols.get(key), _NAMES[key])

    order: list[str | None] = []
    parts: dict[str | None, dict] = {}
    red_lines: list[str] = []
    red_title: str | None = None
    last: str | None = None
    for r in range(header + 1, len(rows)):
        row = rows[r]
        if all(is_blank(v) for v in row):
            continue
        section = _text(get(row, "section")) or None
        item = _text(get(row, INDICATOR))
        if not item:
            errors.append(f"{at(r, INDICATOR)}：没有填写考核指标；请补上，或删除这一行")
            continue
        if is_redline_title(section):
            red_title = red_title or section
            extra = [k for k in ("section_weight", max_key, "rule") if not is_blank(get(row, k))]
            if extra:
                errors.append(f"{at(r, extra[0])}：红线事项不计分，不填{_NAMES[extra[0]]}；请清空这一格")
            red_lines.append(item)
            continue
        if section not in parts:
            order.append(section)
            parts[section] = {"weight": None, "weight_at": None, "rows": []}
        elif section != last:
            errors.append(f"{at(r, 'section')}：部分「{section}」的指标与前面的不相邻；请把同一部分的行放在一起")
        last = section
        part = parts[section]
        weight = get(row, "section_weight")
        if not is_blank(weight):
            amount = _percent(weight)
            if amount is None:
                errors.append(f"{at(r, 'section_weight')}：部分权重「{display(weight)}」应为百分数，如 70%")
            elif part["weight"] is not None and amount != part["weight"]:
                errors.append(f"{at(r, 'section_weight')}：部分「{section}」的权重前面写的是 {fmt(part['weight'])}%，"
                              f"这里是 {fmt(amount)}%；请只在第一行写一次")
            else:
                part["weight"], part["weight_at"] = amount, at(r, "section_weight")
        part["rows"].append((r, row, item))
    if not order:
        errors.append(f"{table.file}：没有任何考核指标（红线事项不算）")
        _raise(table.file, errors)
    if len(order) > 1 and None in order:
        errors.append(f"{table.file}：有的指标没有填写「部分」；分了部分时，每个指标都要写明所属部分")
    weighted = [s for s in order if parts[s]["weight"] is not None]
    if weighted and len(weighted) != len(order):
        missing = "、".join(s or "（未命名部分）" for s in order if parts[s]["weight"] is None)
        errors.append(f"{table.file}：有的部分写了部分权重、有的没有（{missing} 没有）；请都写或都不写")
    elif weighted:
        total = sum((parts[s]["weight"] for s in order), Fraction(0))
        if total != 100:
            errors.append(f"{parts[order[0]]['weight_at']}：各部分权重之和为 {fmt(total)}%，应为 100%")
    amounts = {s: _maxima(parts[s]["rows"], get, at, layout, max_key, errors) for s in order}
    factor = _factor(amounts, layout, bool(weighted))
    sections = []
    for s in order:
        items = _items(parts[s]["rows"], amounts[s], factor, get, at, errors)
        sections.append(SetSection(s, parts[s]["weight"], tuple(items)))
    _check_sums(sections, layout, bool(weighted), table.file, errors)
    _raise(table.file, errors)
    return IndicatorSet(name, layout, tuple(sections), tuple(red_lines), red_title or "红线事项（一票否决）",
                        source=table.file)


def _percent(value: object) -> Fraction | None:
    """70% → 70; a plain 70 → 70; 0.7 (a %-formatted cell) → 70."""
    amount = parse_amount(value)
    if amount is None or amount.value <= 0:
        return None
    if amount.percent or amount.value > 1:
        return amount.value
    return amount.value * 100


def _maxima(rows: list, get, at, layout: str, max_key: str, errors: list[str]) -> list[Amount | None]:
    amounts: list[Amount | None] = []
    for r, row, _item in rows:
        raw = get(row, max_key)
        amount = parse_amount(raw)
        if amount is None or amount.value <= 0 or (amount.percent and layout == "标准分"):
            hint = "（如 30%）" if layout == "权重" else "（如 10）"
            errors.append(f"{at(r, max_key)}：{layout}「{display(raw) or '（空）'}」应为正数{hint}")
            amount = None
        amounts.append(amount)
    return amounts


def _factor(amounts: dict[str | None, list[Amount | None]], layout: str, weighted: bool) -> Fraction:
    """权重 written as fractions (a %-formatted cell holds 0.3 for 30%) → ×100, when they add up to 1 (per
    section when sections carry weights), as the reader decides for a filled form."""
    found = [a for group in amounts.values() for a in group if a is not None]
    if layout != "权重" or not found or any(a.percent for a in found):
        return Fraction(1)
    groups = amounts.values() if weighted else [found]
    sums = {sum((a.value for a in group if a is not None), Fraction(0)) for group in groups}
    return Fraction(100) if sums == {Fraction(1)} else Fraction(1)


def _items(rows: list, amounts: list[Amount | None], factor: Fraction, get, at, errors: list[str]) -> list[Indicator]:
    found = []
    names: set[str] = set()
    for (r, row, item), amount in zip(rows, amounts):
        if normalize(item) in names:
            errors.append(f"{at(r, INDICATOR)}：考核指标「{item}」在同一部分中重复")
        names.add(normalize(item))
        text = get(row, "rule")
        try:
            rule = parse_rule(_text(text) or None)
        except ScorecardValueError as exc:
            errors.append(f"{at(r, 'rule')}：{exc.message}")
            continue
        if amount is None:
            continue
        points = amount.value * factor
        for message in check_rule(rule, points):
            errors.append(f"{at(r, 'rule')}：{message}")
        found.append(Indicator(item, _text(get(row, "requirement")), points, _text(get(row, "standard_text")),
                               rule.text, rule))
    return found


def _check_sums(sections: list[SetSection], layout: str, weighted: bool, file: str, errors: list[str]) -> None:
    """The form must add up as kpicli will check it: 权重 per weighted section (or the sheet) 100%, Σ 标准分 100."""
    if errors:
        return  # sums over rows with errors would only repeat them
    if layout == "权重" and weighted:
        for s in sections:
            if s.points != 100:
                errors.append(f"{file}：部分「{s.name or '（未命名）'}」各项权重之和为 {fmt(s.points)}%，应为 100%")
        return
    if weighted:
        return  # 标准分 with section weights: any section total works
    total = sum((s.points for s in sections), Fraction(0))
    if total != 100:
        unit = "%" if layout == "权重" else " 分"
        errors.append(f"{file}：各项{layout}之和为 {fmt(total)}{unit}，应为 100{unit.strip()}")


def _raise(file: str, errors: list[str]) -> None:
    if not errors:
        return
    lines = [f"  {e}" for e in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        lines.append(f"  …… 另有 {len(errors) - MAX_LISTED} 处")
    raise KpiError(f"指标套 {file} 有 {len(errors)} 处错误，请修改后重试：\n" + "\n".join(lines))
