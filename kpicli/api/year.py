"""The year: `annual` over one company's workbooks of one year, of any kind, and which files of a folder it reads."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from kpicli import kinds
from kpicli.api.read import read_any
from kpicli.api.single import declared_options
from kpicli.core.kind import Kind
from kpicli.io.input_files import expand_inputs

__all__ = ["Annual", "annual", "year_files"]


class Annual(NamedTuple):
    """What `annual` did: the year's result (the kind's own year type; its to_json is the machine-readable
    year), and the workbook written (None without output)."""

    result: Any
    path: Path | None = None


def annual(paths: Sequence[Path], *, output: Path | None = None, rules_path: Path | None = None, force: bool = False,
           allow_blank: bool = False, catalog: Path | None = None, company: str | None = None,
           indicators: Sequence[str | Path] | None = None, **options: Any) -> Annual:
    """One company's workbooks of one year, of one kind (any order; a folder: the workbooks directly inside it)
    → that kind's year (Kind.annual: what it sums, caps and ranks; refusals are a DataError naming the files).
    The kind is told by the headers (kpicli.kinds.year_kind). With output, the annual workbook too. The output
    is checked before anything is read, and an input is never overwritten, even with force.

    A kind whose result workbooks are inputs of the year (Kind.year_results) reads a period from its published
    result when there is one. catalog, indicators: as for score; company: the company name, overriding 基本信息;
    options: the options a kind declares (kpicli.core.kind.KindOption.key), refused for a year of another kind."""
    from kpicli.io.outputs import ensure_writable, require_xlsx

    files = year_files(paths, output)
    if output is not None:
        output = Path(output)
        require_xlsx(output, "年度汇总工作簿")
        same = next((f for f in files if f.resolve() == output.resolve()), None)
        ensure_writable(output, force=force, source=same)
    raws = [read_any(p) for p in files]  # a calamine read: milliseconds, and it tells the kinds apart
    kind: Kind = kinds.year_kind(raws) if raws else kinds.FALLBACK
    options = {"allow_blank": allow_blank, "catalog": catalog, "company": company,
               "indicators": list(indicators) if indicators else None, **declared_options(options)}
    kinds.refuse_foreign_options(kind, options, "、".join(p.name for p in files) + " ")
    year = kind.annual(files, raws, kinds.rules_lookup(rules_path),
                       {**kinds.own_options(kind, options), "other_kinds": kinds.other_kinds(kind, raws)})
    if output is None:
        return Annual(year)
    return Annual(year, kind.write_annual(year, output))


def year_files(paths: Sequence[Path], output: Path | None = None) -> list[Path]:
    """The workbooks `annual` reads: files as given; a folder's .xlsx/.xlsm directly inside it, where kpicli's
    results of a kind with Kind.year_results count (they are what was published) and a workbook whose result
    <名称>_评分结果.xlsx lies beside it is left for that result; kpicli's other outputs (年度汇总, 奖惩分配表 …) are passed over."""
    from kpicli.io.outputs import OWN_OUTPUTS, RESULT_KIND, default_output
    from kpicli.io.provenance import read

    paths = [Path(p) for p in paths]
    if not any(p.is_dir() for p in paths):
        return paths
    found = expand_inputs(paths, skip_kinds=OWN_OUTPUTS - {RESULT_KIND},
                          exclude=[Path(output)] if output is not None else [])
    records = {f: read(f) for f in found.files if f not in paths}  # the files a folder gave
    results = {f.resolve() for f, r in records.items()
               if r is not None and r.kind == RESULT_KIND and kinds.year_result(r.get("book"))}
    kept = []
    for f in found.files:
        record = records.get(f)
        if record is not None and record.kind == RESULT_KIND and f.resolve() not in results:
            continue  # a result of a kind without year_results: not an input of the year
        if f in records and default_output(f).resolve() in results:
            continue  # its result, the published figures, is read instead
        kept.append(f)
    return kept
