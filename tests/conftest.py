"""Fixtures shared by the test modules. Plain helpers (workbook builders, `run`, `flat` …) live in builders.py,
importable as `builders` because pyproject sets pytest's pythonpath to tests/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import typer.testing
from builders import standard_workbook


@pytest.fixture
def standard_book(tmp_path: Path) -> Path:
    """The standard quarter (builders.standard_sheets), alone in its folder so tests can list what was written:
    物业 and 云栖府 rewarded, 望江台 penalised, 营销/研发/工程 neither, 客服 and 观澜苑 not assessed."""
    folder = tmp_path / "季度检查"
    folder.mkdir()
    return standard_workbook(folder / "2026Q1_客户触点检查表.xlsx")


# --- the command line, built once per registry ---------------------------------------------------------------------
# typer's CliRunner builds kpicli's click command afresh from the Typer app at every invoke (reading each command
# function's signature and type hints): about 15 ms of CPU, 400-odd times in the quick loop. A process of the real
# program builds it once. Here it is built once for each state of what the building reads: the registry of kinds
# (a test may register a third one) and the converter hook of kpicli.cli.compat (a test may take it away). kpicli's
# own additions to a built command are idempotent (its converters, the Chinese type labels, the help text), so a
# command serves later runs as a fresh one would. tests/test_cli.py checks that the cache is in effect.


def _command_key(app: object) -> tuple[object, ...]:
    from kpicli import kinds
    from kpicli.cli import compat

    return app, kinds.KINDS, compat.RuntimeParam, compat.PlainParam


def _cached(build: Callable[[Any], Any]) -> Callable[[Any], Any]:
    built: dict[tuple[object, ...], Any] = {}

    def command(app: Any) -> Any:
        key = _command_key(app)
        if key not in built:
            built[key] = build(app)
        return built[key]

    command.built = built  # type: ignore[attr-defined]
    return command


if hasattr(typer.testing, "_get_command"):  # typer's name for it; without it every invoke builds, only slower
    typer.testing._get_command = _cached(typer.testing._get_command)
