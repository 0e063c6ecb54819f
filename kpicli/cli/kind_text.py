"""The help's words about the kinds of workbook, from the registry: no command module names a kind.

A help text (a command's docstring, an argument's or option's help) writes a token where the kinds belong; the
command line fills the tokens each time it is built (ChineseCommand, ChineseGroup), so a kind registered later is
listed too. Only what the registry knows without loading a kind's heavy parts is read (label, aliases, groups,
command_help), so `kpicli --help` stays fast.

    {种类}          every kind's label: 甲表或乙表 (甲表、乙表或丙表)
    {种类名}        what `kpicli template` takes: 甲（甲表）或乙（乙表), by each kind's first alias
    {成组:…*…}      the text with * the labels of the kinds that score a folder of files as one group; nothing
                    when no kind groups
    {各种类}        each kind's paragraphs for the command (Kind.command_help), in the order of the registry
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from kpicli import kinds

__all__ = ["either", "fill", "fill_command", "template_kinds"]

_GROUPED = re.compile(r"\{成组:([^{}]*)\}")


def either(words: Sequence[str]) -> str:
    """甲, 甲或乙, 甲、乙或丙."""
    words = list(words)
    return words[0] if len(words) == 1 else "、".join(words[:-1]) + "或" + words[-1]


def fill(text: str | None, command: str = "") -> str | None:
    """The text with its tokens replaced from the registry as it is now; a text without a token is returned as is."""
    if not text or "{" not in text:
        return text
    registered = kinds.KINDS
    grouping = either([k.label for k in registered if k.groups]) if any(k.groups for k in registered) else ""
    text = _GROUPED.sub(lambda m: m.group(1).replace("*", grouping) if grouping else "", text)
    text = (text.replace("{种类名}", either([f"{k.aliases[0]}（{k.label}）" for k in registered]))
                .replace("{种类}", either([k.label for k in registered])))
    if "{各种类}" in text:
        paragraphs = [k.command_help[command] for k in registered if command in k.command_help]
        text = re.sub(r"\n{3,}", "\n\n", text.replace("{各种类}", "\n\n".join(paragraphs))).strip()
    return text


def fill_command(command: Any) -> None:
    """A Click command's or group's help and its parameters' help texts, filled (fill)."""
    name = command.name or ""
    command.help = fill(command.help, name)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = fill(param.help, name)


def template_kinds() -> str:
    """How `kpicli template` is written for each kind: kpicli template 甲 …，或 kpicli template 乙 …"""
    return "，或 ".join(f"kpicli template {k.aliases[0]} …" for k in kinds.KINDS)
