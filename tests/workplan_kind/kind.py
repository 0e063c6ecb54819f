"""The monthly work-plan node sheet (月度工作计划节点表) as a kind of workbook: WORKPLAN satisfies
kpicli.core.kind.Kind. Registering it is one line in kpicli.kinds.KINDS; the command line then offers its options
(KindOption.commands) under its own panel, and every command reaches it through the registry."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from kpicli.core.errors import DataError, KpiError, Problem
from kpicli.core.kind import KindDataError, KindOption

if TYPE_CHECKING:
    from rich.console import Console

    from kpicli.io.workbook import RawWorkbook
    from kpicli.rules.files import RulesLookup

__all__ = ["WORKPLAN", "WorkplanKind"]

_ON_TIME = "是否按时只对工作计划节点表的节点有意义"


class WorkplanKind:
    name = "workplan"
    label = "工作计划节点表"
    aliases = ("工作计划", "节点表", "工作计划节点表", "workplan")
    groups = False
    year_results = False
    rules_section = None  # no settings of its own in kpicli.toml
    not_this = "也不是工作计划节点表：没有一行同时有「节点」和「计划完成日期」的表头"
    options = (
        KindOption("grace_days", "--grace-days", "实际完成日期晚于计划完成日期不超过这些天时仍算按时（默认 0）",
                   _ON_TIME, commands=("check", "rank", "score"), type=int),
        KindOption("month", "--month", "计划月份，如 2026年3月、2026-03（生成节点表时必填）", commands=("template",)),
        KindOption("nodes", "--nodes", "空白节点的行数（默认 20）", commands=("template",), type=int),
    )
    instead = MappingProxyType({})  # no word of its own for another kind's options: their own why is said
    command_help = MappingProxyType({  # what it adds to -h: what `score` writes for it, how `template` makes one
        "score": "工作计划节点表：节点评分表，A 类节点计 2、B 类节点计 1，按时完成的比例为得分。",
        "template": "工作计划：一张节点表，每行一个节点；默认写到 <月份>_工作计划节点表.xlsx。\n\n"
                    "示例：kpicli template 工作计划 --month 2026年3月 --nodes 20",
    })

    # --- detect and read -------------------------------------------------------------------------------------
    header_rows = 10  # workplan_kind.layout.SEARCH_ROWS: its header is among a sheet's first rows

    def header_row(self, grid: Any, limit: int | None = None) -> int | None:
        from workplan_kind.layout import node_header_row

        row = node_header_row(grid)
        return row if row is not None and (limit is None or row < limit) else None

    def sheets(self, raw: RawWorkbook) -> list[str]:
        """Its sheets in a workbook the registry found to be of this kind (or, in the year, shows this kind)."""
        return [n for n in raw.sheet_names if n in raw.grids and self.header_row(raw.grids[n]) is not None]

    def optional_sheet(self, names: Sequence[str], name: str) -> bool:
        return False

    def result_sheets(self) -> tuple[str, ...]:
        from workplan_kind.render import RESULT_SHEETS

        return RESULT_SHEETS

    # --- validate and score ----------------------------------------------------------------------------------
    def assess(self, path: Path, raw: RawWorkbook, rules: RulesLookup, options: dict[str, Any]) -> Any:
        from workplan_kind.layout import read_sheet
        from workplan_kind.scoring import score_sheets

        grace = options.get("grace_days") or 0
        if grace < 0:
            raise KpiError(f"--grace-days 不能是负数（{grace}）；按时完成请用 0")
        sheets = [read_sheet(raw.grids[name]) for name in self.sheets(raw)]
        return score_sheets(Path(path), sheets, company=options.get("company"), grace_days=grace)

    def assess_group(self, raws: Sequence[RawWorkbook], rules: RulesLookup, options: dict[str, Any]) -> Any:
        raise NotImplementedError("work-plan sheets are scored each on its own")

    def data_error(self, result: Any) -> KindDataError:
        return KindDataError(self.name, "工作计划节点表有错误，无法评分", result.problems)

    def empty_json(self, problems: Sequence[Problem], file: str | None) -> dict:
        head = {"file": file} if file is not None else {}
        return {**head, "kind": self.name, "company": None, "period": None, "score": None, "people": [],
                "problems": [p.to_dict() for p in problems]}

    # --- explain ---------------------------------------------------------------------------------------------
    def explain(self, result: Any, options: dict[str, Any]) -> Any:
        raise KpiError("工作计划节点表不需要逐项解释：结果工作簿的「节点评分」表已列出每个节点是否按时和得分的算法")

    # --- render ----------------------------------------------------------------------------------------------
    def write_result(self, result: Any, sources: Sequence[Path], target: Path) -> Path:
        from workplan_kind.render import write_result

        return write_result(result, sources, target)

    def print_extras(self, result: Any, options: dict[str, Any], out: Console) -> None:
        """No further files: nothing to say."""

    def print_result(self, result: Any, out: Console | None, *, book: bool = True) -> None:
        from workplan_kind.render import print_result

        print_result(result, out, book=book)

    def check_heading(self, name: str, result: Any) -> str:
        return f"{name}（{result.period_label}）"

    def print_explanation(self, explanation: Any, result: Any) -> None:
        raise NotImplementedError("explain refuses work-plan sheets first")

    def write_extras(self, result: Any, sources: Sequence[Path], options: dict[str, Any], *, force: bool,
                     raws: Sequence[RawWorkbook] | None = None, target: Path | None = None) -> None:
        return None  # no further files

    def prepare(self, options: dict[str, Any]) -> None:
        return None

    def payout_part(self, result: Any, path: Path, rows: Any) -> tuple[None, list[Any], list[Problem]]:
        return None, [], []  # nobody is paid from a node sheet

    def payout_year(self, path: Path, rows: Any) -> None:
        return None

    # --- template --------------------------------------------------------------------------------------------
    def template(self, out: Path | None, options: dict[str, Any], *, company: str | None, force: bool,
                 rules: RulesLookup) -> tuple[list[Path], list[str]]:
        from kpicli.core.period import parse_period
        from workplan_kind.render import BLANK_ROWS, template_name, write_template

        text = options.get("month")
        if not text:
            raise KpiError("生成工作计划节点表需要 --month，如 --month 2026年3月")
        month = parse_period(text)
        if month is None or month.kind != "month":
            raise KpiError(f"--month「{text}」不是一个月份；请写成 2026年3月 或 2026-03")
        rows = options.get("nodes") or BLANK_ROWS
        if not 1 <= rows <= 500:
            raise KpiError(f"--nodes 应在 1–500 之间（{rows}）")
        target = Path(out) if out is not None else template_name(month)
        return [write_template(target, month, rows=rows, company=company, force=force)], []

    # --- the year --------------------------------------------------------------------------------------------
    def claims_year(self, raws: Sequence[RawWorkbook]) -> bool:
        return any(self.sheets(raw) for raw in raws)

    def annual(self, paths: Sequence[Path], raws: Sequence[RawWorkbook], rules: RulesLookup,
               options: dict[str, Any]) -> Any:
        raise KpiError("工作计划节点表没有年度汇总：请逐月运行 kpicli score")

    def write_annual(self, year: Any, out: Path) -> Path:
        raise NotImplementedError("no year")

    def print_annual(self, year: Any, out: Console | None) -> None:
        raise NotImplementedError("no year")

    def annual_refused_json(self, error: DataError) -> dict | None:
        return None


WORKPLAN = WorkplanKind()
