"""Who gets a blank scorecard: a roster (人员名单) CSV or workbook, and which indicator set each person is assessed on.

Columns: 姓名 (required), 部门, 岗位, 绩效奖金基数, 指标套, 考核状态 (each also under the person-block names the reader
accepts: 管理处, 职务, 奖金基数 …). A person's set is, in this order: the set their 指标套 cell names (a
given or packaged set, or a set file of that name beside the roster); the one set given with --indicators; the set
named like their 岗位. Anything else is an error naming the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from kpicli.core.errors import KpiError
from kpicli.core.vocab import normalize
from kpicli.io.tables import HEADER_SEARCH_ROWS, TableRows

from .indicators import MAX_LISTED, SET_SUFFIXES, IndicatorSet, load_indicator_set, packaged_sets, read_rows
from .layout import parse_base, person_label
from .values import display, is_blank

__all__ = ["Person", "assign_sets", "load_people"]

SET_HEADERS = frozenset(normalize(h) for h in ("指标套", "考核指标套", "指标集"))


@dataclass(frozen=True)
class Person:
    name: str
    department: str | None = None
    position: str | None = None
    base: Fraction | None = None
    set_name: str | None = None
    where: str = ""  # the roster row, for messages
    status: str | None = None  # 考核状态: 不参加考核 (…) for a person not assessed this period, written on the form


def _field(value: object) -> str | None:
    if normalize(value) in SET_HEADERS:
        return "set"
    found = person_label(value)
    return found[0] if found and found[1] is None and found[0] != "period" and found[0] != "company" else None


def _text(value: object) -> str | None:
    return " ".join(str(value).split()) or None if not is_blank(value) else None


def load_people(path: Path) -> list[Person]:
    """The people of a roster file, in its order; KpiError listing every bad row (file, row, column)."""
    table = read_rows(Path(path), {normalize("姓名")})
    header = next((r for r, row in enumerate(table.rows[:HEADER_SEARCH_ROWS]) if "name" in map(_field, row)), None)
    if header is None:
        raise KpiError(f"{table.file}：前 {HEADER_SEARCH_ROWS} 行中找不到含「姓名」的表头行")
    cols: dict[str, int] = {}
    for c, value in enumerate(table.rows[header]):
        key = _field(value)
        if key is not None and key not in cols:
            cols[key] = c
    errors: list[str] = []
    people: list[Person] = []
    seen: dict[tuple[str, str], str] = {}
    for r in range(header + 1, len(table.rows)):
        row = table.rows[r]
        values = {k: (row[c] if c < len(row) else None) for k, c in cols.items()}
        if all(is_blank(v) for v in values.values()):
            continue
        where = table.where(r)
        name = _text(values["name"])
        if name is None:
            errors.append(f"{table.where(r, cols['name'], '姓名')}：没有填写姓名；请补上，或删除这一行")
            continue
        base = None
        if not is_blank(values.get("base")):
            base = parse_base(values["base"])
            if base is None or base < 0:
                errors.append(f"{table.where(r, cols['base'], '绩效奖金基数')}：「{display(values['base'])}」"
                              "应为不小于 0 的数字（如 5000）")
                continue
        person = Person(name, _text(values.get("department")), _text(values.get("position")), base,
                        _text(values.get("set")), where, _text(values.get("status")))
        key = (normalize(person.name), normalize(person.department))
        if key in seen:
            errors.append(f"{where}：{person.name}（{person.department or '无部门'}）与 {seen[key]} 重复；"
                          "同一部门的同一人只能出现一次")
            continue
        seen[key] = where
        people.append(person)
    _raise(table, errors)
    if not people:
        raise KpiError(f"{table.file} 中没有任何人员（「姓名」列下没有内容）")
    return people


def assign_sets(people: Sequence[Person], given: Sequence[IndicatorSet], *,
                beside: Path | None = None) -> list[tuple[Person, IndicatorSet]]:
    """Each person with their indicator set (see the module doc); KpiError listing everyone without one. beside:
    the roster's folder, where a 指标套 cell naming no given or packaged set finds its file (客服部_指标套 →
    客服部_指标套.csv), so a roster and its set kept together need no --indicators."""
    by_name = {normalize(s.name): s for s in given}
    packaged = {normalize(n): n for n in packaged_sets()}
    loaded: dict[str, IndicatorSet] = {}

    def find(name: str | None) -> IndicatorSet | None:
        key = normalize(name)
        if not key:
            return None
        if key in by_name:
            return by_name[key]
        if key in packaged:
            loaded.setdefault(key, load_indicator_set(packaged[key]))
            return loaded[key]
        file = _beside(beside, name) if beside is not None else None
        if file is not None:
            loaded.setdefault(key, load_indicator_set(file))
            return loaded[key]
        return None

    out: list[tuple[Person, IndicatorSet]] = []
    errors: list[str] = []
    known = "、".join(dict.fromkeys([*(s.name for s in given), *packaged.values()])) or "（无）"
    for person in people:
        if person.set_name:
            found = find(person.set_name)
            if found is None:
                errors.append(f"{person.where}：{person.name} 的指标套「{person.set_name}」不存在；可用的指标套：{known}")
                continue
        elif len(given) == 1:
            found = given[0]
        else:
            found = find(person.position)
            if found is None:
                what = f"岗位「{person.position}」不是指标套的名称" if person.position else "没有岗位"
                errors.append(f"{person.where}：{person.name} {what}，无法确定用哪个指标套；请在人员名单中加一列"
                              f"「指标套」填写指标套名称（可用：{known}），或用 --indicators 指定")
                continue
        out.append((person, found))
    if errors:
        _raise(None, errors)
    return out


def _beside(folder: Path, name: str | None) -> Path | None:
    """The set file a 指标套 cell names in the roster's folder: the name as written, or with .csv/.xlsx/.xlsm."""
    text = str(name or "").strip()
    if not text or any(sep in text for sep in "/\\"):
        return None
    for candidate in (text, *(text + suffix for suffix in SET_SUFFIXES)):
        path = folder / candidate
        if path.suffix.lower() in SET_SUFFIXES and path.is_file():
            return path
    return None


def _raise(table: TableRows | None, errors: list[str]) -> None:
    if not errors:
        return
    lines = [f"  {e}" for e in errors[:MAX_LISTED]]
    if len(errors) > MAX_LISTED:
        lines.append(f"  …… 另有 {len(errors) - MAX_LISTED} 处")
    head = f"人员名单 {table.file} 有 {len(errors)} 处错误" if table else f"人员名单中有 {len(errors)} 人无法确定指标套"
    raise KpiError(head + "，请修改后重试：\n" + "\n".join(lines))
