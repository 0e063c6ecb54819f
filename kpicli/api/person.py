"""`score --per-person DIR` (issue #14): each person's own result workbook, for scorecards only.

Called by api.score and api.score_each before the group's result workbook is written, so that a refusal (a
checklist, a file in DIR that kpicli did not write) leaves nothing written at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kpicli.api.kinds import Result, is_scorecard
from kpicli.core.errors import KpiError

if TYPE_CHECKING:
    from kpicli.io.workbook import RawWorkbook
    from kpicli.scorecard.render.person import PersonFile

__all__ = ["CHECKLIST_PER_PERSON", "check_person_folder", "write_people"]

CHECKLIST_PER_PERSON = ("--per-person 只用于绩效考核表（每人一份考核结果）；{name} 是触点检查表，"
                        "请去掉 --per-person 再运行")


def check_person_folder(folder: Path) -> None:
    """Refuse a --per-person path that cannot become the folder, before anything is read."""
    from kpicli.scorecard.render.person import check_folder

    check_folder(Path(folder))


def write_people(result: Result, sources: Sequence[Path], folder: Path, *, force: bool,
                 raws: Sequence[RawWorkbook] | None = None) -> list[PersonFile]:
    """One workbook per person into folder; KpiError (usage) for a checklist's result."""
    if not is_scorecard(result):
        raise KpiError(CHECKLIST_PER_PERSON.format(name="、".join(Path(s).name for s in sources)))
    from kpicli.scorecard.render.person import write_per_person

    return write_per_person(result, sources, folder, force=force, raws=raws)
