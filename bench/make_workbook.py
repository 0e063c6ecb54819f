"""Synthetic checklist workbooks of a given size, for the benchmark (bench/run.py).

A catalogue of N touchpoints spread evenly over the five functions, P projects, every 自查 and 检查
cell filled from a fixed seed. Two kinds:

  styled    kpicli's own template (borders, fills, drop-downs), mostly 完成, some 部分完成/未完成/不适用, a few
            blanks; the 检查 agrees with the 自查 nine times in ten.
  unstyled  the same sheets as plain values (as another system exports them: no styles, no drop-downs), and
            the 自查 claims more than the 检查 found in about a third of the cells, so the 自查偏差 sheet runs to
            tens of thousands of rows. openpyxl saves such a workbook much faster, which makes it the harder
            baseline for `score`.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd
from openpyxl import Workbook

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from kpicli.checklist.render.template import build_template  # noqa: E402
from kpicli.checklist.words import FUNCTION_SHEETS  # noqa: E402
from kpicli.core.vocab import FUNCTIONS  # noqa: E402

VALUES = ["完成"] * 14 + ["部分完成", "未完成", "不适用", None]
KINDS = ("styled", "unstyled")


def synthetic_catalog(touchpoints: int) -> pd.DataFrame:
    rows = []
    per_function = max(1, touchpoints // len(FUNCTIONS))
    stages = ["售前", "签约", "工程建设", "交付", "入住/保修"]
    for f_index, function in enumerate(FUNCTIONS):
        for i in range(per_function):
            rows.append({
                "function": function, "item_id": f"F{f_index}-{i + 1:04d}", "stage": stages[i * 5 // per_function],
                "name": f"{function}触点{i + 1}", "level": ("一级", "二级", "三级")[i % 3],
                "action": "按标准动作执行并留存记录", "deliverable": "记录", "method": "资料检查",
                "department": f"{function}部", "scope": "项目",
            })
    return pd.DataFrame(rows)


def make_workbook(path: Path, *, projects: int, touchpoints: int, seed: int = 7,
                  first_project: int = 1, kind: str = "styled") -> tuple[Path, int]:
    """Write the workbook; return its path and the number of result cells (自查, 检查, 备注).

    Projects are named 项目01, 项目02 …, starting at `first_project` (one project's own submission: projects=1)."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}")
    rng = random.Random(seed)
    names = [f"项目{first_project + i:02d}" for i in range(projects)]
    wb = build_template(year=2026, quarter=1, projects=names, company="基准测试公司",
                        catalog=synthetic_catalog(touchpoints))
    cells = 0
    for function in FUNCTIONS:
        ws = wb[FUNCTION_SHEETS[function]]
        first_group_col = 10  # J: after the nine item columns
        for row in ws.iter_rows(min_row=5, max_row=ws.max_row, min_col=first_group_col, max_col=ws.max_column):
            for k in range(0, len(row), 3):
                if kind == "unstyled" and rng.random() < 1 / 3:
                    row[k].value, row[k + 1].value = "完成", rng.choice(("部分完成", "未完成"))  # claims more
                else:
                    value = rng.choice(VALUES)
                    row[k].value = value
                    row[k + 1].value = value if rng.random() > 0.1 else rng.choice(VALUES)
                cells += 3
    if kind == "unstyled":
        wb = _plain_copy(wb)
    wb.save(path)
    return path, cells


def _plain_copy(styled: Workbook) -> Workbook:
    """The same sheets, values and merged headers, without a single style or drop-down."""
    plain = Workbook()
    plain.remove(plain.active)
    for source in styled.worksheets:
        target = plain.create_sheet(source.title)
        for row in source.iter_rows(values_only=True):
            target.append(row)
        for merged in source.merged_cells.ranges:
            target.merge_cells(str(merged))
    return plain


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="write a synthetic checklist; prints its number of result cells")
    parser.add_argument("out", type=Path)
    parser.add_argument("projects", type=int, nargs="?", default=50)
    parser.add_argument("touchpoints", type=int, nargs="?", default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--first-project", type=int, default=1)
    parser.add_argument("--kind", choices=KINDS, default="styled")
    options = parser.parse_args()
    _, cells = make_workbook(options.out, projects=options.projects, touchpoints=options.touchpoints,
                             seed=options.seed, first_project=options.first_project, kind=options.kind)
    print(cells)


if __name__ == "__main__":
    main()
