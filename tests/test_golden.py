"""The bundled samples score exactly as the release before the re-housing (issue 12) recorded them.

tests/golden/<sample>.json holds that release's `rank --format json` and every result sheet's values. What may
differ: the scoring timestamp, the punctuation of messages (full- and half-width are compared as one), and the
"kind" key that the JSON gained with the second kind of workbook. The scorecard samples (绩效考核表) were recorded
from main before the per-kind re-housing (issue 18) by tests/golden/record.py.

The samples are named, never globbed: a user's own `*_评分结果.xlsx` saved in sample_workbooks/ is not a sample.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from builders import run
from samples import CHECKLIST_SAMPLES, SCORECARD_SAMPLES

pytestmark = pytest.mark.slow  # every bundled sample, ranked and scored whole

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden"
SAMPLES = [*CHECKLIST_SAMPLES, *SCORECARD_SAMPLES]  # named in tests/samples.py, never globbed
_PUNCTUATION = str.maketrans({"，": ",", "：": ":", "；": ";", "（": "(", "）": ")"})


def _plain(value: object) -> object:
    """Values as the golden file stores them, with one punctuation."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if k != "kind"}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return value.translate(_PUNCTUATION)
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)  # datetimes and Decimals, as json.dumps(default=str) wrote them


def _sheets(sample: Path, out: Path) -> dict[str, object]:
    inputs = set(openpyxl.load_workbook(sample, read_only=True).sheetnames)
    sheets: dict[str, object] = {}
    for ws in openpyxl.load_workbook(out).worksheets:
        if ws.title in inputs:
            sheets[ws.title] = "(input sheet)"
            continue
        rows = [list(row) for row in ws.iter_rows(values_only=True)]
        sheets[ws.title] = [r for r in rows if r[:1] != ["评分时间"]]
    return sheets


def test_every_named_sample_has_a_golden_file():
    for sample in SAMPLES:
        assert sample.is_file(), sample
        assert (GOLDEN / f"{sample.stem}.json").is_file(), sample.stem


@pytest.mark.parametrize("sample", SAMPLES, ids=[s.stem for s in SAMPLES])
def test_sample_outputs_equal_the_recorded_release(sample: Path, tmp_path: Path):
    golden = json.loads((GOLDEN / f"{sample.stem}.json").read_text(encoding="utf-8"))
    rank = run("rank", sample, "--format", "json")
    assert rank.exit_code == golden["rank_exit"]
    assert _plain(json.loads(rank.stdout)) == _plain(golden["rank_json"])

    out = tmp_path / "结果.xlsx"
    score = run("score", sample, "-o", out)
    assert score.exit_code == golden["score_exit"]
    expected = {name: (rows if isinstance(rows, str) else [r for r in rows if r[:1] != ["评分时间"]])
                for name, rows in golden["sheets"].items()}
    got = _sheets(sample, out)
    assert list(got) == list(expected)
    for name in expected:
        assert _plain(got[name]) == _plain(expected[name]), name
