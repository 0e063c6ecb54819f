"""The workbooks handed out and gathered back: `template` (blank workbooks of one kind, named as a user names it)
and `collect` (the projects' submitted checklists merged into one; only a kind that collects offers it)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kpicli import kinds
from kpicli.api.several import Progress

__all__ = ["Collection", "Templated", "collect", "template"]


class Templated(NamedTuple):
    """What `template` wrote, and warnings (roster rows skipped, units that are not among the projects)."""

    paths: list[Path]
    warnings: list[str]


def template(kind: str, out: Path | None = None, *, company: str | None = None, force: bool = False,
             **options: Any) -> Templated:
    """Blank workbooks of one kind, named as a user names it (检查表 / 触点检查表, 考核表 / 绩效考核表).

    Checklist: year, quarter, projects (required), catalog (a touchpoint catalogue workbook), roster (a workbook
    whose 人员名单 is copied). Scorecard: period (required), indicators (set names or files), people (a roster file:
    one form per person) or names (one form per name), split (one file per person in the folder `out`). An option
    of the other kind is refused naming the kind it belongs to; out defaults to the kind's file name."""
    chosen = kinds.named(kind)
    unknown = [k for k in options if kinds.flag_owner(k) is None]
    if unknown:
        raise TypeError(f"template() got unexpected keyword arguments: {', '.join(unknown)}")
    kinds.refuse_foreign_options(chosen, options, "要生成的")
    paths, warnings = chosen.template(out, options, company=company, force=force, rules=kinds.rules_lookup())
    return Templated(paths, warnings)



class Collection(NamedTuple):
    """What `collect` did: the merged checklist with every problem, the files passed over with the reason, and
    the workbook written (None when there were errors or unreadable files: nothing is written then)."""

    collected: Any  # kpicli.checklist.collect_model.Collected
    skipped: list[tuple[Path, str]]
    path: Path | None = None


def collect(paths: Sequence[Path], output: Path, *, catalog_path: Path | None = None, force: bool = False,
            company: str | None = None, year: int | None = None, quarter: int | None = None,
            progress: Progress | None = None) -> Collection:
    """Merge the projects' submitted checklists of one quarter (files or folders) into one company checklist at
    output. Items match by 触点编号, else by name; one project × function from one file only. The output is
    checked before anything is read; kpicli's own results and earlier merges in a folder are skipped."""
    collected, skipped, written = kinds.collecting().collect(
        paths, Path(output), catalog_path=catalog_path, force=force, company=company, year=year, quarter=quarter,
        progress=progress, foreign=kinds.not_collected)
    return Collection(collected, skipped, written)
