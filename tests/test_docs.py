"""The documentation agrees with the live command line (after sqlite-utils' tests/test_docs.py).

Fails when a command has no page in docs/commands/ or no link from README, when a page's generated option list
differs from the command's options (run `python docs/gen_options.py`), when README or docs/ names a command or an
option (`kpicli xxx`, `--yyy`) that does not exist, and when a link between the pages leads nowhere.
The commands are read from `kpicli.cli.app` each run, so new commands and options are caught as they land.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from kpicli.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
README = ROOT / "README.md"
REGENERATE = "run `python docs/gen_options.py` and review the diff"
# Pages other engineers are writing; README may link them before they land (a missing one is skipped, not failed).
PENDING_PAGES: set[Path] = set()

FENCE = re.compile(r"^[ \t]*```[^\n]*\n(.*?)^[ \t]*```", re.S | re.M)  # fences in list items are indented
GENERATED = re.compile(r"<!-- options:start .*?<!-- options:end [^>]*-->", re.S)
INLINE_CODE = re.compile(r"`([^`\n]+)`")
LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
LINK = re.compile(r"\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$", re.M)
SHELL_BREAKS = {"|", ">", ">>", "<", "&&", ";", "||", "#"}


@cache
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_options", DOCS / "gen_options.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_options", module)  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@cache
def every_command() -> list[object]:
    """The option documentation of every command path, groups included, built once (building it renders every
    command's help)."""
    return gen().commands(with_groups=True)


@cache
def live() -> dict[tuple[str, ...], set[str]]:
    """Each command path of the live app → the option names it accepts (the help names included)."""
    help_names = set(gen().HELP_NAMES)
    return {cmd.path: {name for opt in cmd.options if not opt.argument for name in opt.names} | help_names
            for cmd in every_command()}


def top_level() -> list[str]:
    return sorted({path[0] for path in live() if path})


def pages() -> list[Path]:
    return [README, *sorted(DOCS.rglob("*.md"))]


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


# --- every command has a page, an example and a current option list -------------------------------------------


@pytest.mark.parametrize("name", top_level())
def test_every_command_has_a_page_linked_from_readme(name: str) -> None:
    page = gen().page_for((name,))
    assert page.exists(), f"kpicli {name} has no page: {REGENERATE} (it creates {_rel(page)}), then write it"
    assert f"docs/commands/{name}.md" in README.read_text(encoding="utf-8"), \
        f"README.md's 命令一览 table does not link docs/commands/{name}.md"
    assert f"]({name}.md)" in (DOCS / "commands" / "README.md").read_text(encoding="utf-8"), \
        f"docs/commands/README.md does not link {name}.md"


@pytest.mark.parametrize("path", [p for p in live() if p], ids=" ".join)
def test_every_command_page_shows_an_example(path: tuple[str, ...]) -> None:
    text = gen().page_for(path).read_text(encoding="utf-8")
    call = " ".join(("kpicli", *path))
    examples = [line for block in FENCE.findall(text) for line in block.splitlines()
                if re.match(re.escape(call) + r"(\s|$)", line.strip())]
    assert examples, f"{_rel(gen().page_for(path))} has no example of `{call}` in a code block"


@cache
def documented_commands() -> dict[tuple[str, ...], object]:
    """Each command with an option list on its page (gen_options.commands() without groups)."""
    return {c.path: c for c in every_command() if c.listed}


@pytest.mark.parametrize("path", list(documented_commands()), ids=lambda p: " ".join(("kpicli", *p)))
def test_option_list_is_current(path: tuple[str, ...]) -> None:
    command = documented_commands()[path]
    page = gen().page_for(path)
    text = page.read_text(encoding="utf-8") if page.exists() else ""
    block = gen().current_block(text, command)
    assert block is not None, f"{_rel(page)} has no option list for `{command.title}`: {REGENERATE}"
    documented = set(re.findall(r"`(-[-\w]+)`", block))
    wanted = live()[path] - set(gen().HELP_NAMES)
    assert not wanted - documented, \
        f"{_rel(page)} lacks {sorted(wanted - documented)} of `{command.title}`: {REGENERATE}"
    assert not documented - wanted, \
        f"{_rel(page)} lists {sorted(documented - wanted)}, which `{command.title}` no longer has: {REGENERATE}"
    assert block == gen().render_block(command), \
        f"the option list of `{command.title}` in {_rel(page)} is stale (a type, default or help text changed): " \
        f"{REGENERATE}"


@pytest.mark.parametrize("path", [p for p in live() if p], ids=" ".join)
def test_documented_options_are_what_help_shows(path: tuple[str, ...]) -> None:
    """The generated list and the user's `-h` come from the same command: every name and label is on screen."""
    command = next(c for c in every_command() if c.path == path)
    result = CliRunner().invoke(app, [*path, "-h"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for option in command.options:
        for name in option.names:
            assert name in result.output, f"`{command.title} -h` does not show {name}"
        if option.label:
            assert option.label in result.output, f"`{command.title} -h` does not show {option.label}"


# --- docs name only commands and options that exist ------------------------------------------------------------


def _invocation_problems(tokens: list[str]) -> list[str]:
    """The words of one call after `kpicli` (or after an implied `kpicli`): what in them does not exist."""
    known = live()
    everything = set().union(*known.values())
    path: tuple[str, ...] | None = ()  # None: a placeholder (`kpicli 命令 -h`), so no one command to check against
    problems = []
    for raw in tokens:
        if raw in SHELL_BREAKS:
            break
        token = raw.strip("[]()，。、；：").split("=", 1)[0]
        if token.startswith("-") and len(token) > 1 and not token[1].isdigit():
            allowed = everything if path is None else known[path]
            if token not in allowed:
                problems.append(f"`{' '.join(('kpicli', *(path or ())))}` has no option {token}")
            continue
        if path is None or not any(p[:len(path)] == path and len(p) > len(path) for p in known):
            continue  # an argument of a command (a file, a value)
        if (*path, token) in known:
            path = (*path, token)
        elif re.fullmatch(r"[a-z][a-z-]*", token):
            problems.append(f"no command `{' '.join(('kpicli', *path, token))}`")
            break
        else:
            path = None
    return problems


def _code_problems(code: str) -> list[str]:
    """One line of code (a fenced line or an inline span) that may call kpicli."""
    tokens = code.split()
    if not tokens:
        return []
    for index, token in enumerate(tokens):
        # the program at the start of a command (`kpicli`, `.venv/bin/kpicli`, after `&&`), not an argument such as
        # the folder in `ruff check kpicli tests`
        starts = index == 0 or tokens[index - 1] in SHELL_BREAKS
        if re.fullmatch(r"(?:.*[/\\])?kpicli(?:\.exe)?", token) and (starts or token != "kpicli"):
            return _invocation_problems(tokens[index + 1:])
    if (tokens[0],) in live():  # `explain --project`: a command named without the program
        return _invocation_problems(tokens)
    if tokens[0].startswith("--"):  # `--allow-blank`, `--year/--quarter`
        everything = set().union(*live().values())
        return [f"kpicli has no option {o}" for o in LONG_OPTION.findall(code) if o not in everything]
    return []  # another program (python, pytest, soffice …) or data (JSON, TOML)


def unknown_references(text: str) -> list[str]:
    """Commands and options a Markdown text names that the live app does not have."""
    text = GENERATED.sub("", text)  # generated from the app itself; their freshness is checked above
    problems = []
    for block in FENCE.findall(text):
        for line in block.splitlines():
            problems += _code_problems(line.split(" #", 1)[0])
    prose = FENCE.sub("", text)
    for span in INLINE_CODE.findall(prose):
        problems += _code_problems(span)
    everything = set().union(*live().values())
    problems += [f"kpicli has no option {o}" for o in LONG_OPTION.findall(INLINE_CODE.sub("", prose))
                 if o not in everything]
    return problems


def test_reference_scanner_catches_what_does_not_exist() -> None:
    """The scan below must be able to fail: a misspelt command, a foreign option, an option of another command."""
    text = ("```bash\nkpicli scroe a.xlsx\nkpicli rank a.xlsx --in-place\npython bench/run.py --small\n```\n"
            "用 `kpicli rules shwo`、`--no-such-option`、`explain --roster` 或 --bogus。"
            "`kpicli --debug score a.xlsx -o b.xlsx` `kpicli 命令 -h` `kpicli.toml` `rank --format json`\n")
    assert sorted(unknown_references(text)) == sorted([
        "no command `kpicli scroe`", "`kpicli rank` has no option --in-place", "no command `kpicli rules shwo`",
        "kpicli has no option --no-such-option", "`kpicli explain` has no option --roster",
        "kpicli has no option --bogus"])


@pytest.mark.parametrize("page", pages(), ids=_rel)
def test_docs_name_only_real_commands_and_options(page: Path) -> None:
    problems = unknown_references(page.read_text(encoding="utf-8"))
    assert not problems, f"{_rel(page)} names what the command line does not have: {problems}"


# --- links ------------------------------------------------------------------------------------------------------


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: markup dropped, lower case, punctuation (full-width too) removed, spaces → -."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "")
    return re.sub(r"[^\w\- ]", "", text.strip().lower()).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    seen: dict[str, int] = {}
    found = set()
    for _, title in HEADING.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        base = slug(title)
        found.add(base if base not in seen else f"{base}-{seen[base]}")
        seen[base] = seen.get(base, 0) + 1
    return found


@pytest.mark.parametrize("page", pages(), ids=_rel)
def test_links_lead_somewhere(page: Path) -> None:
    broken = []
    for target in LINK.findall(FENCE.sub("", page.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: not ours to check offline
        file, _, anchor = target.partition("#")
        dest = (page.parent / file).resolve() if file else page
        if not dest.exists():
            if dest in PENDING_PAGES:
                continue
            broken.append(f"{target} (no such file)")
        elif anchor and dest.suffix == ".md" and anchor not in anchors(dest):
            broken.append(f"{target} (no heading #{anchor} in {_rel(dest)})")
    assert not broken, f"{_rel(page)} has broken links: {broken}"


def test_slug_follows_github() -> None:
    assert slug("规则文件 kpicli.toml") == "规则文件-kpiclitoml"
    assert slug("写进原工作簿：--in-place") == "写进原工作簿--in-place"
    assert slug("检查表的格式（v1）") == "检查表的格式v1"


# --- README stays the front door --------------------------------------------------------------------------------


def test_quick_start_is_one_block_of_two_commands() -> None:
    """.ci/run runs README's second command; users copy the first. Both must stay a single two-line block."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## 快速开始", 1)[1].split("\n## ", 1)[0]
    blocks = FENCE.findall(section)
    assert len(blocks) == 1, f"快速开始 must hold exactly one code block, found {len(blocks)}"
    commands = [line for line in blocks[0].splitlines() if line.strip()]
    assert len(commands) == 2 and commands[1] == ".venv/bin/python -m pytest", commands


# --- the generator itself ---------------------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.39 s measured)
def test_generator_repairs_a_stale_list_and_adds_a_missing_page(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS / "commands", docs / "commands")
    assert gen().updated_pages(docs) == {}, f"docs/commands is stale: {REGENERATE}"
    score = docs / "commands" / "score.md"
    original = score.read_text(encoding="utf-8")
    score.write_text(re.sub(r"^\| `--in-place` .*\n", "", original, flags=re.M), encoding="utf-8")
    (docs / "commands" / "annual.md").unlink()

    changed = gen().updated_pages(docs)
    assert set(changed) == {score, docs / "commands" / "annual.md"}
    assert changed[score] == original  # the hand-written text around the list is kept as it was
    stub = changed[docs / "commands" / "annual.md"]
    assert stub.startswith("# kpicli annual") and "`--allow-blank`" in stub and "<!-- options:end kpicli annual -->" in stub
