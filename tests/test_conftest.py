"""What tests/conftest.py does for the quick loop's speed, checked: if a typer upgrade takes it away, this says so."""

from __future__ import annotations

import pytest
import typer.testing

from kpicli import kinds
from kpicli.cli.app import app


def test_the_command_line_is_built_once_per_registry(monkeypatch: pytest.MonkeyPatch):
    """CliRunner reuses the command it built; a registry with other kinds (tests/test_third_kind.py) gets its own."""
    first = typer.testing._get_command(app)
    assert typer.testing._get_command(app) is first
    monkeypatch.setattr(kinds, "KINDS", kinds.KINDS[::-1])
    second = typer.testing._get_command(app)
    assert second is not first
    assert typer.testing._get_command(app) is second
