"""A third kind of workbook, for the tests only: the monthly work-plan node sheet (月度工作计划节点表).

It is the worked example of docs/development.md, 新增一个种类: one package (this one) whose kind.py offers an object
satisfying kpicli.core.kind.Kind, plus one line in kpicli.kinds.KINDS (tests/test_third_kind.py adds that line in a
fixture). Like a kind inside kpicli it imports only the shared layers (core, io, rules, grading, payout, render),
never kpicli/checklist or kpicli/scorecard; tests/test_third_kind.py checks that too.

    layout.py   the sheet's words and cells, telling the sheet by its headers, reading it (problems by sheet!cell)
    scoring.py  按时完成: the nodes done by their planned date (A 类 counts twice), per 责任人 and in all
    render.py   the blank template, the result workbook, the terminal
    kind.py     WORKPLAN, the Kind the registry lists
"""
