"""Scores from the tidy item frame (contract §4), vectorised and exact.

Weights and credits are decimals; each is scaled once to an integer (per distinct value), so every
sum below is an exact integer sum done by pandas, and a score is an exact fraction until it is
rounded half-up to two decimals.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from kpicli.checklist.words import DONE, FRACTION, NOT_APPLICABLE, NOT_DONE, PARTIAL
from kpicli.core.errors import Problem
from kpicli.core.exact import cents_to_decimal, decimal_places, fraction_cents, percent_cents
from kpicli.core.vocab import FUNCTIONS
from kpicli.rules.model import Rules

CHECK, SELF, BLANK = "检查", "自查", "空"


@dataclass
class Scale:
    """Integers stand for decimals: weight = w_int / weight_scale, credit = c_int / credit_scale."""

    weight_scale: int
    credit_scale: int


def resolve_items(items: pd.DataFrame, rules: Rules) -> tuple[pd.DataFrame, list[Problem], Scale]:
    """Decide which check counts for every item × group, its credit and its weight."""
    sc = rules.scoring
    frame = items.copy(deep=False)  # new columns only: the checklist's frame stays as it was (copy-on-write)
    # a check cell with an unknown value is already an error: it still counts as the check, not as blank
    has_check = frame["check_raw"].notna()
    has_self = frame["self_value"].notna()
    use_self = ~has_check & has_self & sc.self_check_fallback
    frame["counted"] = _labels((CHECK, SELF, BLANK), np.select([has_check, use_self], [0, 1], 2))
    frame["value"] = frame["check_value"].where(has_check, frame["self_value"].where(use_self, NOT_DONE))
    frame["fraction"] = frame["check_fraction"].where(has_check, frame["self_fraction"].where(use_self, None))
    frame["applicable"] = frame["value"].ne(NOT_APPLICABLE)
    credits = {DONE: Decimal(1), PARTIAL: sc.partial_credit, NOT_DONE: Decimal(0)}
    frame["credit"] = frame["value"].map(credits).where(frame["value"].ne(FRACTION), frame["fraction"])
    frame.loc[~frame["applicable"], "credit"] = None
    points = frame["points"]
    positive = {d for d in points.dropna().unique() if d > 0}
    points_ok = points.isin(positive)
    frame["weight"] = frame["points"].where(points_ok, frame["level"].map(sc.level_weights))
    frame["weight_source"] = _labels(("分值", "等级"), np.where(points_ok, 0, 1))

    scale = Scale(10 ** decimal_places(frame["weight"].dropna().unique()),
                  10 ** decimal_places(frame["credit"].dropna().unique()))
    w_int, c_int = _scaled(frame["weight"], scale.weight_scale), _scaled(frame["credit"], scale.credit_scale)
    if _may_overflow(w_int, c_int):
        w_int, c_int = w_int.astype(object), c_int.astype(object)  # Python ints: exact at any size
    applicable = frame["applicable"].to_numpy()
    frame["w_int"] = np.where(applicable, w_int, 0).astype(w_int.dtype)
    frame["wc_int"] = np.where(applicable, w_int * c_int, 0).astype(w_int.dtype)
    return frame, _count_problems(frame, rules), scale


def _labels(labels: tuple[str, ...], codes: np.ndarray) -> np.ndarray:
    """labels[code] for each code, as Python strings: pandas takes them into its string column as they are (from
    numpy's fixed-width strings it converts each one)."""
    return np.array(labels, dtype=object)[codes]


def _scaled(values: pd.Series, scale: int) -> np.ndarray:
    """Exact integer value × scale for each decimal (None → 0), as int64 when it fits, else Python ints."""
    codes, uniques = pd.factorize(values)  # each distinct decimal hashed once; None → code -1 → the 0 appended
    scaled = [int(v * scale) for v in uniques]
    dtype = np.int64 if max(map(abs, scaled), default=0) < 2**62 else object
    return np.array([*scaled, 0], dtype=dtype)[codes]


def _may_overflow(w_int: np.ndarray, c_int: np.ndarray) -> bool:
    """Could a product or a sum of products leave int64? Checked on the largest values, not per cell."""
    if w_int.dtype == object or c_int.dtype == object:
        return True
    biggest_w = int(np.abs(w_int).max(initial=0))
    biggest_c = int(np.abs(c_int).max(initial=0))
    return biggest_w * max(biggest_c, 1) * max(len(w_int), 1) >= 2**62


SELF_STOOD_IN = "未经城市公司检查，采用自查结果"


def _count_problems(frame: pd.DataFrame, rules: Rules) -> list[Problem]:
    """A warning for each self-check that stood in, and for each blank (an error if the rules say so)."""
    blank_level = "error" if rules.scoring.blank == "error" else "warning"
    texts = {
        SELF: ("warning", SELF_STOOD_IN),
        "ignored": ("warning", "城市公司未检查；按规则（self_check_fallback = false）自查结果不计入，按未完成计"),
        BLANK: (blank_level, "未填写检查结果，规则要求每项必填（blank = \"error\"），请补填"
                if blank_level == "error" else "未填写，按未完成计"),
    }
    # on the columns' arrays, the rows shown only: pandas' string columns cost more for each step, and itertuples
    # steps through them one boxed value at a time
    counted = frame["counted"].to_numpy()
    shown = counted != CHECK
    counted = counted[shown]
    counted = np.where(frame["self_value"].notna().to_numpy()[shown] & (counted == BLANK), "ignored", counted)
    check_cell, self_cell = frame["check_cell"].to_numpy()[shown], frame["self_cell"].to_numpy()[shown]
    cells = np.where(pd.isna(check_cell), self_cell, check_cell)
    return [
        Problem(texts[kind][0], sheet, cell, f"{texts[kind][1]}（{group}：{name}）")
        for sheet, kind, group, name, cell in zip(frame["sheet"].to_numpy()[shown], counted.tolist(),
                                                  frame["group"].to_numpy()[shown], frame["name"].to_numpy()[shown], cells)
    ]


def deviations(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """自查偏差: both checks filled and applicable, and the self-check claims more than the check found."""
    credits = {DONE: Decimal(1), PARTIAL: rules.scoring.partial_credit, NOT_DONE: Decimal(0)}

    def credit_of(kind: str) -> np.ndarray:
        """Each row's credit (None when there is none), each distinct value looked up once, on plain arrays."""
        value = frame[f"{kind}_value"].to_numpy()
        codes, uniques = pd.factorize(value)  # missing values get code -1: the None appended
        credit = np.array([*(credits.get(u) for u in uniques), None], dtype=object)[codes]
        fraction = value == FRACTION
        if fraction.any():
            credit[fraction] = frame[f"{kind}_fraction"].to_numpy()[fraction]
        return credit

    self_credit, check_credit = credit_of("self"), credit_of("check")
    both = ~pd.isna(self_credit) & ~pd.isna(check_credit)
    claims_more = np.zeros(len(frame), dtype=bool)
    claims_more[both] = (self_credit[both] > check_credit[both]).astype(bool)
    cols = ["function", "sheet", "group", "item_id", "name", "self_raw", "check_raw", "self_cell", "check_cell"]
    return frame.loc[claims_more, cols].reset_index(drop=True)


def unit_scores(frame: pd.DataFrame, scale: Scale, projects: list[str]) -> pd.DataFrame:
    """One row per function × group (城市公司 included), with exact sums and the rounded score."""
    # grouped by the plain arrays (pandas' string columns cost more to group by); reindex names the levels
    sums = frame.groupby([frame["function"].to_numpy(), frame["group"].to_numpy()], sort=False).agg(
        is_company=("is_company", "first"), items=("name", "size"), applicable=("applicable", "sum"),
        w=("w_int", "sum"), wc=("wc_int", "sum"),
    )
    companies = [g for g in frame.loc[frame["is_company"].astype(bool), "group"].unique()]
    index = pd.MultiIndex.from_product([FUNCTIONS, projects + companies], names=["function", "group"])
    units = sums.reindex(index).reset_index()
    units["is_company"] = units["group"].isin(companies)
    units[["items", "applicable", "w", "wc"]] = units[["items", "applicable", "w", "wc"]].fillna(0)
    units = units[~(units["is_company"] & units["items"].eq(0))].reset_index(drop=True)
    return _with_scores(units, scale)


def _with_scores(table: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """Add ratio (exact Fraction), assessed, cents and score from the integer sums w and wc."""
    table = table.copy()
    table["assessed"] = table["w"].map(lambda w: int(w) > 0)
    table["ratio"] = [
        Fraction(int(wc), int(w) * scale.credit_scale) if int(w) > 0 else None
        for w, wc in zip(table["w"], table["wc"])
    ]
    return _round(table)


def _round(table: pd.DataFrame) -> pd.DataFrame:
    table["cents"] = table["ratio"].map(lambda r: fraction_cents(r) if r is not None else None).astype("Int64")
    table["score"] = table["cents"].map(cents_to_decimal, na_action="ignore").astype(object)
    table.loc[~table["assessed"], "score"] = None
    return table


def function_scores(units: pd.DataFrame, scale: Scale) -> pd.DataFrame:
    """Each function pooled over all its groups, 城市公司 included."""
    sums = units.groupby("function", sort=False)[["w", "wc"]].sum().reindex(FUNCTIONS).fillna(0)
    return _with_scores(sums.reset_index(), scale)


def project_scores(units: pd.DataFrame, scale: Scale, rules: Rules, projects: list[str]) -> pd.DataFrame:
    """Each project over its five functions (城市公司 excluded): pooled, or by function weights."""
    mine = units[~units["is_company"]]
    sums = mine.groupby("group", sort=False)[["w", "wc"]].sum().reindex(projects).fillna(0)
    table = sums.rename_axis("project").reset_index()
    if rules.scoring.project_aggregation == "pooled":
        return _with_scores(table, scale)
    weights = {f: Fraction(w) for f, w in rules.scoring.function_weights.items()}
    ratios = []
    for project in projects:
        assessed = mine[(mine["group"] == project) & mine["assessed"]]
        total = sum((weights[f] for f in assessed["function"]), Fraction(0))
        ratios.append(
            sum((weights[f] * r for f, r in zip(assessed["function"], assessed["ratio"])), Fraction(0)) / total
            if total > 0 else None
        )
    table["ratio"] = ratios
    table["assessed"] = table["ratio"].notna()
    return _round(table)


__all__ = [
    "BLANK", "CHECK", "SELF", "Scale", "resolve_items", "deviations", "unit_scores", "function_scores",
    "project_scores", "percent_cents",
]
