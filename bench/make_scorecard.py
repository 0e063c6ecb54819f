"""A synthetic department scorecard workbook for the benchmark (bench/run.py): one sheet per person.

Each person's sheet is the weighted layout of tests/scorecard_builders.py: 业绩考核(70%) with 18 indicators,
行为考核(30%) with 7, and a red-line table; 25 indicators in all, their rules mixed (比例, 分档, 等级, a reviewer's
score), actual values and reviewers' scores from a fixed seed, a reviewer disagreeing now and then.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for folder in (ROOT, ROOT / "tests"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))

from scorecard_builders import Card, Ind, Part, RedLine, build_scorecard  # noqa: E402

DEPARTMENTS = ("客服部", "工程部", "营销部", "物业部", "财务部")


def _weights(count: int) -> list[int]:
    """count item weights (each item's points, in % of its section) that add up to 100."""
    each = 100 // count
    return [each + (100 - each * count if i == 0 else 0) for i in range(count)]


def _num(value: float) -> str:
    return f"{value:g}"


def _indicator(rng: random.Random, name: str, weight: int) -> Ind:
    """One indicator worth `weight` points, scored by one of four kinds of rule."""
    kind = rng.randrange(4)
    if kind == 0:
        return Ind(name, f"{weight}%", "比例 目标100%", f"{rng.randint(70, 100)}%")
    if kind == 1:
        actual = f"{rng.randint(75, 100)}%"
        reviewer = rng.choice((None, None, None, 0))  # now and then a reviewer who differs from the rule
        return Ind(name, f"{weight}%", f"分档 ≥95%:{weight}; ≥85%:{_num(weight / 2)}; <85%:0", actual,
                   reviewer1=reviewer)
    if kind == 2:
        levels = "; ".join(f"{k}:{_num(weight * k / 5)}" for k in range(1, 6))
        return Ind(name, f"{weight}%", f"等级 {levels}", f"{rng.randint(2, 5)}级")
    score = rng.randint(weight * 6 // 10, weight)
    return Ind(name, f"{weight}%", None, None, self=score, reviewer1=max(0, score - rng.randint(0, 1)))


def make_scorecard(path: Path, *, people: int = 300, indicators: int = 25, seed: int = 13) -> tuple[Path, int]:
    """Write the workbook; return its path and the number of indicator rows (people × indicators)."""
    rng = random.Random(seed)
    first = max(1, indicators * 7 // 10)
    sheets = {}
    for p in range(people):
        name = f"员工{p + 1:03d}"
        person = {"姓名": name, "部门": DEPARTMENTS[p % len(DEPARTMENTS)], "岗位": "专员",
                  "考核期间": "2026年第1季度", "绩效奖金基数": 5000 + 100 * (p % 20)}
        sections = [
            Part("一、业绩考核(70%)", [_indicator(rng, f"业绩指标{i + 1}", w)
                                     for i, w in enumerate(_weights(first))]),
            Part("二、行为考核(30%)", [_indicator(rng, f"行为指标{i + 1}", w)
                                     for i, w in enumerate(_weights(indicators - first))]),
            Part("三、红线指标", [RedLine("泄露客户信息", "否"), RedLine("收受回扣", "是" if p % 97 == 5 else "否")]),
        ]
        sheets[name] = Card(person=person, sections=sections, layout="weighted")
    build_scorecard(path, sheets)
    return path, people * indicators


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description="write a synthetic department scorecard workbook; prints its rows")
    parser.add_argument("out", type=Path)
    parser.add_argument("people", type=int, nargs="?", default=300)
    parser.add_argument("indicators", type=int, nargs="?", default=25)
    options = parser.parse_args()
    print(make_scorecard(options.out, people=options.people, indicators=options.indicators)[1])


if __name__ == "__main__":
    main()
