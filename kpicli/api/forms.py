"""kpicli template for scorecards: blank forms from indicator sets and a roster (the checklist template is in
kpicli.api)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from kpicli.core.errors import KpiError

__all__ = ["scorecard_template"]


def scorecard_template(out: Path | None, *, period: str, indicators: Sequence[str | Path] = (),
                       roster_path: Path | None = None, people: Sequence[str] = (), company: str | None = None,
                       split: bool = False, force: bool = False) -> list[Path]:
    """Blank scorecards for `period`: one sheet per person of the roster (each on the set its 指标套 or 岗位
    names, or the one set given), per name in `people`, or one form with an empty person block; `indicators` are
    packaged set names (客服专员) or paths of a user's .csv/.xlsx set. With split, one workbook per person in
    the folder `out`. Everything is read and checked before anything is written; returns the files written."""
    from kpicli.scorecard.indicators import form_period, load_indicator_set
    from kpicli.scorecard.render.template import Form, default_output, write_forms
    from kpicli.scorecard.roster import Person, assign_sets, load_people

    label, short = form_period(period)
    if roster_path is not None and people:
        raise KpiError("--roster 与 --person 不能同时使用：人员请都写在人员名单里，或都用 --person 给出")
    sets = [load_indicator_set(spec) for spec in indicators]
    if roster_path is not None:
        forms = [Form(person, found) for person, found in assign_sets(load_people(roster_path), sets)]
    elif len(sets) != 1:
        raise KpiError("没有人员名单时请用 --indicators 给出一个指标套（如 --indicators 客服专员）" if not sets else
                       "没有人员名单时只能给一个 --indicators；多个指标套请用人员名单的「指标套」列分配")
    else:
        names = [" ".join(str(n).split()) for n in people]
        if any(not n for n in names) or len(set(names)) != len(names):
            raise KpiError("--person 的姓名不能为空，也不能重复")
        forms = [Form(Person(n, where=f"--person {n}"), sets[0]) for n in names] or [Form(None, sets[0])]
    target = Path(out) if out is not None else default_output(forms, short, split=split)
    return write_forms(target, forms, period=label, short_period=short, company=company, split=split, force=force)
