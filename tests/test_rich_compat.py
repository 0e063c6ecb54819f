"""Canary for the rich internals kpicli uses (kpicli/render/cjkwrap.py replaces rich._wrap.words, the word
splitter of rich's line divider, and Text.rstrip_end, measured by cells), by behaviour: a rich release that stops
calling them, or renames them, changes how every Chinese help page and table breaks. pyproject pins rich>=13,<16; raise the pin only with this file green."""

from __future__ import annotations

import io
from itertools import pairwise

import pytest
from rich.cells import cell_len
from rich.console import Console

from kpicli.render import cjkwrap

TEXT = "请在命令中加 --format json 重新运行，把显示的全部内容（包括 81.25 分）反馈给维护者，默认写到 <年度>Q<季度>_检查表。"


def _lines(width: int) -> list[str]:
    buffer = io.StringIO()
    Console(file=buffer, width=width, color_system=None).print(TEXT)
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


@pytest.mark.parametrize("width", [9, 12, 16, 23])
def test_chinese_breaks_between_characters_and_never_inside_a_word_or_before_a_closing_mark(width):
    cjkwrap.install()
    lines = _lines(width)
    assert "".join(lines).replace(" ", "") == TEXT.replace(" ", "")  # nothing cut or lost
    assert all(cell_len(line) <= width for line in lines), lines
    for whole in ("--format", "json", "81.25"):
        assert any(whole in line for line in lines), (whole, lines)  # never split across lines
    assert not any(line.lstrip()[:1] in cjkwrap.CLOSING for line in lines), lines  # 。，） never start a line
    assert not any(line.rstrip()[-1:] in cjkwrap.OPENING for line in lines), lines  # （ never ends one
    for line, following in pairwise(lines):  # a line ends only where the next unit would not fit
        unit = cjkwrap.WORD.match(following).group().rstrip()
        spaced = f"{line.strip()} {unit}"
        assert cell_len(spaced if spaced in TEXT else line.strip() + unit) > width, (line, unit, lines)


def test_the_hook_is_the_one_rich_calls():
    from rich import _wrap

    cjkwrap.install()
    assert _wrap.words is cjkwrap.words


def test_a_wrapped_line_of_chinese_ending_in_a_space_is_not_cut():
    """rich measured a line's trailing space in characters: 年度写 + space at the edge of a 45-cell help column left
    the line one cell too wide, and rich cut 写 with "…". cjkwrap measures it in cells."""
    from rich.table import Table

    cjkwrap.install()
    text = "考核季度：1–4、Q1 或 第一季度；也可连同年度写 2026Q1"
    buffer = io.StringIO()
    table = Table.grid()
    table.add_column(width=45, overflow="ellipsis")
    table.add_row(text)
    Console(file=buffer, width=60, color_system=None).print(table)
    shown = buffer.getvalue()
    assert "…" not in shown and "".join(shown.split()) == "".join(text.split()), shown
