"""Regenerate the option lists in docs/commands/*.md from the live command line.

    python docs/gen_options.py          # rewrite every generated block (and add a page for a new command)
    python docs/gen_options.py --check  # change nothing; exit 1 and name the stale pages

Each command's options are rendered from the Click objects of `kpicli.cli.app` (what `kpicli <命令> -h` shows:
names, type label, default, help text) into a block between
`<!-- options:start kpicli <command> -->` and `<!-- options:end kpicli <command> -->` on the command's page.
Everything outside the blocks is written by hand. tests/test_docs.py fails while a block is stale.
"""

from __future__ import annotations

import contextlib
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
if str(ROOT) not in sys.path:  # run from a checkout: `python docs/gen_options.py`
    sys.path.insert(0, str(ROOT))

PROGRAM = "kpicli"
HELP_NAMES = ("--help", "-h")  # every command has them; docs/commands/README.md says so once


@dataclass(frozen=True)
class OptionDoc:
    """One row of an option list: an argument or an option as `-h` presents it."""

    names: tuple[str, ...]  # ("--output", "-o"); an argument: its metavar ("文件…")
    label: str  # "<路径>", "<整数 1–4>"; "" for a flag
    default: str  # "" when none is shown; "必填" for a required parameter
    help: str
    argument: bool


@dataclass(frozen=True)
class CommandDoc:
    path: tuple[str, ...]  # () is the program itself; ("rules", "init") a sub-command
    options: tuple[OptionDoc, ...]
    group: bool = False  # a command with sub-commands, such as `rules`

    @property
    def title(self) -> str:
        return " ".join((PROGRAM, *self.path))

    @property
    def listed(self) -> bool:
        """Whether its page has an option list: a group such as `rules` only dispatches, so it has none unless
        it has options."""
        return not (self.path and self.group and not self.options)


def _contexts() -> list[tuple[tuple[str, ...], Any, Any]]:
    """Every command of the live app with a context whose parent chain is the real one (help names, settings)."""
    import typer

    from kpicli.cli.app import app

    group = typer.main.get_command(app)
    root = group.context_class(group, info_name=PROGRAM, **(group.context_settings or {}))
    found = [((), group, root)]

    def walk(parent_cmd: Any, parent_ctx: Any, path: tuple[str, ...]) -> None:
        for name, command in getattr(parent_cmd, "commands", {}).items():
            if getattr(command, "hidden", False):
                continue
            ctx = command.context_class(command, info_name=name, parent=parent_ctx)
            found.append(((*path, name), command, ctx))
            walk(command, ctx, (*path, name))

    walk(group, root, ())
    return found


def _cell(text: str) -> str:
    # A Markdown table cell: one line, and a literal | must not end the cell.
    return " ".join(str(text).split()).replace("|", "\\|")


def _default(param: Any) -> str:
    if param.required:
        return "必填"
    show = getattr(param, "show_default", None)
    if isinstance(show, str):
        return show
    if getattr(param, "is_flag", False) or not show or param.default in (None, False, (), []):
        return ""
    return str(param.default)


def _options(command: Any, ctx: Any) -> tuple[OptionDoc, ...]:
    # Let the command render its own help first: kpicli sets its Chinese type labels (<路径>, <整数 1–4>) while
    # formatting help, so the labels here are exactly those of `-h`, wherever the CLI keeps that code.
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        command.get_help(ctx)
    rows = []
    for param in command.get_params(ctx):
        if getattr(param, "hidden", False) or set(param.opts) & set(HELP_NAMES):
            continue
        argument = param.param_type_name == "argument"
        label_of = getattr(param, "display_type_rich", None)
        label = label_of(ctx) if label_of is not None else None
        if label is None and not getattr(param, "is_flag", False):
            label = param.make_metavar(ctx) if not argument else ""
        names = (param.metavar or (param.name or "").upper(),) if argument else (*param.opts, *param.secondary_opts)
        rows.append(OptionDoc(names=tuple(names), label=label or "", default=_default(param),
                              help=getattr(param, "help", None) or "", argument=argument))
    return tuple(rows)


def commands(with_groups: bool = False) -> list[CommandDoc]:
    """The live command line: the program, each command, each sub-command. A group such as `rules` only
    dispatches, so it has no option list of its own unless it has options (or with_groups asks for every path)."""
    found = []
    for path, command, ctx in _contexts():
        doc = CommandDoc(path, _options(command, ctx), group=bool(getattr(command, "commands", None)))
        if doc.listed or with_groups:
            found.append(doc)
    return found


def page_for(path: tuple[str, ...], docs: Path = DOCS) -> Path:
    """One page per top-level command (sub-commands share their group's page); the program's own options are
    on the commands index."""
    return docs / "commands" / (f"{path[0]}.md" if path else "README.md")


def markers(command: CommandDoc) -> tuple[str, str]:
    return f"<!-- options:start {command.title} -->", f"<!-- options:end {command.title} -->"


def render_block(command: CommandDoc) -> str:
    """The generated Markdown between (and including) the two markers."""
    start, end = markers(command)
    lines = [start, ""]
    if command.options:
        lines += ["| 参数或选项 | 取值 | 默认 | 说明 |", "| --- | --- | --- | --- |"]
        for row in command.options:
            names = ", ".join(f"`{name}`" for name in row.names)
            label = f"`{row.label}`" if row.label else ""
            default = f"`{row.default}`" if row.default and row.default != "必填" else row.default
            lines.append(f"| {names} | {label} | {default} | {_cell(row.help)} |")
    else:
        lines.append("(没有选项。)")
    lines += ["", end]
    return "\n".join(lines)


def _block_pattern(command: CommandDoc) -> re.Pattern[str]:
    start, end = markers(command)
    return re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)


def current_block(text: str, command: CommandDoc) -> str | None:
    """The block as it stands on the page, or None when the page has no block for this command."""
    found = _block_pattern(command).search(text)
    return found.group(0) if found else None


def _stub(command: CommandDoc) -> str:
    # A new command gets a page at once, so the option list is never missing; tests/test_docs.py still asks for
    # the hand-written part (an example), which no generator can write.
    return (f"# {command.title}\n\n（待补充：这个命令做什么，以及至少一个 `{command.title} …` 示例。）\n\n"
            f"## 选项\n\n")


def updated_pages(docs: Path = DOCS) -> dict[Path, str]:
    """Each page whose generated blocks differ from the live command line, with its regenerated text.
    A block that is missing is appended to the page (which is created when needed)."""
    texts: dict[Path, str] = {}
    originals: dict[Path, str] = {}
    for command in commands():
        page = page_for(command.path, docs)
        if page not in texts:
            originals[page] = page.read_text(encoding="utf-8") if page.exists() else ""
            texts[page] = originals[page] or _stub(command)
        block = render_block(command)
        if current_block(texts[page], command) is None:
            texts[page] = texts[page].rstrip("\n") + "\n\n" + block + "\n"
        else:
            texts[page] = _block_pattern(command).sub(lambda _, block=block: block, texts[page])
    return {page: text for page, text in texts.items() if text != originals[page]}


def main(argv: list[str]) -> int:
    changed = updated_pages()
    if "--check" in argv:
        for page in changed:
            print(f"stale: {page.relative_to(ROOT)}")
        return 1 if changed else 0
    for page, text in changed.items():
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(text, encoding="utf-8")
        print(f"updated: {page.relative_to(ROOT)}")
    if not changed:
        print("docs/commands: every option list is current")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
