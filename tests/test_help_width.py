"""Every command's and option's help shows in full at 80 columns (issue 21) and at other widths: rendered by
`kpicli … -h` with COLUMNS=80 (and 62, 102, 118), each declared help text is found in the page once box lines and wrapping are removed; no line starts
with a bare punctuation mark, and rich added no "…" (a cut)."""

from __future__ import annotations

import re

import pytest
import typer
from builders import run
from rich.cells import cell_len

from kpicli.cli.app import app

BOX = re.compile(r"[\s│╭╮╰╯─]+")
CLOSING = "，。；：、！？）」』》】”…"


def _commands() -> list[tuple[list[str], object]]:
    root = typer.main.get_command(app)
    found: list[tuple[list[str], object]] = [([], root)]
    for name, command in sorted(root.commands.items()):
        found.append(([name], command))
        for sub, inner in sorted(getattr(command, "commands", {}).items()):
            found.append(([name, sub], inner))
    return found


COMMANDS = _commands()


def _flat(text: str) -> str:
    return BOX.sub("", text)


def _declared(command: object) -> list[str]:
    texts = [command.help or ""]
    texts += [p.help for p in command.params if getattr(p, "help", None) and not getattr(p, "hidden", False)]
    return [t for t in texts if t.strip()]


# 80 columns in the quick loop; other widths, where a wrapped line of Chinese once ended one cell too wide and rich
# cut it with "…" (kpicli/render/cjkwrap.py), with the slow tests
WIDTHS = [80, *(pytest.param(width, marks=pytest.mark.slow) for width in (62, 102, 118))]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("path", "command"), COMMANDS, ids=[" ".join(p) or "kpicli" for p, _ in COMMANDS])
def test_help_shows_every_text_in_full(path: list[str], command: object, width: int):
    result = run(*path, "-h", columns=width)
    assert result.exit_code == 0, result.output
    page = result.output
    assert max(cell_len(line) for line in page.splitlines()) <= width
    flat = _flat(page)
    for text in _declared(command):
        for paragraph in text.split("\n\n"):
            assert _flat(paragraph) in flat, f"kpicli {' '.join(path)} -h 没有完整显示：{paragraph}"
    rest = flat
    for text in _declared(command):
        for paragraph in text.split("\n\n"):
            rest = rest.replace(_flat(paragraph), "")
    for name in [p.metavar for p in command.params if getattr(p, "metavar", None)]:
        rest = rest.replace(name, "")  # argument names that end in … (文件…)
    rest = re.sub(r"<[^<>]*…>", "", rest)  # value labels that end in … (<路径…>)
    assert "…" not in rest, f"帮助被截断（…）：\n{page}"
    assert "…}..." not in page and "...." not in page, f"省略号重复：\n{page}"
    for line in page.splitlines():
        inner = line.strip().strip("│").strip()
        assert not inner or inner[0] not in CLOSING, f"行首是标点：{line}"
