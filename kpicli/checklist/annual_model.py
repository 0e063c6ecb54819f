"""The words of the year's tables (checklist.annual): the quarters and what a quarter's status can be.

Below checklist.annual and the modules it calls (annual_names, annual_published), which share them without
importing annual itself.
"""

from __future__ import annotations

QUARTERS = (1, 2, 3, 4)
ASSESSED, NOT_ASSESSED, MISSING = "assessed", "not_assessed", "missing"
ABSENT = "absent"  # the quarter's checklist has no such project (or function group)
STATUS_LABELS = {NOT_ASSESSED: "不列入考核", MISSING: "缺少该季度", ABSENT: "该季度没有此项目"}
