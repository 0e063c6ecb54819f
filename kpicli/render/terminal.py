"""Terminal rendering both kinds share (rich): the console, grades, amounts, problems and JSON, fit for an
80-column window."""

from __future__ import annotations

import json
import sys
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import replace

from rich.console import Console
from rich.text import Text

from kpicli.core.errors import LEVEL_NAMES, LEVELS, Problem, by_level
from kpicli.core.exact import format_amount

LEVEL_STYLES = {"error": "bold red", "warning": "yellow", "info": "cyan"}
GRADE_COLOURS = ["bold green", "green", "yellow", "dark_orange", "bold red"]
MAX_CELLS_SHOWN = 6


def console(stderr: bool = False) -> Console:
    return Console(stderr=stderr, highlight=False, soft_wrap=False)


def grade_text(grade: str | None, names: Sequence[str]) -> Text:
    if grade is None:
        return Text("—", style="dim")
    position = names.index(grade) if grade in names else 0
    index = len(GRADE_COLOURS) - 1 if position == len(names) - 1 else min(position, len(GRADE_COLOURS) - 2)
    return Text(grade, style=GRADE_COLOURS[index])


def amount_text(amount: object, method: str = "") -> Text:
    if amount == 0:
        return Text("—", style="dim")
    style = "bold green" if amount > 0 else "bold red"
    text = Text(format_amount(amount), style=style)
    if method:
        text.append(f" {method}", style="dim")
    return text


def print_problem_summary(problems: list[Problem], out: Console) -> None:
    counts = {level: sum(p.level == level for p in problems) for level in LEVELS}
    if not problems:
        out.print("检查：没有发现问题", style="green")
        return
    parts = [f"{counts[k]} 个{LEVEL_NAMES[k]}" for k in LEVELS if counts[k]]
    out.print(f"检查：{'、'.join(parts)}（运行 kpicli check 查看每一处）", style="dim")


def print_lead(problems: list[Problem], out: Console, indent: str = "") -> None:
    """The accidents that can change a score unnoticed (merged result cells, a project missing from a sheet or
    never filled, formulas without a value), grouped by project, before any per-cell line."""
    lead = [p for p in problems if p.lead]
    if not lead:
        return
    by_project: OrderedDict[str, list[Problem]] = OrderedDict()
    for p in by_level(lead):
        by_project.setdefault(p.project or "", []).append(p)
    out.print(Text(f"{indent}请先确认（这些情况会改变得分，按项目列出）：", style="bold"))
    for project, found in by_project.items():
        out.print(Text(f"{indent}  {project or '其他'}", style="bold"), soft_wrap=True)
        for p in found:
            where = p.where if p.cell else ""  # without a cell the message names the sheet itself
            out.print(problem_line(p.level, where, p.message, [], indent=indent + "    "), soft_wrap=True)


def group_problems(problems: list[Problem], *, by_stem: bool = True) -> list[tuple[str, str, str, list[str]]]:
    """(level, sheet, message, cells): warnings and infos of one kind in one sheet share a line. by_stem groups
    messages that differ only in their trailing '(project:item)' (one workbook's cells); collect's messages carry
    what differs between files in that parenthesis, so they group by the whole message."""
    grouped: OrderedDict[tuple, list[str]] = OrderedDict()
    for p in problems:
        if p.level == "error":
            key = (p.level, p.where, p.message, id(p))
            grouped[key] = []
            continue
        message = _stem(p.message) if by_stem else p.message
        grouped.setdefault((p.level, p.sheet or "", message, None), []).append(p.cell or "")
    return [(k[0], k[1], k[2], [c for c in cells if c]) for k, cells in grouped.items()]


def _stem(message: str) -> str:
    """The message without its trailing '(project:item)': the parenthesis is matched from the end, so a project
    named 星河湾(南区) stays whole, and a message without a trailing parenthesis stays as it is."""
    if not message.endswith(")"):
        return message
    depth = 0
    for i in range(len(message) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(message[i], 0)
        if depth == 0:
            return message[:i]
    return message


def problem_line(level: str, where: str, message: str, cells: list[str], indent: str = "") -> Text:
    """'[错误] 营销篇!M12：…' — one problem, or one kind of warning with its cells listed (at most a few)."""
    label, style = LEVEL_NAMES[level], LEVEL_STYLES[level]  # type: ignore[index]
    line = Text(f"{indent}[{label}] ", style=style)
    if cells:
        shown = "、".join(cells[:MAX_CELLS_SHOWN]) + (f" 等 {len(cells)} 处" if len(cells) > MAX_CELLS_SHOWN else "")
        line.append(f"{where}!{shown}：" if where else f"{shown}：", style="bold")
    elif where:
        line.append(f"{where}：", style="bold")
    line.append(message)
    return line


def print_problems(problems: list[Problem], out: Console | None = None, *, file: str | None = None,
                   empty: str = "没有发现问题，可以评分。", advice: bool = True) -> None:
    """The one problem printer (check, collect, a blocked score/rank/explain): the accidents that change scores
    first, then every error on its own line with sheet!cell, warnings of one kind grouped per sheet, and a count.

    Problems that name their file (collect reads several) are listed under a heading per file, problems of the
    whole set first. `advice` ends the count with what to do before scoring."""
    out = out or console()
    if file:
        out.print(Text(file, style="bold"))
    if not problems:
        out.print(empty, style="green")
        return
    print_lead([replace(p, sheet=f"{p.file} {p.sheet or ''}".strip()) if p.file else p for p in problems], out)
    rest = by_level(p for p in problems if not p.lead)
    if any(p.file for p in rest):
        by_file: dict[str, list[Problem]] = {}
        for p in rest:
            by_file.setdefault(p.file or "", []).append(p)
        for name, found in sorted(by_file.items(), key=lambda kv: kv[0] != ""):  # the whole set's first
            out.print(Text(name or "汇总", style="bold"))
            for level, where, message, cells in group_problems(found, by_stem=False):
                out.print(problem_line(level, where, message, cells, indent="  "), soft_wrap=True)
    else:
        for level, where, message, cells in group_problems(rest):
            out.print(problem_line(level, where, message, cells), soft_wrap=True)  # the terminal wraps CJK text
    counts = {level: sum(p.level == level for p in problems) for level in LEVELS}
    summary = "，".join(f"{counts[k]} 个{LEVEL_NAMES[k]}" for k in LEVELS)
    ending = ("请先修正错误，再运行评分。" if counts["error"] else "警告和提示不影响评分。") if advice else ""
    out.print(f"共 {summary}。{ending}")


def print_blocked(name: str, problems: list[Problem], out: Console, *, wrote_nothing: bool) -> None:
    """A workbook with errors: nothing was scored (and, for score, nothing written); then its problems."""
    out.print(f"{name} 有错误，未评分{'，也未写入任何文件' if wrote_nothing else ''}：", style="bold red", markup=False)
    print_problems(problems, out)


def print_unreadable(message: str, out: Console) -> None:
    """A file that could not be read at all, among several."""
    out.print(Text("[错误] ", style="bold red") + Text(message))


def print_json(data: dict) -> None:
    """UTF-8 JSON on stdout whatever the console's locale (Windows GBK consoles included)."""
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:  # e.g. a test runner's text stream
        sys.stdout.write(text)
