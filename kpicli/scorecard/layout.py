"""The words of a scorecard sheet (contract §2): header names, person-block labels, section titles (periods: core.period)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from kpicli.core.period import find_period
from kpicli.core.vocab import normalize

from .values import cached_normalize, cell_number, is_blank, parse_amount_text

INDICATOR = "indicator"
HEADERS: dict[str, str] = {
    **dict.fromkeys(("序号",), "seq"),
    **dict.fromkeys(("考核维度", "维度", "类别", "考核类别"), "dimension"),
    **dict.fromkeys(("考核指标", "考核项目", "工作目标", "指标名称", "考核内容", "评价指标"), INDICATOR),
    **dict.fromkeys(("指标要求", "目标值", "指标说明", "评价指标及指标值", "经营管理目标"), "requirement"),
    **dict.fromkeys(("权重",), "weight"),
    **dict.fromkeys(("标准分", "分值", "标准分数", "满分"), "standard"),
    **dict.fromkeys(("评分标准", "考核办法", "评分等级", "计分方法"), "standard_text"),
    **dict.fromkeys(("计分方式",), "rule"),
    **dict.fromkeys(("实际完成", "完成值", "实际值", "指标完成情况", "完成情况"), "actual"),
    **dict.fromkeys(("自评", "自评分", "自评得分"), "self"),
    **dict.fromkeys(("上级评分", "上级", "一级评分", "直接上级", "考核人评分"), "reviewer1"),
    **dict.fromkeys(("二级评分", "隔级", "复核", "复核评分", "二级"), "reviewer2"),
    **dict.fromkeys(("得分", "实得分"), "typed_score"),
    **dict.fromkeys(("备注", "未完成原因", "未完成指标原因"), "remark"),
    **dict.fromkeys(("是否触及", "是否违反", "结果"), "touched"),
}
HEADER_NAMES: dict[str, str] = {"weight": "权重", "standard": "标准分", "rule": "计分方式", "actual": "实际完成",
                                "self": "自评", "reviewer1": "上级评分", "reviewer2": "二级评分", "typed_score": "得分"}
END_WORDS = frozenset({"合计", "总分", "总计", "加权合计", "得分"})
REDLINE_WORDS = ("电网", "红线", "否决", "高压线", "底线", "禁令")
TOUCHED_WORDS = frozenset({"是", "触及", "有", "违反", "已触及", "√", "y", "yes"})
UNTOUCHED_WORDS = frozenset({"否", "未触及", "无", "没有", "未违反", "×", "n", "no"})

PERSON_LABELS: dict[str, str] = {
    **dict.fromkeys(("姓名", "被考核人", "责任人"), "name"),
    **dict.fromkeys(("部门", "管理处", "单位"), "department"),
    **dict.fromkeys(("岗位", "职务", "职位"), "position"),
    **dict.fromkeys(("考核期间", "考核周期", "考核月份"), "period"),
    **dict.fromkeys(("绩效奖金基数", "考核奖金基数", "奖金基数"), "base"),
    **dict.fromkeys(("公司名称",), "company"),
    **dict.fromkeys(("考核状态", "参加考核", "是否参加考核"), "status"),
}
# 工作目标 beside one of these (seed 002's form): 工作目标 is the 考核维度, this column the 考核指标
GOAL_HEADER = "工作目标"
GOAL_INDICATORS = frozenset({"评价指标", "评价指标及指标值"})
# a reviewer's title + 评分/打分/考评 (主管领导评分, 部门经理评分 …): a reviewer column, by position (contract §2)
_REVIEWER_TITLE = re.compile(r"^.{0,6}(?:领导|上级|经理|主管|总监|总经理|负责人|考核人|部长|主任|组长|站长|处长|科长|"
                             r"董事长|总裁)(?:评分|打分|考评|评分分数)$")
UNSAVED_FORMULA = "公式没有保存计算结果；请在 Excel/WPS 中打开并保存后再运行"
# a header that reads like a score: over numbers, an error unless it is a known column (never a dropped score)
SCORE_WORDS = ("评分", "打分", "得分", "分数", "考评")
# the 序号 of a section row: 一 二 三, (一), 第一部分, 一、 (never an item number 1, 2, 1.1)
_SECTION_NUMERAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.]?|[(][一二三四五六七八九十]+[)]|第[一二三四五六七八九十]+部分)$")
# a person not assessed this period (not yet hired, on leave): the 考核状态 label holds one of these
NOT_ASSESSED_WORDS = ("不参加考核", "不参与考核", "免于考核", "免予考核", "免考核", "不考核")
# a period written inside a title (2026年度客服主管绩效考核表, 2026年3月…, 2026年第一季度…, 2026Q1…)
_BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_NUMBERING = re.compile(r"^(?:第[一二三四五六七八九十\d]+部分|[一二三四五六七八九十]+[、.]|\d+(?:[、.](?!\d)|、)"
                        r"|[(][一二三四五六七八九十\d]+[)])\s*")
_WEIGHT = re.compile(r"[(\[【]?\s*(?:权重|占)?\s*[:]?\s*(\d+(?:\.\d+)?)\s*%\s*[)\]】]?")
_SUBTOTAL = re.compile(r"[(\[【]?\s*(?:满分|分值|标准分)?\s*[:]?\s*(\d+(?:\.\d+)?)\s*分?\s*[)\]】]?\s*$")


def header_field(value: object) -> str | None:
    """The column a header cell names ('权重(%)' → weight), or None for any other text."""
    if not isinstance(value, str):
        return None
    return _header_text(value)


@lru_cache(maxsize=16384)  # every text cell of every sheet is asked (kind detection, header rows): once per text
def _header_text(value: str) -> str | None:
    text = normalize(value)
    return HEADERS.get(text) or HEADERS.get(_BRACKETED.sub("", text).rstrip(":"))


def is_header_row(row: list[object]) -> bool:
    return any(header_field(v) == INDICATOR for v in row)


def is_end_cell(value: object) -> bool:
    """合计/总分/总计/加权合计/得分 or a signature line: the row ends a table."""
    text = cached_normalize(value).rstrip(":")
    return text in END_WORDS or "签字" in text or "签名" in text


def reviewer_title(value: object) -> bool:
    """主管领导评分, 部门经理评分, 总经理评分 …: a reviewer's column by its title (not 上级评分/二级评分 themselves)."""
    return isinstance(value, str) and bool(_REVIEWER_TITLE.match(_BRACKETED.sub("", normalize(value)).rstrip(":")))


def reads_like_score(value: object) -> bool:
    return isinstance(value, str) and any(w in normalize(value) for w in SCORE_WORDS)


def section_numeral(value: object) -> bool:
    """一 / 二、 / (三) / 第一部分 in a 序号 cell: a section row, never an item."""
    return isinstance(value, str) and bool(_SECTION_NUMERAL.match(unicodedata.normalize("NFKC", value).strip()))


def not_assessed(value: object) -> bool:
    return isinstance(value, str) and any(w in normalize(value) for w in NOT_ASSESSED_WORDS)


def title_period(value: object) -> str | None:
    """The period written inside a title cell (2026年度客服主管绩效考核表 → 2026年度), normalised; None without one."""
    if not isinstance(value, str):
        return None
    period = find_period(value)
    return period.label if period is not None else None


def is_redline_title(text: str | None) -> bool:
    return bool(text) and any(w in text for w in REDLINE_WORDS)


def touched_value(value: object) -> bool | None:
    """是/触及/有/违反 → True; 否/未触及/无/blank → False; anything else None (an error)."""
    if is_blank(value):
        return False
    text = normalize(value)
    if text in TOUCHED_WORDS:
        return True
    if text in UNTOUCHED_WORDS:
        return False
    return None


def person_label(value: object) -> tuple[str, object | None] | None:
    """('name', None) for a label cell 姓名; ('name', '张三') for 姓名:张三 / 姓名：张三; None otherwise."""
    if not isinstance(value, str):
        return None
    return _person_label_text(value)


@lru_cache(maxsize=16384)  # asked for every cell above the first table of every sheet
def _person_label_text(value: str) -> tuple[str, object | None] | None:
    text = unicodedata.normalize("NFKC", value).strip()
    label, colon, rest = text.partition(":")
    key = _label_key(normalize(label))
    if key is None:
        return None
    rest = rest.strip()
    return key, (rest if colon and rest else None)


def _label_key(label: str) -> str | None:
    """姓名 → name; the forms' own spellings too: 部门/管理处, 岗位(职务) — parts naming one field."""
    key = PERSON_LABELS.get(label)
    if key is not None or not label:
        return key
    parts = [p for p in re.split(r"[/、()\[\]【】]", label) if p]
    keys = {PERSON_LABELS.get(p) for p in parts}
    return keys.pop() if len(parts) > 1 and len(keys) == 1 else None


@dataclass(frozen=True)
class Title:
    """A section title or section row: name without numbering, weight (%) or points subtotal."""

    name: str | None
    weight: Fraction | None = None
    subtotal: Fraction | None = None
    redline: bool = False


def parse_title(text: object) -> Title:
    """'一、业绩考核(80%)' → 业绩考核 weight 80; '经营指标 60' → 经营指标 subtotal 60; '三、电网指标' → red line."""
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    body = _NUMBERING.sub("", raw, count=1).strip()
    weight = subtotal = None
    found = _WEIGHT.search(body)
    if found:
        weight = Fraction(found.group(1))
        body = body[: found.start()] + body[found.end():]
    else:
        found = _SUBTOTAL.search(body)
        if found and found.start() > 0:
            subtotal = Fraction(found.group(1))
            body = body[: found.start()]
    name = re.sub(r"^[\s:：\-—]+|[\s:：\-—()（）]+$", "", body).strip() or None
    return Title(name, weight, subtotal, is_redline_title(raw))


def parse_base(value: object) -> Fraction | None:
    number = cell_number(value)
    if number is not None:
        return number
    amount = parse_amount_text(str(value)) if isinstance(value, str) else None
    return amount.value if amount is not None and not amount.percent else None
