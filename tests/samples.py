"""The bundled samples, by name: sample_workbooks/ holds one folder per kind (README). Tests name the samples they
use and never list the folders, so a user's output written beside a sample (…_评分结果.xlsx) changes no test."""

from __future__ import annotations

from pathlib import Path

SAMPLE_ROOT = Path(__file__).resolve().parents[1] / "sample_workbooks"
CHECKLISTS = SAMPLE_ROOT / "触点检查表"  # 客户触点检查表: the year 2026 and the messy one
SCORECARDS = SAMPLE_ROOT / "绩效考核表"  # 绩效考核表: the quarter, three months, the year-end form, set and roster

QUARTER_NAMES = tuple(f"2026Q{q}_客户触点检查表.xlsx" for q in (1, 2, 3, 4))
MESSY_NAME = "messy_客户触点检查表_2026Q2.xlsx"
CHECKLIST_SAMPLES = tuple(CHECKLISTS / name for name in (*QUARTER_NAMES, MESSY_NAME))

SCORECARD_NAME = "2026Q1_客服部绩效考核表.xlsx"
MONTH_NAMES = tuple(f"2026年{m:02d}月_客服部绩效考核表.xlsx" for m in (1, 2, 3))
YEAR_END_NAME = "2026年度_客服部年终考核表.xlsx"
SCORECARD_SAMPLES = tuple(SCORECARDS / name for name in (SCORECARD_NAME, *MONTH_NAMES, YEAR_END_NAME))
FORM_INPUT_NAMES = ("客服部_指标套.csv", "客服部_人员名单.csv")
