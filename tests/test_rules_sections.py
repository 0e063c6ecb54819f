"""A kind's own section of kpicli.toml (issue #18): the rules layer names no kind. The scorecard declares
[scorecard] on its Kind (kpicli.scorecard.rules_section); the registry hands every section to the rules loader,
text and record, which treat any section alike — shown here with a test-only section as well.

The fingerprints pinned below were computed on main before the section moved out of the rules layer (commit
2e32d84): results published since carry them, and `annual` accepts a quarter's recorded rules only when they
rebuild to the same fingerprint, so they must never change."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from builders import run
from pydantic import field_validator
from rules_api import DEFAULT_RULES, SECTIONS, from_summary, parse_rules
from samples import CHECKLISTS, QUARTER_NAMES

from kpicli import api, kinds
from kpicli.io.provenance import read
from kpicli.rules import files, recorded, text
from kpicli.rules.bands import Grades
from kpicli.rules.model import Rules, RulesError
from kpicli.rules.schema import StrictModel, to_number
from kpicli.scorecard.settings import settings_of

SCORECARD_TOML = ('[scorecard]\nred_line = "zero"\npay_places = 0\nreviewer_weights = { "自评" = 10, "上级评分" = 90 }\n'
                  '[scorecard.annual]\nweights = { "季度平均" = 40, "年终考核" = 55, "民主评议" = 5 }\n')
OWN_GRADES_TOML = ('[grades]\nbands = [ { grade = "优", min = 90 } ]\n[scorecard.grades]\n'
                   'bands = [ { grade = "甲", min = 85 } ]\nlowest = "乙"\n[projects]\naliases = { "云栖府一期" = "云栖府" }\n')
# as main computed them before the move (see the module docstring)
PINNED = {"": "002471238f905f4f", SCORECARD_TOML: "e88be076dc6f30b7", OWN_GRADES_TOML: "2c76629d2f1dba4b"}


@pytest.mark.parametrize("toml", list(PINNED), ids=["defaults", "scorecard", "own-grades-and-aliases"])
def test_the_rules_fingerprint_is_the_one_published_results_carry(toml):
    rules = parse_rules(toml, "kpicli.toml")
    assert recorded.summary(rules)["fingerprint"] == PINNED[toml]
    assert from_summary(recorded.summary(rules)) == rules
    if not toml:
        assert recorded.summary(kinds.rules_lookup().defaults())["fingerprint"] == PINNED[""]


@pytest.mark.slow  # a sample checklist scored through the CLI (1.6 s measured on a loaded 2-core machine)
def test_a_result_scored_with_a_scorecard_section_records_the_pinned_fingerprint_and_rebuilds(tmp_path):
    book = tmp_path / QUARTER_NAMES[0]
    book.write_bytes((CHECKLISTS / QUARTER_NAMES[0]).read_bytes())
    (tmp_path / "kpicli.toml").write_text(SCORECARD_TOML, encoding="utf-8")
    out = tmp_path / "结果.xlsx"
    assert run("score", book, "-o", out).exit_code == 0
    entry = read(out).get("rules")
    assert entry["fingerprint"] == PINNED[SCORECARD_TOML]
    assert entry["settings"]["scorecard"]["red_line"] == "zero"
    rebuilt = from_summary(entry)
    assert rebuilt == parse_rules(SCORECARD_TOML) and settings_of(rebuilt).pay_places == 0
    # without the kinds' sections the record cannot be rebuilt: it is refused, never half-read
    assert recorded.from_summary(entry) is None


def test_a_record_whose_section_was_altered_is_refused():
    entry = recorded.summary(parse_rules(SCORECARD_TOML))
    assert from_summary(entry) is not None
    altered = {**entry, "settings": {**entry["settings"],
                                     "scorecard": {**entry["settings"]["scorecard"], "pay_places": 3}}}
    assert from_summary(altered) is None  # rebuilds, but to another fingerprint
    broken = {**entry, "settings": {**entry["settings"], "scorecard": {"red_line": "zero"}}}
    assert from_summary(broken) is None


@pytest.mark.parametrize(("toml", "lines"), [
    ('[scorecard]\nfoo = 1\nred_line = "x"\n',
     ["scorecard.red_line：取值不在允许范围内，可选：'lowest', 'zero' or 'flag'",
      "scorecard.foo：不是已知的设置项（请检查拼写，或用 kpicli rules init 生成模板）"]),
    ('[scorecard.annual]\nbar = 2\n', ["scorecard.annual.bar：不是已知的设置项"]),
    ('[scorecard.grades]\nbands = [ { grade = "A", min = 60 }, { grade = "B", min = 70 } ]\n',
     ["scorecard.grades：bands 的 min 必须严格从高到低排列"]),
    ("[scorcard]\npay_places = 1\n", ["scorcard：不是已知的设置项"]),
    ("[scorecard]\npay_places = 9\n", ["scorecard.pay_places：太大（最大为 4）"]),
])
def test_a_bad_scorecard_section_is_explained_in_chinese_naming_the_key(tmp_path, toml, lines):
    path = tmp_path / "kpicli.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(RulesError) as caught:
        api.rules_show(path)
    assert caught.value.message.startswith("规则文件 kpicli.toml 有误：\n")
    assert all(line in caught.value.message for line in lines), caught.value.message
    shown = run("rules", "show", "--rules", path)
    assert shown.exit_code == 2 and lines[0] in shown.output


def test_rules_show_and_init_print_the_scorecard_section(tmp_path):
    path = tmp_path / "kpicli.toml"
    path.write_text(SCORECARD_TOML, encoding="utf-8")
    shown = run("rules", "show", "--rules", path)
    assert shown.exit_code == 0, shown.output
    assert '\n[scorecard]\n' in shown.output and '\nred_line = "zero"\n' in shown.output
    assert "\n[scorecard.annual]\n" in shown.output and '"月度平均" = 40' in shown.output
    assert "未设置 [scorecard.grades]：沿用 [grades] 的等级分档（A ≥ 90，B+ ≥ 80，B ≥ 70，B- ≥ 60，其余 C）" in shown.output
    written = api.rules_init(tmp_path / "new.toml")
    init = written.read_text(encoding="utf-8")
    assert init.index("\n[output]\n") < init.index("\n[scorecard]\n") < init.index("\n[scorecard.annual]\n")
    assert files.load_rules(written, SECTIONS) == DEFAULT_RULES
    # the shared tables alone know no [scorecard]: the section is the kind's, handed down by the registry
    with pytest.raises(RulesError, match="scorecard：不是已知的设置项"):
        files.load_rules(written)


# --- the mechanism knows no kind: a test-only section -------------------------------------------------------------


@dataclass(frozen=True)
class NodeSettings:
    """A made-up kind's settings: node weights, and grades that follow [grades] unless written."""

    a_weight: Decimal = Decimal(2)
    grades: Grades | None = None

    def follow(self, rules: Rules) -> NodeSettings:
        return self if self.grades is not None else replace(self, grades=rules.grades)


class NodeSchema(StrictModel):
    a_weight: Decimal | None = None

    @field_validator("a_weight", mode="before")
    @classmethod
    def _number(cls, v: object) -> object:
        return to_number(v)  # TOML floats as the digits the user typed, as every section's numbers

    def build(self) -> NodeSettings:
        return NodeSettings(**self.given())


class NodeSection:
    name = "nodes"

    def default(self) -> NodeSettings:
        return NodeSettings()

    def schema(self) -> Any:
        return NodeSchema

    def toml(self, settings: NodeSettings, *, show_derived: bool) -> str:
        return f"\n[nodes]\n# A 类节点的权重\na_weight = {text.toml_number(settings.a_weight)}\n"

    def from_record(self, data: dict) -> NodeSettings:
        return NodeSettings(a_weight=Decimal(str(data["a_weight"])))


NODES = (NodeSection(),)


def test_any_kind_section_is_read_validated_written_and_recorded_alike(tmp_path: Path):
    rules = files.parse_rules('[grades]\nlowest = "D"\n[nodes]\na_weight = 3.5\n', "x.toml", NODES)
    assert rules.section("nodes") == NodeSettings(a_weight=Decimal("3.5"), grades=rules.grades)
    assert files.parse_rules("", "x.toml", NODES).section("nodes").a_weight == 2
    with pytest.raises(RulesError) as caught:
        files.parse_rules('[nodes]\na_weight = "三"\nb = 1\n', "x.toml", NODES)
    assert "nodes.a_weight：应为数字" in caught.value.message and "nodes.b：不是已知的设置项" in caught.value.message
    written = text.to_toml(rules, sections=NODES)
    assert written.endswith("open_result = false\n\n[nodes]\n# A 类节点的权重\na_weight = 3.5\n")
    assert files.parse_rules(written, "x.toml", NODES) == rules
    entry = recorded.summary(rules)
    assert entry["settings"]["nodes"]["a_weight"] == "3.5"
    assert list(entry["settings"])[:5] == ["scoring", "grades", "rewards", "annual", "nodes"]
    assert recorded.from_summary(entry, NODES) == rules
    looked = files.RulesLookup(None, NODES).resolve(tmp_path / "book.xlsx")
    assert looked == (files.RulesLookup(None, NODES).defaults(), "内置默认规则")


def test_a_section_may_not_take_a_shared_table_or_another_sections_name():
    class Grading(NodeSection):
        name = "grades"

    with pytest.raises(ValueError, match="grades"):
        files.parse_rules("", "x.toml", (Grading(),))
    with pytest.raises(ValueError, match="nodes"):
        text.to_toml(Rules(), sections=(*NODES, *NODES))
