"""The words of the year's tables (checklist.annual): the quarters and what a quarter's status can be.

Below checklist.annual and the modules it calls (annual_names, annual_published), which share them without
importing annual itself.
"""

from __future__ import annotations

QUARTERS = (1, 2, 3, 4)
ASSESSED, NOT_ASSESSED, MISSING = "assessed", "not_assessed", "missing"
ABSENT = "absent"  # the quarter's checklist has no such project (or function group)
STATUS_LABELS = {NOT_ASSESSED: "不列入考核", MISSING: "缺少该季度", ABSENT: "未提交"}
# what each word means, said wherever they are shown (terminal and workbook)
STATUS_MEANINGS = {NOT_ASSESSED: "该季度没有可计分的触点", ABSENT: "该季度的检查表中没有此项目（没有提交或未汇总进来）",
                   MISSING: "没有该季度的工作簿"}
