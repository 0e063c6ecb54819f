"""The rules file: write the defaults (`rules init`), show the rules in force (`rules show`), and the one setting
the command line asks before opening a result ([output] open_result)."""

from __future__ import annotations

from pathlib import Path

from kpicli import kinds
from kpicli.core.errors import KpiError

__all__ = ["rules_init", "rules_show"]


def rules_init(output: Path = Path("kpicli.toml"), *, force: bool = False) -> Path:
    """Write the default rules file, every setting commented in Chinese; returns its path."""
    from kpicli.io.outputs import atomic_write
    from kpicli.rules.text import to_toml

    output = Path(output)
    if output.exists() and not force:
        raise KpiError(f"{output} 已存在；确认覆盖请加 --force")
    if output.is_dir() or not output.parent.exists():
        raise KpiError(f"无法写入 {output}：请给出一个文件夹已存在的文件路径")
    lookup = kinds.rules_lookup()
    text = to_toml(lookup.defaults(), sections=lookup.sections)
    atomic_write(output, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return output


def rules_show(rules_path: Path | None = None, *, near: Path | None = None) -> str:
    """The rules in force as TOML, derived values included, headed by where they come from: rules_path, else a
    kpicli.toml beside the workbook `near` (default: the current folder), else the built-in defaults."""
    from kpicli.rules.text import to_toml

    lookup = kinds.rules_lookup(rules_path)
    effective, source = lookup.resolve(Path(near) if near is not None else Path.cwd() / "_")
    return f"# 规则来源：{source}\n{to_toml(effective, show_derived=True, sections=lookup.sections)}"
