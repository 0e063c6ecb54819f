"""Reading a rules file (kpicli.toml): find it, parse the TOML, validate it into Rules.

The pydantic validation (rules.validate) is imported only here and only when there is a file to read; rules.model,
which every command imports, does not import it, so the rules package has no import cycle.

A file may hold the kinds' own sections (rules.sections): every function here takes the sections the kinds declare
(kpicli.kinds.rule_sections(), which the API passes down as a RulesLookup) and gives Rules carrying each of them,
written or default. Without sections a file's kind section is an unknown table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kpicli.rules.model import DEFAULT_RULES, Rules, RulesError
from kpicli.rules.sections import RulesSection, checked, with_sections

RULES_FILENAME = "kpicli.toml"
# TOML allows only ASCII letters, digits, - and _ in a bare key: a Chinese key must be quoted
_TOML_HINT = '（中文的键要加英文双引号，例如 { "一级" = 3 } 或 { "自评" = 10, "上级评分" = 90 }）'


def parse_rules(text: str, source: str = RULES_FILENAME, sections: Iterable[RulesSection] = ()) -> Rules:
    """Parse and validate a rules file's text; RulesError names every bad key."""
    import tomllib  # only when there is a file to read, as the validation (about 2 ms a run without one)

    from kpicli.rules.validate import validate

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        hint = _TOML_HINT if "initial character for a key" in str(exc) else ""
        raise RulesError(f"规则文件 {source} 不是有效的 TOML：{exc}{hint}") from exc
    return validate(data, source, sections)


def load_rules(path: Path, sections: Iterable[RulesSection] = ()) -> Rules:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise RulesError(f"找不到规则文件 {path}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"无法读取规则文件 {path}（请用 UTF-8 编码保存）") from exc
    return parse_rules(text, path.name, sections)


def resolve_rules(rules_path: Path | None, workbook: Path | None,
                  sections: Iterable[RulesSection] = ()) -> tuple[Rules, str]:
    """The effective rules and where they came from: --rules, kpicli.toml beside the workbook, defaults."""
    declared = checked(sections)
    if rules_path is not None:
        return load_rules(rules_path, declared), str(rules_path)
    if workbook is not None:
        beside = workbook.parent / RULES_FILENAME
        if beside.is_file():
            return load_rules(beside, declared), str(beside)
    return with_sections(DEFAULT_RULES, declared), "内置默认规则"


@dataclass(frozen=True)
class RulesLookup:
    """Where the rules in force come from — `path` (--rules), else a kpicli.toml beside the workbook, else the
    defaults — and the kinds' sections such a file may hold. The API builds one (kpicli.kinds.rules_lookup) and
    hands it to a kind, which resolves it beside its workbook: a kind never needs to know another kind's section,
    yet its Rules (and the fingerprint a result records of them) carry every section."""

    path: Path | None = None
    sections: tuple[RulesSection, ...] = ()

    def resolve(self, near: Path | None) -> tuple[Rules, str]:
        """The rules in force for a workbook at `near`, and where they came from."""
        return resolve_rules(self.path, near, self.sections)

    def defaults(self) -> Rules:
        """The built-in rules, every section at its defaults."""
        return with_sections(DEFAULT_RULES, self.sections)


__all__ = ["RULES_FILENAME", "RulesLookup", "load_rules", "parse_rules", "resolve_rules"]
