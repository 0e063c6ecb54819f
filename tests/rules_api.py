"""The rules functions as the API calls them: with every kind's own section of kpicli.toml (kpicli.kinds), so a
[scorecard] table is known and the Rules carry it (its defaults when not written)."""

from __future__ import annotations

from pathlib import Path

from kpicli import kinds
from kpicli.rules import files, recorded, text
from kpicli.rules.model import Rules
from kpicli.rules.sections import with_sections

SECTIONS = kinds.rule_sections()
DEFAULT_RULES = kinds.rules_lookup().defaults()


def parse_rules(toml: str, source: str = files.RULES_FILENAME) -> Rules:
    return files.parse_rules(toml, source, SECTIONS)


def load_rules(path: Path) -> Rules:
    return files.load_rules(path, SECTIONS)


def resolve_rules(rules_path: Path | None, workbook: Path | None) -> tuple[Rules, str]:
    return files.resolve_rules(rules_path, workbook, SECTIONS)


def to_toml(rules: Rules, *, show_derived: bool = False) -> str:
    return text.to_toml(rules, show_derived=show_derived, sections=SECTIONS)


def from_summary(summary: object) -> Rules | None:
    return recorded.from_summary(summary, SECTIONS)


def full(rules: Rules) -> Rules:
    """Rules built in code, carrying every kind's section (its defaults where not given), as a file's would."""
    return with_sections(rules, SECTIONS)
