"""Four quarterly checklists of one company's year, with scores chosen so that every annual-cap case occurs.

Two function sheets (营销篇, 工程篇), three projects 甲 乙 丙, four 一级 items per unit, so a unit scores
0 / 25 / 50 / 75 / 100. Unit scores (营销 | 工程) and what follows (grades: A ≥ 90 … B- ≥ 60, C below):

    quarter   营销 甲 乙 丙     工程 甲 乙 丙     project 甲 乙 丙         function 营销   工程
    Q1            0  50   0        100  75 100    50 C  62.5 B-  50 C       16.67 C   91.67 A
    Q2           50 100  NA          0 100  NA    25 C   100 A   不列入      75 B      50 C
    Q3          100  75  75        100  50  25   100 A  62.5 B-  50 C       83.33 B+  58.33 C
    Q4           75 100 100         25 100 100    50 C   100 A  100 A       91.67 A   75 B

    甲: Q1 Q2 Q4 at/below → capped by both rules (cumulative only when consecutive = 3)
    乙: Q1 Q3 → not consecutive, only two → not capped
    丙: Q1, Q2 not assessed, Q3 → the gap breaks the run → not capped
    工程: Q2 Q3 → consecutive only → capped
    营销·甲 unit: Q1 Q2 → capped; 工程·甲: Q2 Q4 → not capped

Rewards (rank 1 and > 90: +3000; < 60: −3000), year totals: 甲 −6000, 乙 +6000, 丙 −3000, 营销 0, 工程 −3000.
"""

from __future__ import annotations

from pathlib import Path

from builders import Item, SheetSpec, build_checklist

COMPANY = "江城置业"
YEAR = 2026
NA = None
SCORES: dict[int, dict[str, dict[str, int | None]]] = {
    1: {"营销": {"甲": 0, "乙": 50, "丙": 0}, "工程": {"甲": 100, "乙": 75, "丙": 100}},
    2: {"营销": {"甲": 50, "乙": 100, "丙": NA}, "工程": {"甲": 0, "乙": 100, "丙": NA}},
    3: {"营销": {"甲": 100, "乙": 75, "丙": 75}, "工程": {"甲": 100, "乙": 50, "丙": 25}},
    4: {"营销": {"甲": 75, "乙": 100, "丙": 100}, "工程": {"甲": 25, "乙": 100, "丙": 100}},
}
SHEETS = {"营销": "营销篇", "工程": "工程篇"}
ITEM_NAMES = {"营销": ["案场接待", "签约提醒", "计划书寄发", "工程进展告知"],
              "工程": ["工地开放", "节点预警", "质量巡检", "交付验收"]}

HEADS = [("城市公司", "营销", "王营销"), ("城市公司", "工程", "李工程")]
ROSTERS: dict[int, list[tuple[str, str, str]] | None] = {
    1: [*HEADS, ("甲", "项目总监", "赵甲"), ("甲", "营销", "钱甲营销"), ("甲", "工程", "孙甲工程"),
        ("乙", "项目总监", "陈前任"), ("丙", "项目总监", "吴丙")],
    2: None,  # this quarter's checklist has no 人员名单
    3: [*HEADS, ("甲", "项目总监", "赵甲"), ("甲", "营销", "钱甲营销"), ("甲", "工程", "孙甲工程"),
        ("乙", "项目总监", "周乙"), ("丙", "项目总监", "吴丙")],
    4: [*HEADS, ("甲", "项目总监", "赵甲"), ("甲", "营销", "韩新"), ("甲", "工程", "孙甲工程"),
        ("乙", "项目总监", "周乙"), ("乙", "营销", "钱甲营销"), ("丙", "项目总监", "吴丙")],
}


def results(score: int | None) -> list[str]:
    """Four 一级 results giving the score (a multiple of 25), or four 不适用."""
    if score is None:
        return ["不适用"] * 4
    done = score // 25
    return ["完成"] * done + ["未完成"] * (4 - done)


def quarter_sheets(quarter: int, scores: dict[str, dict[str, int | None]] | None = None) -> dict[str, SheetSpec]:
    scores = scores or SCORES[quarter]
    sheets = {}
    for function, sheet in SHEETS.items():
        per_project = {p: results(s) for p, s in scores[function].items()}
        items = [Item(name, "一级", {p: (values[i], values[i]) for p, values in per_project.items()},
                      item_id=f"{function}-{i + 1}")
                 for i, name in enumerate(ITEM_NAMES[function])]
        sheets[sheet] = SheetSpec(title=f"客户触点分级管理检查表——{sheet}({YEAR}年第{quarter}季度)", items=items)
    return sheets


def build_quarter(folder: Path, quarter: int, *, year: int = YEAR, company: str | None = COMPANY,
                  name: str | None = None, roster: bool = True) -> Path:
    """One quarter's checklist in `folder` (file name <year>Q<quarter>_客户触点检查表.xlsx unless given)."""
    info: dict[str, object] = {"年度": year, "季度": quarter}
    if company is not None:
        info = {"公司名称": company, **info}
    path = Path(folder) / (name or f"{year}Q{quarter}_客户触点检查表.xlsx")
    return build_checklist(path, quarter_sheets(quarter), info=info,
                           roster=ROSTERS[quarter] if roster else None)


def build_year(folder: Path, quarters: tuple[int, ...] = (1, 2, 3, 4)) -> list[Path]:
    Path(folder).mkdir(parents=True, exist_ok=True)
    return [build_quarter(folder, q) for q in quarters]


# --- a year built from real `kpicli template` output -------------------------------------------------------------------


def template_quarter(folder: Path, quarter: int, projects: tuple[str, ...], roster: list[tuple[str, str, str]],
                     misses: dict[str, int] | None = None, *, year: int = YEAR, company: str = COMPANY) -> Path:
    """`kpicli template` for the quarter (its 人员名单 from `roster`: unit, function or role, name), then every 检查
    kpicli left blank filled: 完成, except the first misses[group] touchpoint rows of each function sheet, 未完成."""
    import csv

    import openpyxl
    from builders import edit, run

    from kpicli.checklist.render.template import FIRST_ITEM_ROW, HEADER_ROW

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    roster_file = folder / f"_人员名单_{quarter}.csv"
    with roster_file.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("单位", "职能", "姓名"), *roster])
    path = folder / f"{year}Q{quarter}_客户触点检查表.xlsx"
    made = run("template", "检查表", "-o", path, "--year", year, "--quarter", quarter, "--company", company,
               "--roster", roster_file, *[a for p in projects for a in ("-p", p)])
    assert made.exit_code == 0, made.output
    roster_file.unlink()

    def fill(wb: openpyxl.Workbook) -> None:
        for ws in wb.worksheets:
            if ws.cell(HEADER_ROW + 1, 11).value != "检查":
                continue
            group = None
            for c in range(1, ws.max_column + 1):
                group = ws.cell(HEADER_ROW, c).value or group
                if ws.cell(HEADER_ROW + 1, c).value != "检查":
                    continue
                missed = 0
                for r in range(FIRST_ITEM_ROW, ws.max_row + 1):
                    if ws.cell(r, c).value is None and ws.cell(r, 4).value:
                        miss = missed < (misses or {}).get(group, 0)
                        ws.cell(r, c).value = "未完成" if miss else "完成"
                        missed += miss

    return edit(path, fill)
