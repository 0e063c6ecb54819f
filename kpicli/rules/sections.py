"""A kind's own section of the rules file (kpicli.toml): what the rules layer asks of it, naming no kind.

The shared tables ([scoring], [grades], [rewards], [annual], [projects], [output]) are the rules layer's. A kind
with settings of its own declares one `RulesSection` on its Kind object (kpicli.core.kind.Kind.rules_section); the
registry (kpicli.kinds.rule_sections) hands every declared section to the functions here and in rules.files,
rules.validate, rules.text and rules.recorded, which treat them all alike:

    name          the TOML table (`[name]`, with any sub-tables `[name.x]`); also its key in Rules.sections and in
                  the settings a result records
    default()     the settings when the file does not write the table (a frozen dataclass, the one home of its
                  defaults)
    schema()      the pydantic model of the table (imported only when a file is read); its build() gives the
                  settings; rules.validate translates its errors into Chinese, naming the key
    toml(settings, show_derived=…)  the commented table for `rules init` and `rules show`, starting with a blank line
    from_record(data)  the settings back from the plain JSON a result records (rules.recorded), which must
                  rebuild to the recorded fingerprint

The settings object may follow the shared tables: Rules calls its `follow(rules)` when the Rules are built, and it
returns the settings with its derived defaults filled in from them (or itself unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from kpicli.rules.model import Rules

# The tables the rules layer owns: a kind's section may not take one of their names.
SHARED_TABLES = ("scoring", "grades", "rewards", "annual", "projects", "output")


class SectionSettings(Protocol):
    """The settings of one kind's section, as its Rules carry them."""

    def follow(self, rules: Rules) -> SectionSettings:
        """These settings with the defaults they derive from the shared tables of `rules` filled in (the same
        object when nothing is derived)."""


class RulesSection(Protocol):
    """One kind's section of kpicli.toml (see the module docstring)."""

    name: str

    def default(self) -> SectionSettings: ...

    def schema(self) -> Any: ...  # a pydantic model class (kpicli.rules.schema.StrictModel) with build()

    def toml(self, settings: Any, *, show_derived: bool) -> str: ...

    def from_record(self, data: Mapping[str, Any]) -> SectionSettings: ...


def checked(sections: Iterable[RulesSection]) -> tuple[RulesSection, ...]:
    """The sections as a tuple, refused (ValueError, a programming error) when two share a table or one takes a
    shared table's name."""
    out = tuple(sections)
    names = [s.name for s in out]
    clash = [n for n in names if n in SHARED_TABLES or names.count(n) > 1]
    if clash:
        raise ValueError(f"rules sections clash: {', '.join(sorted(set(clash)))}")
    return out


def with_sections(rules: Rules, sections: Iterable[RulesSection]) -> Rules:
    """`rules` carrying every section of `sections` (each as it is in `rules`, else its default), in the order
    given, followed by any other section the rules already carry."""
    declared = checked(sections)
    names = {s.name for s in declared}
    filled = {s.name: rules.sections.get(s.name, s.default()) for s in declared}
    filled.update({name: value for name, value in rules.sections.items() if name not in names})
    if list(filled) == list(rules.sections):
        return rules
    return replace(rules, sections=filled)


__all__ = ["SHARED_TABLES", "RulesSection", "SectionSettings", "checked", "with_sections"]
