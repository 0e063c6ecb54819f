"""Reading a rules file (kpicli.toml): find it, parse the TOML, validate it into Rules.

The pydantic validation (rules.validate) is imported only here and only when there is a file to read; rules.model,
which every command imports, does not import it, so the rules package has no import cycle.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from kpicli.rules.model import DEFAULT_RULES, Rules, RulesError

RULES_FILENAME = "kpicli.toml"
# TOML allows only ASCII letters, digits, - and _ in a bare key: a Chinese key must be quoted
_TOML_HINT = '（中文的键要加英文双引号，例如 { "一级" = 3 } 或 { "自评" = 10, "上级评分" = 90 }）'


def parse_rules(text: str, source: str = RULES_FILENAME) -> Rules:
    """Parse and validate a rules file's text; RulesError names every bad key."""
    from kpicli.rules.validate import validate

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        hint = _TOML_HINT if "initial character for a key" in str(exc) else ""
        raise RulesError(f"规则文件 {source} 不是有效的 TOML：{exc}{hint}") from exc
    return validate(data, source)


def load_rules(path: Path) -> Rules:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise RulesError(f"找不到规则文件 {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"无法读取规则文件 {path}（请用 UTF-8 编码保存）") from exc
    return parse_rules(text, path.name)


def resolve_rules(rules_path: Path | None, workbook: Path | None) -> tuple[Rules, str]:
    """The effective rules and where they came from: --rules, kpicli.toml beside the workbook, defaults."""
    if rules_path is not None:
        return load_rules(rules_path), str(rules_path)
    if workbook is not None:
        beside = workbook.parent / RULES_FILENAME
        if beside.is_file():
            return load_rules(beside), str(beside)
    return DEFAULT_RULES, "内置默认规则"


__all__ = ["RULES_FILENAME", "load_rules", "parse_rules", "resolve_rules"]
