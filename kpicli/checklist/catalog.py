"""The touchpoint catalogue: which items each function is checked on, from the packaged CSVs or a user's workbook.

The packaged catalogue is five UTF-8 CSVs (营销.csv … 物业.csv). A user may supply their own catalogue as an
.xlsx with the same headers, one sheet per function or one sheet with a 职能 column; it is read with
python-calamine like every other input.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpicli.checklist.words import COMPANY_GROUP, FUNCTION_SHEETS, function_of_label, function_of_sheet, parse_level
from kpicli.core.errors import KpiError, Problem
from kpicli.core.vocab import FUNCTIONS, column_letter, normalize

CATALOG_COLUMNS = [
    "function", "item_id", "stage", "name", "level", "action", "deliverable", "method", "department", "scope",
]
PROJECT_SCOPE = "项目"
HEADER_SEARCH_ROWS = 10
MAX_LISTED_PROBLEMS = 20

# Catalogue headers (normalised) → frame column; 职能 only in the one-sheet form.
_HEADERS: dict[str, str] = {
    "触点编号": "item_id",
    "编号": "item_id",
    "阶段": "stage",
    "客户阶段": "stage",
    "触点名称": "name",
    "触点等级": "level",
    "等级": "level",
    "标准动作": "action",
    "交付件": "deliverable",
    "检查方式": "method",
    "责任部门": "department",
    "适用单位": "scope",
    "适用范围": "scope",
    "职能": "function",
}
_SCOPE_ALIASES = {
    "项目": PROJECT_SCOPE,
    "项目级": PROJECT_SCOPE,
    "城市公司": COMPANY_GROUP,
    "公司": COMPANY_GROUP,
    "城市公司级": COMPANY_GROUP,
}
_TEXT_FIELDS = ("item_id", "stage", "name", "action", "deliverable", "method", "department")


def _text(value: object) -> str:
    """A cell as text, trimmed; unlike vocab.clean_label no NFKC, so full-width punctuation in
    标准动作 stays as written."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def catalog_dir() -> Path:
    """The packaged templates folder (io.package_data; other kinds' data files live there too)."""
    from kpicli.io.package_data import templates_dir

    return templates_dir()


def load_catalog(path: Path | None = None) -> pd.DataFrame:
    """The catalogue as a frame with CATALOG_COLUMNS, in catalogue order.

    None → the five packaged CSVs; a path → a user's catalogue workbook. KpiError names sheet!cell of
    every bad row (unknown level, missing name, duplicate 触点编号 within a function).
    """
    if path is None:
        return _load_packaged()
    return _load_workbook(Path(path))


def _load_packaged() -> pd.DataFrame:
    """The packaged catalogue, parsed once per process for the same files (a score needs it twice: to check the
    rows against it and for the result's record); each caller gets its own copy."""
    folder = catalog_dir()
    csvs = [folder / f"{function}.csv" for function in FUNCTIONS]
    for csv in csvs:
        if not csv.is_file():
            raise KpiError(f"找不到内置触点目录文件 {csv}；安装可能不完整，请重新安装 kpicli")
    key = tuple((str(csv), csv.stat().st_mtime_ns, csv.stat().st_size) for csv in csvs)
    if key not in _PACKAGED:
        _PACKAGED.clear()
        _PACKAGED[key] = _parse_packaged(csvs)
    return _PACKAGED[key].copy()


_PACKAGED: dict[tuple, pd.DataFrame] = {}


def _parse_packaged(csvs: list[Path]) -> pd.DataFrame:
    import csv as csv_module

    frames, problems = [], []
    for function, csv in zip(FUNCTIONS, csvs):
        # every field as text, blank lines skipped (what pandas.read_csv(dtype=str, keep_default_na=False) gives,
        # at a tenth of the cost); the header is row 1, so a CSV row n is spreadsheet row n
        with csv.open(encoding="utf-8-sig", newline="") as stream:
            rows = [row for row in csv_module.reader(stream) if row]
        frame, found = _parse_rows(rows, sheet=csv.name, function=function)
        frames.append(frame)
        problems += found
    _raise_if(problems, "内置触点目录")
    return _finish(frames)


def _load_workbook(path: Path) -> pd.DataFrame:
    from kpicli.io.workbook import read_workbook

    raw = read_workbook(path)  # safety checks, then python-calamine
    frames: list[pd.DataFrame] = []
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for name in raw.sheet_names:
        grid = raw.grids[name]
        rows = grid.dense()
        functions = function_of_sheet(name)
        header = _find_header(rows)
        has_function_col = header is not None and "function" in header[1].values()
        if not functions and not has_function_col:
            continue  # 说明 or other sheets
        if len(functions) > 1 and not has_function_col:
            problems.append(Problem("error", name, None, f"工作表名同时含有多个职能（{'、'.join(functions)}）；"
                                    "请改名，如「营销篇」，或加一列「职能」"))
            continue
        function = None if has_function_col else functions[0]
        if function is not None:
            if function in owner:
                problems.append(Problem("error", name, None, f"职能「{function}」有两张目录工作表"
                                        f"（「{owner[function]}」和「{name}」）；请合并为一张"))
                continue
            owner[function] = name
        frame, found = _parse_rows(rows, sheet=name, function=function)
        frames.append(frame)
        problems += found
    if not frames and not problems:
        expected = "、".join(FUNCTION_SHEETS[f] for f in FUNCTIONS)
        raise KpiError(f"{path.name} 中没有找到触点目录：工作表名应含职能（如 {expected}），"
                       "或在一张表中加一列「职能」")
    _raise_if(problems, path.name)
    catalog = _finish(frames)
    if catalog.empty:
        raise KpiError(f"{path.name} 的触点目录中没有任何触点；请在「触点名称」列下填写触点")
    dup = catalog[catalog["item_id"].ne("")]
    dup = dup[dup.duplicated(["function", "item_id"])]
    if not dup.empty:  # the one-sheet form: ids may repeat across sheets only per function
        first = dup.iloc[0]
        raise KpiError(f"{path.name}：职能「{first['function']}」的触点编号「{first['item_id']}」重复；"
                       "触点编号在同一职能内必须唯一")
    return catalog


def _find_header(rows: list[list[object]]) -> tuple[int, dict[int, str]] | None:
    """(row index, column → field) of the first row of the first 10 that has a 触点名称 cell."""
    for r, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        keys = {c: _HEADERS.get(normalize(v)) for c, v in enumerate(row)}
        if "name" in keys.values():
            cols: dict[int, str] = {}
            for c, key in keys.items():
                if key and key not in cols.values():
                    cols[c] = key
            return r, cols
    return None


def _parse_rows(rows: list[list[object]], *, sheet: str, function: str | None) -> tuple[pd.DataFrame, list[Problem]]:
    """Catalogue rows of one sheet; function None means each row names its function in a 职能 column."""
    problems: list[Problem] = []
    header = _find_header(rows)
    if header is None:
        problems.append(Problem("error", sheet, None, f"前 {HEADER_SEARCH_ROWS} 行中找不到「触点名称」表头；"
                                "请确认表头行有一个单元格写着「触点名称」"))
        return pd.DataFrame(columns=CATALOG_COLUMNS), problems
    r0, cols = header
    by_key = {key: c for c, key in cols.items()}
    if "level" not in by_key:
        problems.append(Problem("error", sheet, f"A{r0 + 1}", "缺少「触点等级」列；请在表头行加一列「触点等级」"
                                "并填写 一级/二级/三级"))
        return pd.DataFrame(columns=CATALOG_COLUMNS), problems
    records: list[dict] = []
    seen_ids: dict[tuple[str | None, str], int] = {}
    stage = ""
    for r in range(r0 + 1, len(rows)):
        row = rows[r]
        values = {key: (row[c] if c < len(row) else None) for key, c in by_key.items()}
        texts = {key: _text(v) for key, v in values.items()}
        if not any(_text(v) for v in row):
            continue
        excel_row = r + 1

        def cell(key: str, row_no: int = excel_row) -> str:
            return f"{column_letter(by_key[key])}{row_no}"

        # the stage column is often merged vertically: fill down
        if "stage" in by_key and texts["stage"]:
            stage = texts["stage"]
        if not texts["name"]:
            others = [k for k, t in texts.items() if t and k != "stage"]
            if not others and "stage" not in by_key:
                stage = next(_text(v) for v in row if _text(v))  # a stage-label row
            elif others:
                problems.append(Problem("error", sheet, cell("name"), "这一行没有触点名称；请补上触点名称，或删除这一行"))
            continue
        level = parse_level(values["level"])
        if level is None:
            shown = texts["level"] or "（空）"
            problems.append(Problem("error", sheet, cell("level"), f"触点等级「{shown}」无法识别；"
                                    "请填写 一级、二级 或 三级（也可写 1/2/3、A/B/C、关键/重要/一般）"))
            continue
        row_function = function
        if function is None:
            row_function = function_of_label(values.get("function"))
            if row_function is None:
                shown = texts.get("function") or "（空）"
                problems.append(Problem("error", sheet, cell("function"), f"职能「{shown}」无法识别；"
                                        "请填写 营销、研发、工程、客服 或 物业"))
                continue
        scope = PROJECT_SCOPE
        if "scope" in by_key and texts["scope"]:
            scope = _SCOPE_ALIASES.get(normalize(values["scope"]), "")
            if not scope:
                problems.append(Problem("error", sheet, cell("scope"), f"适用单位「{texts['scope']}」无法识别；"
                                        "请填写 项目 或 城市公司（留空按 项目）"))
                continue
        record = {key: texts.get(key, "") for key in _TEXT_FIELDS}
        record["name"] = " ".join(record["name"].split())
        record.update(function=row_function, level=level, scope=scope,
                      stage=" ".join((texts.get("stage") or stage).split()))
        if record["item_id"]:
            key = (row_function, normalize(record["item_id"]))
            if key in seen_ids:
                problems.append(Problem("error", sheet, cell("item_id"), f"触点编号「{record['item_id']}」与第 "
                                        f"{seen_ids[key]} 行重复；触点编号在同一职能内必须唯一"))
                continue
            seen_ids[key] = excel_row
        records.append(record)
    return pd.DataFrame(records, columns=CATALOG_COLUMNS), problems


def _finish(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """One frame, functions in the standard order, rows in catalogue order within each."""
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame(columns=CATALOG_COLUMNS)
    catalog = pd.concat(frames, ignore_index=True)
    order = {f: i for i, f in enumerate(FUNCTIONS)}
    catalog["_order"] = catalog["function"].map(order)
    catalog = catalog.sort_values("_order", kind="stable").drop(columns="_order").reset_index(drop=True)
    return catalog[CATALOG_COLUMNS]


def _raise_if(problems: list[Problem], source: str) -> None:
    errors = [p for p in problems if p.level == "error"]
    if not errors:
        return
    lines = [f"  {p.where or p.sheet}：{p.message}" for p in errors[:MAX_LISTED_PROBLEMS]]
    if len(errors) > MAX_LISTED_PROBLEMS:
        lines.append(f"  …… 另有 {len(errors) - MAX_LISTED_PROBLEMS} 处")
    raise KpiError(f"{source} 中的触点目录有 {len(errors)} 处错误，请修改后重试:\n" + "\n".join(lines))
