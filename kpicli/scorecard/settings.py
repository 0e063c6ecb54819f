"""Every scorecard policy number (contract §3–§4, §6), as the scorecard code imports them.

The settings are read from `[scorecard]` of kpicli.toml, so they are defined in kpicli.rules.scorecard (rules is
below the scorecard package and its Rules object carries them as `rules.scorecard`); this module re-exports them.
"""

from __future__ import annotations

from kpicli.rules.scorecard import (
    ANNUAL_PARTS,
    DEFAULT_SETTINGS,
    RED_LINE_MODES,
    REVIEWER_NAMES,
    REVIEWERS,
    RedLineMode,
    Reviewer,
    ScorecardAnnual,
    ScorecardSettings,
)

__all__ = ["ANNUAL_PARTS", "DEFAULT_SETTINGS", "RED_LINE_MODES", "REVIEWERS", "REVIEWER_NAMES", "RedLineMode",
           "Reviewer", "ScorecardAnnual", "ScorecardSettings"]
