"""Problems found in a workbook and errors that stop a command."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning", "info"]
LEVELS: tuple[Level, ...] = ("error", "warning", "info")  # the one order of levels: the most severe first
LEVEL_NAMES: dict[Level, str] = {"error": "错误", "warning": "警告", "info": "提示"}  # as every output shows them

# Exit codes shared by every command.
EXIT_OK = 0
EXIT_DATA = 1  # the workbook has errors the user must fix
EXIT_USAGE = 2  # bad options, or a file that cannot be read
EXIT_INTERNAL = 3  # a bug in kpicli itself (never the user's file): the one top-level handler in cli says so


@dataclass(frozen=True)
class Problem:
    """One finding about a workbook, located by sheet and cell (A1 style)."""

    level: Level
    sheet: str | None
    cell: str | None
    message: str
    file: str | None = None
    project: str | None = None  # the project a lead problem is about (grouping in `check`)
    lead: bool = False  # an accident that can change a score unnoticed: listed before the per-cell lines

    @property
    def where(self) -> str:
        """'营销篇!H12', '营销篇' or '' — how a user finds the spot in Excel."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet or ""

    def to_dict(self) -> dict:
        data = asdict(self)
        for key in ("file", "project", "lead"):
            data.pop(key)
        return data


def by_level(problems: Iterable[Problem]) -> list[Problem]:
    """The problems, errors first, then warnings, then infos; the order within a level kept."""
    return sorted(problems, key=lambda p: LEVELS.index(p.level))


class KpiError(Exception):
    """An error that ends a command with a Chinese message and an exit code."""

    exit_code = EXIT_USAGE

    def __init__(self, message: str, *, exit_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if exit_code is not None:
            self.exit_code = exit_code


class InputError(KpiError):
    """The input file cannot be read as a workbook (exit 2)."""

    exit_code = EXIT_USAGE


class DataError(KpiError):
    """The workbook was read but holds errors that block scoring (exit 1)."""

    exit_code = EXIT_DATA

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []
