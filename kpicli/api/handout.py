"""The workbooks handed out and gathered back: `template` (blank workbooks of one kind, named as a user names it)
and `collect` (submitted workbooks merged into one; only a kind that collects offers it)."""

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
    """Blank workbooks of one kind, named as a user names it (a kind's label or one of its aliases).

    options: that kind's template options (its KindOption keys: the period, what to make a form for …). An option
    of another kind is refused naming the kind it belongs to; out defaults to the kind's file name."""
    chosen = kinds.named(kind)
    unknown = [k for k in options if kinds.flag_owner(k) is None]
    if unknown:
        raise TypeError(f"template() got unexpected keyword arguments: {', '.join(unknown)}")
    kinds.refuse_foreign_options(chosen, options, "要生成的")
    paths, warnings = chosen.template(out, options, company=company, force=force, rules=kinds.rules_lookup())
    return Templated(paths, warnings)



class Collection(NamedTuple):
    """What `collect` did: the merged workbook with every problem, the files passed over with the reason, and
    the workbook written (None when there were errors or unreadable files: nothing is written then)."""

    collected: Any  # what the collecting kind merged (its collect method)
    skipped: list[tuple[Path, str]]
    path: Path | None = None


def collect(paths: Sequence[Path], output: Path, *, catalog_path: Path | None = None, force: bool = False,
            company: str | None = None, year: int | None = None, quarter: int | None = None,
            progress: Progress | None = None) -> Collection:
    """Merge the submitted workbooks of one period (files or folders) into one workbook at output, by the kind
    that collects (kpicli.kinds.collecting: how items match is that kind's). The output is
    checked before anything is read; kpicli's own results and earlier merges in a folder are skipped."""
    collected, skipped, written = kinds.collecting().collect(
        paths, Path(output), catalog_path=catalog_path, force=force, company=company, year=year, quarter=quarter,
        progress=progress, foreign=kinds.not_collected)
    return Collection(collected, skipped, written)
