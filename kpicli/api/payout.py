"""`kpicli payout` and `score --per-team` (issue 22): hand each team its allocation file, read back what the
directors returned, check it, and give HR one list of who gets what. Nothing is written while an error stands."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from kpicli import kinds
from kpicli.api.read import read_any
from kpicli.core.errors import DataError, KpiError, Problem
from kpicli.core.period import UNKNOWN_PERIOD, label_of

ERRORS_SHOWN = 10  # of a result that cannot be scored again: the first errors, each by sheet and cell

if TYPE_CHECKING:
    from kpicli.payout.model import Allocation, Line, Payout, Team

__all__ = ["PayoutRun", "payout"]

PERSON_FILE = "_考核结果.xlsx"  # score --per-person files: the result's own people, never read twice


class PayoutRun(NamedTuple):
    """What `payout` did: the checked list (its problems too), the file written (None while errors stand or
    without output), the files passed over in folders with the reason, and the backup of a replaced list."""

    payout: Payout
    path: Path | None
    skipped: list[tuple[Path, str]]
    backup: Path | None = None


def _inputs(paths: Sequence[Path], output: Path | None) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The files to read: named files as given; in a folder, the result workbooks and allocation files."""
    from kpicli.io.outputs import HANDOUT_KIND, RESULT_KIND, YEAR_KIND, kpicli_kind

    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if not path.exists():
            raise KpiError(f"找不到 {path}；请检查路径")
        if not path.is_dir():
            files.append(path)
            continue
        for entry in sorted(path.iterdir(), key=lambda p: p.name):
            if entry.is_dir() or entry.suffix.lower() not in (".xlsx", ".xlsm"):
                continue
            if entry.name.startswith(("~$", ".~")):
                skipped.append((entry, "Excel/WPS 的临时文件"))
            elif output is not None and entry.resolve() == Path(output).resolve():
                skipped.append((entry, "本次命令的输出文件"))
            elif "_备份_" in entry.stem:
                skipped.append((entry, "kpicli 覆盖前留下的备份"))
            elif entry.name.endswith(PERSON_FILE):
                skipped.append((entry, "个人考核结果（其中的人员已在评分结果中）"))
            elif kpicli_kind(entry) in (RESULT_KIND, HANDOUT_KIND, YEAR_KIND):
                files.append(entry)
            else:
                skipped.append((entry, "不是 kpicli 的评分结果或奖惩分配表"))
    if not files:
        listed = "；".join(f"{p.name}（{why}）" for p, why in skipped) or "（没有工作簿）"
        raise KpiError(f"没有可核对的文件：{listed}。请给出评分结果工作簿（…_评分结果.xlsx）和/或负责人交回的"
                       "奖惩分配表（kpicli score --per-team 发出的文件）")
    return files, skipped


class _Gather:
    """Everything read from the inputs, before the checks: teams, allocations, the lines a kind pays directly, problems."""

    def __init__(self, rules_path: Path | None) -> None:
        self.rules_path = rules_path
        self.teams: dict[str, list[Team]] = {}  # period → the teams of its result
        self.handed: dict[str, tuple[Path, list[Team]]] = {}  # period → the first record's teams
        self.allocations: list[Allocation] = []
        self.lines: list[Line] = []
        self.problems: list[Problem] = []
        self.results: dict[str, Path] = {}

    def error(self, path: Path, message: str, sheet: str | None = None) -> None:
        self.problems.append(Problem("error", sheet, None, message, file=path.name))

    def read(self, path: Path) -> None:
        from kpicli.io.outputs import HANDOUT_KIND, RESULT_KIND, YEAR_KIND, kpicli_kind

        kind = kpicli_kind(path)
        if kind == RESULT_KIND:
            self.result(path)
        elif kind == YEAR_KIND:
            self.year(path)
        elif kind == HANDOUT_KIND:
            self.handout(path)
        else:
            self.error(path, f"{path.name} 不是 kpicli 写出的评分结果或奖惩分配表；只能核对 kpicli score 写出的"
                       "评分结果工作簿和 kpicli score --per-team 发出、由负责人填写后交回的文件（不要另存为新文件或复制"
                       "到别的工作簿中）")

    def result(self, path: Path) -> None:
        from kpicli.io.provenance import read as read_record
        from kpicli.payout.model import team_from_dict

        record = read_record(path)
        allocating = kinds.allocating()
        recorded = record.get("teams") if record is not None and record.get("book") == allocating.name else None
        if isinstance(recorded, list):  # the teams as published with the result: no need to score it again
            teams = [team_from_dict(t) for t in recorded]
            if None not in teams:
                period = record.get("period") or {}
                label = label_of(period.get("year"), period.get("quarter")) if period.get("quarter") else UNKNOWN_PERIOD
                self.teams_of(path, label, teams)
                return
        try:
            result = kinds.assess(path, read_any(path), self.rules_path, {})
        except DataError as exc:
            self.error(path, f"{path.name} 无法重新评分（{exc.message}）；请先用 kpicli check 查看并改正")
            return
        if result.has_errors:
            self.error(path, f"{path.name} 中的工作表有错误，无法重新评分核对；请改正下列错误（kpicli check 可查看全部）")
            errors = [p for p in result.problems if p.level == "error"]
            self.problems.extend(dataclasses.replace(p, file=p.file or path.name) for p in errors[:ERRORS_SHOWN])
            return
        kind = kinds.kind_of(result)
        teams, lines, problems = kind.payout_part(result, path, lambda sheet: _rows(path, sheet))
        if teams is None and not lines and not problems:  # a kind whose results pay nobody
            self.error(path, f"{path.name} 是{kind.label}的评分结果，其中没有要发放的金额；请给出有奖惩或绩效奖金的评分结果")
            return
        self.lines.extend(lines)
        self.problems.extend(problems)
        if teams is not None:
            self.teams_of(path, result.period_label, teams)

    def year(self, path: Path) -> None:
        """A year (kpicli annual) of a kind that pays people directly: each person's year amount as its summary
        states it; a year of another kind has no amounts for people."""
        for kind in kinds.KINDS:
            found = kind.payout_year(path, lambda sheet: _rows(path, sheet))
            if found is not None:
                lines, problems = found
                self.lines.extend(lines)
                self.problems.extend(problems)
                return
        allocating = kinds.allocating()  # a year that pays nobody directly: its money is the allocations
        self.error(path, f"{path.name} 是{allocating.label}的年度汇总，其中没有发给个人的金额；请给出各季度的评分结果和"
                   "交回的奖惩分配表（kpicli payout 会按季度列出并给出全年合计）")

    def teams_of(self, path: Path, period: str, teams: list[Team]) -> None:
        """A result with teams (the kind that allocates): its teams, and the blocks of its own 奖惩分配表 (a way to
        return them too)."""
        allocating = kinds.allocating()
        sheet = allocating.allocation_sheet()
        if period in self.results:
            self.error(path, f"{path.name} 与 {self.results[period].name} 是同一期（{period}）的评分结果；"
                       "每期只给出一份评分结果")
            return
        self.results[period] = path
        self.teams[period] = [t for t in teams if t.period == period] or teams
        self.allocations.extend(allocating.read_allocations(_rows(path, sheet) or [], path, sheet, period,
                                                            in_result=True))

    def handout(self, path: Path) -> None:
        from kpicli.io.provenance import read as read_record
        from kpicli.payout.model import team_from_dict

        record = read_record(path)
        data = record.data if record is not None else {}
        team = team_from_dict(data.get("team"))
        period_teams = [team_from_dict(t) for t in data.get("period_teams") or []]
        if team is None or not period_teams or None in period_teams:
            self.error(path, f"{path.name} 中没有 kpicli 发出时的记录，无法确认是哪一期、哪个团队的分配表；"
                       "请使用 kpicli score --per-team 发出的原文件填写（不要复制到新工作簿）")
            return
        allocating = kinds.allocating()
        sheet = allocating.allocation_sheet()
        rows = _rows(path, sheet)
        if rows is None:
            self.error(path, f"{path.name} 中没有「{sheet}」工作表；请使用 kpicli 发出的原文件填写", sheet)
            return
        blocks = allocating.read_allocations(rows, path, sheet, team.period, handed_out=team)
        if len(blocks) != 1 or blocks[0].label != team.label:
            shown = "、".join(b.label for b in blocks) or "（没有）"
            self.error(path, f"{path.name} 是发给{team.period}{team.label}的分配表，但表中的团队是{shown}；"
                       "团队名称和表格结构不能改动，请使用 kpicli 发出的原文件填写", sheet)
            return
        first = self.handed.setdefault(team.period, (path, period_teams))
        if {t.key: t for t in first[1]} != {t.key: t for t in period_teams}:
            self.error(path, f"{path.name} 与 {first[0].name} 是同一期的分配表，却来自不同的评分（团队或金额不同）；"
                       "请只交回最近一次 kpicli score --per-team 发出的文件")
            return
        self.allocations.extend(blocks)

    def expected(self) -> list[Team]:
        teams = [t for ts in self.teams.values() for t in ts]
        teams += [t for period, (_, ts) in self.handed.items() if period not in self.teams for t in ts]
        return teams


def _rows(path: Path, sheet: str) -> list[list[object]] | None:
    """The values of one sheet as dense rows (one calamine read of that sheet only), None without the sheet."""
    from kpicli.io.workbook import read_workbook

    raw = read_workbook(path, select=lambda names: {sheet} & set(names))
    grid = raw.grids.get(sheet)
    return grid.dense() if grid is not None else None


def payout(paths: Sequence[Path], output: Path | None = None, *, rules_path: Path | None = None,
           force: bool = False) -> PayoutRun:
    """Read result workbooks and returned allocation files (files or folders), check every team's allocation
    against what kpicli handed out, and list each person's money: Payout. With output (.xlsx, .csv or .json) and
    no error, the list is written there; a list someone has typed into is replaced only with force (backup)."""
    from kpicli.payout.check import check_payout

    if output is not None:
        output = Path(output)
        _check_output(output)
    files, skipped = _inputs(paths, output)
    if output is not None:
        for f in files:
            if f.resolve() == output.resolve():
                raise KpiError(f"输出文件不能与输入文件相同（{output.name}）；交回的文件不会被修改，请换一个输出文件名")
    gather = _Gather(rules_path)
    for f in files:
        gather.read(f)
    result = check_payout(gather.expected(), gather.allocations, complete=set(gather.results))
    result.lines.extend(gather.lines)
    result.problems[:0] = gather.problems
    result.files = files
    if output is None or result.has_errors:
        return PayoutRun(result, None, skipped)
    from kpicli.render.payout_book import write_payout

    written, copy = write_payout(result, output, force=force)
    return PayoutRun(result, written, skipped, copy)


def _check_output(output: Path) -> None:
    if output.suffix.lower() not in (".xlsx", ".csv", ".json"):
        raise KpiError(f"发放清单的文件名应以 .xlsx、.csv 或 .json 结尾：{output.name}（例如 发放清单.xlsx）")
    if output.is_dir():
        raise KpiError(f"输出路径 {output} 是一个文件夹；请给出文件名，例如 {output / '发放清单.xlsx'}")
    if not output.parent.exists():
        raise KpiError(f"输出文件夹不存在：{output.parent}；请先创建它")
