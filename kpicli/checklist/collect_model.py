"""What kpicli collect works with: the merged checklist's items, the submitted groups and their answers, and
the cell values compared between submissions. Merging is in collect.py (one submission: collect_submission.py;
one source per group: collect_choose.py), writing in checklist.render.collect_book."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kpicli.checklist.catalog import CATALOG_COLUMNS, PROJECT_SCOPE
from kpicli.checklist.function_sheet import display_value
from kpicli.checklist.words import COMPANY_GROUP, NOT_APPLICABLE, parse_result
from kpicli.core.errors import Problem
from kpicli.core.vocab import FUNCTIONS, name_key, normalize

DESCRIPTIVE = ("action", "deliverable", "method", "department")
MAX_NAMES_LISTED = 8  # names (files, touchpoints) listed in one message; the rest are counted


@dataclass
class RefItem:
    """One touchpoint of the merged checklist."""

    uid: int
    function: str
    name: str
    item_id: str = ""
    stage: str = ""
    level: str | None = None
    points: Decimal | None = None
    action: str = ""
    deliverable: str = ""
    method: str = ""
    department: str = ""
    scope: str = PROJECT_SCOPE
    origin: str = ""  # where it was first seen: "a.xlsx 营销篇" or "触点目录"

    @property
    def label(self) -> str:
        return f"{self.item_id} {self.name}" if self.item_id else self.name


@dataclass
class Answer:
    """The 自查/检查/备注 cells of one item in one group of a submission, as written."""

    self_raw: object = None
    check_raw: object = None
    remark: object = None
    self_cell: str | None = None
    check_cell: str | None = None
    remark_cell: str | None = None

    def value(self, kind: str) -> object:
        return getattr(self, "remark" if kind == "remark" else f"{kind}_raw")

    def cell(self, kind: str) -> str | None:
        return getattr(self, f"{kind}_cell")


@dataclass
class GroupSource:
    """One project group (or the 城市公司 group) of one function sheet of one submission."""

    function: str
    name: str
    is_company: bool
    file: str
    sheet: str
    answers: dict[int, Answer] = field(default_factory=dict)  # RefItem.uid → answer

    @property
    def key(self) -> str:
        return name_key(self.name)  # the one name rule (vocab.name_key)

    @property
    def unit(self) -> str:
        return f"「{COMPANY_GROUP}」列组" if self.is_company else f"项目「{self.name}」"

    @property
    def n_written(self) -> int:
        return sum((not blank(a.self_raw)) + (not blank(a.check_raw)) for a in self.answers.values())

    @property
    def has_blank(self) -> bool:
        """Some item with neither 自查 nor 检查 (what score counts as 未完成)."""
        return any(blank(a.self_raw) and blank(a.check_raw) for a in self.answers.values())

    @property
    def filled(self) -> bool:
        """False for a group nobody answered (blank, or only the template's prefilled 不适用)."""
        return any(
            not blank_or_na(a.self_raw) or not blank_or_na(a.check_raw) or not blank(a.remark)
            for a in self.answers.values()
        )


@dataclass
class Collected:
    """The merged checklist before it is written, with every problem found on the way."""

    files: list[Path]
    company: str | None
    year: int | None
    quarter: int | None
    items: dict[str, list[RefItem]]  # function → reference items in sheet order
    groups: dict[str, list[GroupSource]]  # function → the groups taken (城市公司 first, then projects)
    projects: list[str]  # first-seen order, 城市公司 excluded
    roster: pd.DataFrame
    problems: list[Problem] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    from_catalog: bool = False

    @property
    def has_errors(self) -> bool:
        return any(p.level == "error" for p in self.problems)

    @property
    def n_items(self) -> int:
        return sum(len(v) for v in self.items.values() if v)

    @property
    def blanks(self) -> int:
        """Item × group pairs with neither 自查 nor 检查: scored 未完成 unless someone fills them."""
        count = 0
        for function, groups in self.groups.items():
            for g in groups:
                for ref in self.items.get(function, []):
                    answer = g.answers.get(ref.uid)
                    count += answer is None or (blank(answer.self_raw) and blank(answer.check_raw))
        return count

    @property
    def has_company_group(self) -> bool:
        return any(g.is_company for groups in self.groups.values() for g in groups)

    def catalog(self) -> pd.DataFrame:
        """The reference items as a catalogue frame (catalog.CATALOG_COLUMNS), for template.build_template."""
        rows = [
            {"function": r.function, "item_id": r.item_id, "stage": r.stage, "name": r.name, "level": r.level or "",
             "action": r.action, "deliverable": r.deliverable, "method": r.method, "department": r.department,
             "scope": r.scope}
            for f in FUNCTIONS for r in self.items.get(f, [])
        ]
        return pd.DataFrame(rows, columns=CATALOG_COLUMNS)


# --- values -----------------------------------------------------------------------------------------------------


def blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def is_na(value: object) -> bool:
    parsed = None if blank(value) else parse_result(value)
    return parsed is not None and parsed[0] == NOT_APPLICABLE


def blank_or_na(value: object) -> bool:
    return blank(value) or is_na(value)


def canon(value: object, kind: str) -> object:
    """What a cell means, for comparing two submissions: 完成 equals √, 0.8 equals 80%."""
    if blank(value):
        return None
    if kind != "remark":
        parsed = parse_result(value)
        if parsed is not None:
            return parsed
    return normalize(display_value(value))


def shown(value: object) -> str:
    return "（空）" if blank(value) else display_value(value)


def clean(value: object) -> object:
    """A value as openpyxl should write it: NaN → None."""
    return None if blank(value) and not isinstance(value, str) else value


def none_if_blank(value: object) -> object:
    """None for a blank cell or pandas' missing value."""
    return None if blank(value) else value


def cell_text(value: object) -> str:
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# --- the reference items ------------------------------------------------------------------------------------------


class Reference:
    """The items of the merged checklist per function: a given catalogue (fixed), or the union of the items seen,
    in first-seen order, a new item placed after the item that precedes it in its own sheet."""

    def __init__(self, catalog: pd.DataFrame | None) -> None:
        self.fixed = catalog is not None
        self.items: dict[str, list[RefItem]] = {f: [] for f in FUNCTIONS}
        self._by_id: dict[tuple[str, str], RefItem] = {}
        self._by_name: dict[tuple[str, str], list[RefItem]] = {}
        self._uids = 0
        for row in (catalog if catalog is not None else pd.DataFrame(columns=CATALOG_COLUMNS)).itertuples():
            if row.function not in self.items:
                continue
            ref = self._new(row.function, name=cell_text(row.name), item_id=cell_text(row.item_id), origin="触点目录",
                            stage=cell_text(row.stage), level=cell_text(row.level) or None, scope=cell_text(row.scope) or PROJECT_SCOPE,
                            **{k: cell_text(getattr(row, k)) for k in DESCRIPTIVE})
            self.items[row.function].append(ref)

    def _new(self, function: str, **values: object) -> RefItem:
        self._uids += 1
        ref = RefItem(uid=self._uids, function=function, **values)
        self._index(ref)
        return ref

    def _index(self, ref: RefItem) -> None:
        if ref.item_id:
            self._by_id.setdefault((ref.function, normalize(ref.item_id)), ref)
        self._by_name.setdefault((ref.function, normalize(ref.name)), []).append(ref)

    def match(self, function: str, item_id: str, name: str, used: set[int]) -> RefItem | None:
        """By 触点编号 when the submission has one and it is known; else by 触点名称 (the n-th row of a name
        takes the n-th item of that name). Two different 编号 are two different items, whatever the names."""
        id_key = normalize(item_id)
        if id_key and (function, id_key) in self._by_id:
            ref = self._by_id[(function, id_key)]
            return None if ref.uid in used else ref
        for ref in self._by_name.get((function, normalize(name)), []):
            if ref.uid in used or (id_key and ref.item_id):
                continue
            if id_key:  # the reference learns the id the submission gives
                ref.item_id = item_id
                self._index_id(ref)
            return ref
        return None

    def _index_id(self, ref: RefItem) -> None:
        self._by_id.setdefault((ref.function, normalize(ref.item_id)), ref)

    def same_name(self, function: str, name: str) -> list[RefItem]:
        return list(self._by_name.get((function, normalize(name)), []))

    def add_after(self, function: str, after: RefItem | None, **values: object) -> RefItem:
        ref = self._new(function, **values)
        items = self.items[function]
        position = 0 if after is None else items.index(after) + 1
        items.insert(position, ref)
        return ref


# --- projects nobody filled ---------------------------------------------------------------------------------------


def unfilled_projects(groups: dict[str, list[GroupSource]], roster: pd.DataFrame) -> list[Problem]:
    """Lead lines for what `score` would otherwise turn into zeros and penalties: a project none of whose groups
    was filled in any submission, a group blank in one sheet, a project of the roster that nobody submitted."""
    by_project: dict[str, list[GroupSource]] = {}
    for taken in groups.values():
        for g in taken:
            if not g.is_company:
                by_project.setdefault(g.key, []).append(g)
    problems = []
    for found in by_project.values():
        name = found[0].name
        empty = [g for g in found if not g.filled and g.has_blank]
        files = "、".join(dict.fromkeys(g.file for g in empty))
        if len(empty) == len(found):
            problems.append(Problem("warning", None, None, f"{name}：所有职能表均未填写（{files} 中该项目没有填写"
                                    "任何结果）；汇总表照常写出，但评分时会拒绝评分，请补填，或确认没有提交后用 "
                                    "kpicli score --allow-blank 按未完成（0 分）评分", project=name, lead=True))
            continue
        for g in empty:
            problems.append(Problem("warning", g.sheet, None, f"{name}：「{g.sheet}」中该项目没有填写任何结果"
                                    f"（{g.file}），评分时按未完成计（0 分）；请确认是否漏填", file=g.file,
                                    project=name, lead=True))
    if roster is not None and not roster.empty:
        for unit in dict.fromkeys(roster["unit"]):
            if normalize(unit) != normalize(COMPANY_GROUP) and normalize(unit) not in by_project:
                problems.append(Problem("warning", None, None, f"{unit}：人员名单中有这个项目，但提交的文件中都没有它的"
                                        "列组（可能没有提交）；汇总表中没有该项目，本季不会为它评分",
                                        project=unit, lead=True))
    return problems
