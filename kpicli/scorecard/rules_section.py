"""The scorecard's section of the rules file, `[scorecard]` (with `[scorecard.grades]` and `[scorecard.annual]`), as
the rules layer asks for it (kpicli.rules.sections.RulesSection); SCORECARD (kpicli.scorecard.kind) declares it,
and the registry hands it to the rules loader, text and record.

Its settings, defaults and derived grades are kpicli.scorecard.settings; its pydantic schema
kpicli.scorecard.rules_schema (imported only when a rules file is read); its commented text
kpicli.scorecard.settings_text.settings_toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from kpicli.scorecard.settings import DEFAULT_SETTINGS, SECTION_NAME, ScorecardAnnual, ScorecardSettings

__all__ = ["SECTION", "ScorecardSection"]


class ScorecardSection:
    name = SECTION_NAME

    def default(self) -> ScorecardSettings:
        return DEFAULT_SETTINGS

    def schema(self) -> Any:
        from kpicli.scorecard.rules_schema import ScorecardSchema

        return ScorecardSchema

    def toml(self, settings: ScorecardSettings, *, show_derived: bool) -> str:
        from kpicli.scorecard.settings_text import settings_toml

        return settings_toml(settings, show_derived)

    def from_record(self, data: Mapping[str, Any]) -> ScorecardSettings:
        """The settings from the plain JSON a result records (every field; grades left to follow [grades] when they
        were derived)."""
        from kpicli.rules.recorded import decimals_from_record, grades_from_record

        weights = data.get("reviewer_weights")
        return ScorecardSettings(
            reviewer_order=tuple(data["reviewer_order"]),
            reviewer_weights=decimals_from_record(weights) if weights else None,
            use_computed=bool(data["use_computed"]), self_fallback=bool(data["self_fallback"]),
            red_line=data["red_line"], grades=None if data.get("grades_derived") else grades_from_record(data["grades"]),
            coefficients=tuple((Decimal(str(low)), Decimal(str(k))) for low, k in data["coefficients"]),
            below_coefficient=Decimal(str(data["below_coefficient"])), pay_places=int(data["pay_places"]),
            annual=ScorecardAnnual(**{k: Decimal(str(v)) for k, v in data["annual"].items()}))


SECTION = ScorecardSection()
