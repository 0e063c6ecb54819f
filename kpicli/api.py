"""The commands as Python functions: what the CLI does, without printing anything."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kpicli.core.errors import DataError, KpiError

if TYPE_CHECKING:
    from kpicli.checklist.assessment import Assessment


class Scored(NamedTuple):
    """What `score` did: the assessment, the workbook it wrote, and the backup it made first (--in-place only)."""

    result: Assessment
    path: Path
    backup: Path | None = None


def _assess(path: Path, rules_path: Path | None, **period: object) -> Assessment:
    from kpicli.checklist.sheets import start_reading

    reading = start_reading(path)  # the workbook is read while the next line imports pandas
    from kpicli.checklist.assessment import assess

    return assess(Path(path), rules_path=rules_path, raw=reading, **period)


def check(path: Path, *, rules_path: Path | None = None, **period: object) -> Assessment:
    """Read and validate; the problems are in the result (nothing raised for data errors)."""
    return _assess(path, rules_path, **period)


def rank(path: Path, *, rules_path: Path | None = None, **period: object) -> Assessment:
    """Score and rank; DataError (with the problems) when the workbook has errors."""
    result = _assess(path, rules_path, **period)
    if result.has_errors:
        raise DataError("工作簿有错误,无法评分", result.problems)
    return result


def score(
    path: Path,
    out: Path | None = None,
    *,
    rules_path: Path | None = None,
    force: bool = False,
    in_place: bool = False,
    **period: object,
) -> Scored:
    """Score, rank and write the result workbook (default: <stem>_评分结果.xlsx beside the input).

    in_place puts the result sheets into the input workbook itself, after a timestamped backup beside it;
    the returned Scored names that backup.
    """
    from kpicli.io.outputs import backup, default_output, ensure_writable, require_xlsx

    path = Path(path)
    if in_place:
        if out is not None:
            raise KpiError("--in-place 与 -o/--output 不能同时使用")
        if path.suffix.lower() != ".xlsx":
            raise KpiError(f"--in-place 只用于 .xlsx 工作簿;{path.name} 是 {path.suffix} 文件(可能含宏或是模板),"
                           "请去掉 --in-place,结果会写到单独的 _评分结果.xlsx 文件")
        target = path
    else:
        target = Path(out) if out is not None else default_output(path)
        require_xlsx(target, "结果工作簿")
        ensure_writable(target, force=force, source=path)
    result = rank(path, rules_path=rules_path, **period)
    from kpicli.render.result_book import write_result  # openpyxl: only once there is something to write

    copy = backup(path) if in_place else None
    return Scored(result, write_result(result, target), copy)


def template(
    out: Path,
    *,
    year: int,
    quarter: int,
    projects: list[str],
    company: str | None = None,
    catalog_path: Path | None = None,
    force: bool = False,
) -> Path:
    """Write a blank checklist for the quarter from the touchpoint catalogue."""
    from kpicli.checklist.catalog import load_catalog
    from kpicli.io.outputs import ensure_writable, require_xlsx
    from kpicli.render.template import write_template

    out = Path(out)
    require_xlsx(out, "检查表模板")
    ensure_writable(out, force=force)
    catalog = load_catalog(catalog_path)
    return write_template(out, year=year, quarter=quarter, projects=projects, company=company, catalog=catalog)


def template_with_roster(out: Path, *, year: int, quarter: int, projects: list[str], company: str | None,
                         catalog_path: Path | None, roster_path: Path, force: bool) -> tuple[Path, list[str]]:
    """api.template with the roster of `roster_path` copied into the template's 人员名单.
    Returns the path and warnings (skipped rows, units that are not among the projects)."""
    from kpicli.checklist.catalog import load_catalog
    from kpicli.checklist.names import unify_roster
    from kpicli.checklist.roster import load_roster, unknown_units
    from kpicli.io.outputs import ensure_writable, require_xlsx
    from kpicli.render.template import check_project_names, write_template

    out = Path(out)
    require_xlsx(out, "检查表模板")
    ensure_writable(out, force=force)
    roster, warnings = load_roster(roster_path)  # read before writing: a bad roster writes nothing
    catalog = load_catalog(catalog_path)
    names = check_project_names(projects)
    roster = unify_roster(roster, names)  # ＡＢＣ未来城 in the roster is the project ABC未来城: spelled as -p gives it
    for unit in unknown_units(roster, names):
        count = int((roster["unit"] == unit).sum())
        warnings.append(f"人员名单中的单位「{unit}」({count} 人)既不是城市公司,也不是本模板的项目"
                        f"({'、'.join(names)});已照样复制,请核对单位名称或用 -p 增加该项目")
    written = write_template(out, year=year, quarter=quarter, projects=projects, company=company, catalog=catalog,
                             roster=roster)
    return written, warnings
