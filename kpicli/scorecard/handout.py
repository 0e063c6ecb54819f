"""What kpicli handed out in a scorecard: the record's content for blank forms (kpicli template 考核表) and results.

The record itself (where it lives, fingerprints, reading it back) is io.provenance's; this module only says what a
scorecard's record holds: the period, the company, the coefficient table (K) in force when the forms were made,
each indicator set once (`sets`: name → its sections with weight or points subtotal, its items with 权重/标准分 in
points and 计分方式, its red-line items) and each form (`forms`: sheet, person, department and the name of its set).
scorecard.integrity checks a returned workbook against it.

Numbers are exact fractions written as text ("30", "35/2"), so the record never rounds a weight.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

BOOK = "scorecard"


def _number(value: Fraction | None) -> str | None:
    return None if value is None else str(Fraction(value))


def number(text: object) -> Fraction | None:
    """A number as the record writes it; None for none."""
    return None if text in (None, "") else Fraction(str(text))


def set_entry(indicators: Any) -> dict[str, Any]:
    """One indicator set (scorecard.indicators.IndicatorSet) as plain JSON."""
    return {
        "name": indicators.name,
        "layout": indicators.layout,
        "sections": [{"name": s.name, "weight": _number(s.weight), "points": _number(s.points),
                      "items": [{"name": i.name, "points": _number(i.points), "rule": i.rule_text or "直接"}
                                for i in s.items]}
                     for s in indicators.sections],
        "red_lines": list(indicators.red_lines),
    }


def coefficients_entry(settings: Any) -> list[list[str]]:
    """The coefficient table (K by band, lowest bound last) as [[lower bound, K], …, ["", K below]]."""
    rows = [[str(low), str(k)] for low, k in settings.coefficients]
    return [*rows, ["", str(settings.below_coefficient)]]


def template_record(forms: Sequence[Any], sheets: Sequence[str], *, period: str, company: str | None,
                    settings: Any) -> dict[str, Any]:
    """A blank scorecard workbook's record: forms[i] (render.form_sheet.Form) is written on sheets[i]."""
    sets: dict[str, dict[str, Any]] = {}
    keys: list[str] = []
    for form in forms:
        entry = set_entry(form.indicators)
        name, n = form.indicators.name, 2
        while name in sets and sets[name] != entry:  # two different sets of one name (two files 考核.csv)
            name, n = f"{form.indicators.name}#{n}", n + 1
        sets[name] = entry
        keys.append(name)
    return {
        "book": BOOK, "period": period, "company": company or "",
        "coefficients": coefficients_entry(settings),
        "sets": sets,
        "forms": [{"sheet": sheet, "person": form.person.name if form.person else None,
                   "department": form.person.department if form.person else None,
                   "set": key} for form, sheet, key in zip(forms, sheets, keys)],
    }


def carried(handed_out: dict[str, Any] | None) -> dict[str, Any]:
    """What a result workbook carries over from the record of the forms it was scored from, so that a result
    given back (payout, annual) is still checked against what was handed out."""
    if not handed_out or handed_out.get("book") != BOOK or not handed_out.get("forms"):
        return {"book": BOOK}
    keep = ("period", "company", "coefficients", "sets", "forms")
    return {"book": BOOK, **{k: handed_out[k] for k in keep if k in handed_out},
            "handed_out": {k: handed_out.get(k) for k in ("kind", "version")}}


__all__ = ["BOOK", "carried", "coefficients_entry", "number", "set_entry", "template_record"]
