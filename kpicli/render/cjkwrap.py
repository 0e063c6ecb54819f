"""Line breaking for Chinese text in the terminal (help pages, tables, messages).

rich breaks a line only at white space. Chinese has none, so a sentence is one long "word": in a table cell rich
cuts it with "…" (help texts lost their middle words at 80 columns) and elsewhere it folds it at any character,
breaking `--format` or 81.25 in two. `install()` gives rich the breaking rules of Chinese typesetting instead:
a line may break between two Chinese characters, never inside a run of Latin letters and digits (an option, a
number, a file name), never before closing punctuation (，。）」…) and never after opening punctuation (（「“).
It replaces the word splitter of rich's line divider (rich._wrap.words), and Text.rstrip_end, which measures the
space left at the end of a wrapped line in characters instead of cells: a line of Chinese ending in a space (年度写 )
then stayed one cell too wide and rich cut it with "…", losing a character of the help at most terminal widths.
Everything else of rich is unchanged. tests/test_rich_compat.py checks both by what rich prints.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

OPENING = "（「『《〈【〔“‘<"  # < and >: the placeholders of the help (<年度>, <文件名>) stay whole
CLOSING = "，。；：、！？）」』》〉】〕”’…%％·>"
_WIDE = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_LATIN = rf"[^\s{_WIDE}{re.escape(OPENING + CLOSING)}]+"
_UNIT = rf"(?:[{_WIDE}]|{_LATIN})"
# one breakable unit: opening marks, one Chinese character or one Latin run, closing marks, trailing spaces
WORD = re.compile(rf"\s*[{re.escape(OPENING)}]*(?:{_UNIT}|(?=[{re.escape(CLOSING)}]))[{re.escape(CLOSING)}]*\s*")


def words(text: str) -> Iterable[tuple[int, int, str]]:
    """(start, end, word) of every breakable unit of text, as rich._wrap.words yields them."""
    position = 0
    while position < len(text):
        match = WORD.match(text, position)
        end = match.end() if match and match.end() > position else position + 1
        yield position, end, text[position:end]
        position = end


_TRAILING_SPACE = re.compile(r"\s+$")


def rstrip_end(self: Any, size: int) -> None:
    """rich's Text.rstrip_end by cells: remove the white space that reaches beyond `size` cells."""
    from rich.cells import cell_len

    excess = cell_len(self.plain) - size
    if excess > 0:
        match = _TRAILING_SPACE.search(self.plain)
        if match is not None:
            self.right_crop(min(len(match.group(0)), excess))


def install() -> None:
    """Let rich break Chinese text between characters (idempotent)."""
    from rich import _wrap
    from rich.text import Text

    _wrap.words = words
    Text.rstrip_end = rstrip_end  # type: ignore[method-assign]
