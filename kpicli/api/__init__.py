"""Every kpicli command as a Python function: what the CLI does, without printing anything.

    from kpicli import api
    result = api.rank("2026Q1_客户.xlsx")          # its kind's result, told by the headers; DataError on errors
    for outcome in api.check_each(api.find_workbooks(["各项目提交/"]).files):
        print(outcome.path.name, outcome.error or outcome.value.has_errors)

check, rank, score and explain take a workbook of any registered kind: it is read once and the
kind registry (kpicli.kinds) tells its kind by the headers; they return a `Result` (kpicli.core.kind.KindResult:
each kind's own result type) whose `to_json()` carries "kind" and whose `period_label` is its period.
Data errors come back as problems in the result (check) or as a KindDataError with the problems (rank, score,
explain; a DataError for annual); anything else the user must fix is a KpiError with a Chinese message, and an
option of another kind is such a KpiError naming that kind. Heavy libraries are imported inside the functions, so
importing this module is cheap.

This module only names the public API; the functions live in api.single (one workbook), api.several (several files),
api.year (annual), api.handout (template, collect), api.rules and api.payout, and do their kinds' work through the
registry.
"""

from __future__ import annotations

from kpicli.api.handout import Collection, Templated, collect, template
from kpicli.api.payout import PayoutRun, payout
from kpicli.api.rules import rules_init, rules_show
from kpicli.api.several import Outcome, check_each, find_workbooks, rank_each, score_each
from kpicli.api.single import Explained, Result, Scored, check, explain, rank, score
from kpicli.api.year import Annual, annual
from kpicli.core.errors import DataError, KpiError
from kpicli.core.kind import KindDataError
from kpicli.core.period import Period
from kpicli.io.input_files import Inputs

__all__ = ["Annual", "Collection", "DataError", "Explained", "Inputs", "KindDataError", "KpiError", "Outcome",
           "PayoutRun", "Period", "Result", "Scored", "Templated", "annual", "check", "check_each", "collect",
           "explain", "find_workbooks", "payout", "rank", "rank_each", "rules_init", "rules_show",
           "score", "score_each", "template"]
