"""Record tests/golden/<sample>.json for the named samples: `python tests/golden/record.py 绩效考核表/NAME.xlsx …`
(paths inside sample_workbooks/, which holds one folder per kind).

Run it only to record a sample that has no golden file yet, from an output that is known to be right; a golden
file that exists is never overwritten (delete it first, on purpose, and say why in the commit).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from kpicli.cli.app import app

ROOT = Path(__file__).resolve().parents[2]


def record(name: str) -> Path:
    sample = ROOT / "sample_workbooks" / name
    target = ROOT / "tests" / "golden" / f"{sample.stem}.json"
    if target.exists():
        raise SystemExit(f"{target} exists: delete it first if the change of output is intended")
    runner = CliRunner()
    rank = runner.invoke(app, ["rank", str(sample), "--format", "json"])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "结果.xlsx"
        score = runner.invoke(app, ["score", str(sample), "-o", str(out)])
        inputs = set(openpyxl.load_workbook(sample, read_only=True).sheetnames)
        sheets: dict[str, object] = {}
        for ws in openpyxl.load_workbook(out).worksheets:
            if ws.title in inputs:
                sheets[ws.title] = "(input sheet)"
            else:
                sheets[ws.title] = [list(row) for row in ws.iter_rows(values_only=True)]
    data = {"rank_exit": rank.exit_code, "rank_json": json.loads(rank.stdout),
            "score_exit": score.exit_code, "sheets": sheets}
    target.write_text(json.dumps(data, ensure_ascii=False, indent=0, default=str) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    for arg in sys.argv[1:]:
        print(record(arg))
