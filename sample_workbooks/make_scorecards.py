"""Regenerate the sample scorecard workbook (绩效考核表) in this folder from a fixed seed.

    python sample_workbooks/make_scorecards.py      (make_samples.py calls it too)

Writes 2026Q1_客服部绩效考核表.xlsx: one quarter of a fictional city company's customer-service people, ten
sheets in two departments and both layouts of the contract (docs/scorecard.md):

    客服部        权重 layout: 一、业绩考核（70%） and 二、行为考核（30%）, each its own table, weights as %
                  cells; a red-line table 三、红线指标（一票否决）; label/value cells in the person block.
    物业服务中心  标准分 layout: one table with section rows (一、经营指标 50 …) and a 合计 row; 标签：值 cells in
                  the person block; actuals typed as text (94.6%, 45万); a 一票否决事项 table below.

Every 计分方式 kind is used (直接 分档 达标 比例 扣分 步进 等级, 上限 on 步进 and 比例). Three people are written out by
hand, not drawn, because tests/test_scorecard_samples.py and docs/scorecard.md compute them by hand:
周晓琳 (客服经理, 91.54), 黄志强 (客服专员, red line touched) and 郑国华 (物业经理, 97.86, whose 上级评分 waives a
deduction: the one reviewer difference). The other seven are drawn from the seed. Every person is fictional.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run from a checkout without installing kpicli
    sys.path.insert(0, str(ROOT))

from openpyxl import Workbook  # noqa: E402
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side  # noqa: E402
from openpyxl.utils import get_column_letter  # noqa: E402
from openpyxl.worksheet.worksheet import Worksheet  # noqa: E402

from kpicli.io.outputs import save_workbook  # noqa: E402

OUT = Path(__file__).resolve().parent / "绩效考核表"
NAME = "2026Q1_客服部绩效考核表.xlsx"
SEED = 202601
COMPANY = "江城置业有限公司武汉城市公司"
PERIOD = "2026年第1季度"
CS, PM = "客服部", "物业服务中心"

# ---------------------------------------------------------------- the two forms (indicators written for kpicli)

# (考核指标, 指标要求, 权重, 评分标准, 计分方式)
CS_RESULTS = [
    ("客户满意度", "第三方满意度测评≥90%", 0.30, "≥90%得30分；85%–90%得24分；80%–85%得15分；低于80%不得分",
     "分档 ≥90%:30; ≥85%:24; ≥80%:15; <80%:0"),
    ("投诉处理及时率", "投诉24小时内响应、7天内闭环", 0.20, "按及时率折算：权重×实际÷100%", "比例 目标100%"),
    ("报事报修回访率", "维修完成后48小时内回访≥95%", 0.20, "达到95%得20分，每高1个百分点加1分，最多24分；每低1个百分点减1分",
     "步进 目标95% 每1% 1 上限24"),
    ("有效投诉", "季度有效投诉为0", 0.15, "每发生一起有效投诉扣3分，扣完为止", "扣分 每次3"),
    ("客户档案完整率", "业主档案信息完整率≥98%", 0.15, "达到98%得满分，否则不得分", "达标 ≥98%"),
]
CS_BEHAVIOUR = [
    ("服务意识", "主动服务、首问负责", 0.25, "优秀25；良好20；合格12；待改进0", "等级 优秀:25; 良好:20; 合格:12; 待改进:0"),
    ("团队协作", "跨部门协同、补位", 0.25, "1–5级，每级5分", "等级 1:5; 2:10; 3:15; 4:20; 5:25"),
    ("执行力", "按时保质完成交办事项", 0.25, "上级按表现评分", "直接"),
    ("学习与成长", "参加培训并通过考试", 0.25, "上级按表现评分", "直接"),
]
CS_RED_LINES = ["泄露业主个人信息", "瞒报、漏报重大投诉或群诉事件", "与业主发生争吵或肢体冲突"]

# (考核指标, 经营管理目标, 标准分, 考核办法, 计分方式)
PM_SECTIONS = [
    ("一、经营指标 50", [
        ("物业费收缴率", "季度收缴率≥92%", 15, "达到92%得15分，每高1个百分点加1分，最多20分", "步进 目标92% 每1% 1 上限20"),
        ("欠费清收", "清收历年欠费50万元", 10, "按清收金额折算，超额部分最多加2分", "比例 目标50万 上限12"),
        ("多种经营收入", "季度收入≥20万元", 10, "达到20万元得10分，否则不得分", "达标 ≥20万"),
        ("公共能耗控制", "公共能耗不超过预算", 15, "不超预算得15分；超支5%以内得8分；超支5%以上不得分",
         "分档 ≤100%:15; ≤105%:8; >105%:0"),
    ]),
    ("二、服务品质指标 35", [
        ("报修及时完成率", "报修按时完成率≥98%", 10, "≥98%得10分；95%–98%得7分；90%–95%得4分；低于90%不得分",
         "分档 ≥98%:10; ≥95%:7; ≥90%:4; <90%:0"),
        ("业主有效投诉", "季度有效投诉为0", 10, "每起扣2分，扣完为止", "扣分 每次2"),
        ("设备设施完好率", "完好率≥99%", 8, "达到99%得满分，否则不得分", "达标 ≥99%"),
        ("品质巡检得分", "公司品质巡检100分", 7, "按巡检得分折算", "比例 目标100"),
    ]),
    ("三、综合管理指标 15", [
        ("安全管理", "无安全责任事件", 8, "每发生一起安全责任事件扣4分", "扣分 每次4"),
        ("团队建设与培训", "完成季度培训计划", 7, "1级1分；2级3分；3级5分；4级6分；5级7分", "等级 1:1; 2:3; 3:5; 4:6; 5:7"),
    ]),
]
PM_RED_LINES = ["发生重大安全责任事故", "违规收取或挪用费用", "泄露业主个人信息"]

# ---------------------------------------------------------------- the people

# 客服部: (name, position, base, results actuals, behaviour actuals/points, red line touched)
# actuals per CS_RESULTS row; behaviour: (服务意识 level, 团队协作 level, 执行力 (自评, 上级), 学习与成长 (上级, 二级))
HAND_CS = {
    "周晓琳": ("客服经理", 6000, [0.915, 0.96, 0.975, 2, 0.992], ["良好", "4级", (23, 22), (20, 21)], None),
    "黄志强": ("客服专员", 3000, [0.86, 0.95, 0.942, 3, 0.975], ["合格", "3级", (19, 18), (17, None)], 2),
}
DRAWN_CS = [("陈思远", "客服主管", 4500), ("刘佳怡", "客服专员", 3000), ("吴雨桐", "400热线专员", 2800)]
# 物业服务中心: actuals per indicator in PM_SECTIONS order (text as typed), then (上级 for 安全管理 or None)
HAND_PM = {
    "郑国华": ("物业经理", "6500元", ["94.6%", "45万", "23.5万", "98.7%", "98.2%", "1", "99.5%", "98", "1", "4级"], 8),
}
DRAWN_PM = [("孙丽娟", "客服主管", "4000"), ("林雪", "客服管家", "3200"), ("杨帆", "客服管家", "3200"),
            ("何静", "收费专员", "3000")]
WAIVER = "事件系外包单位责任，经公司审批免予扣分"

# ---------------------------------------------------------------- styles

_THIN = Side(style="thin")
BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="center")
CS_HEADERS = ["序号", "考核指标", "指标要求", "权重", "评分标准", "计分方式", "实际完成", "自评", "上级评分", "二级评分", "备注"]
PM_HEADERS = ["序号", "考核指标", "经营管理目标", "标准分", "考核办法", "计分方式", "实际完成", "自评", "上级评分", "备注"]
WIDTHS = [6, 28, 26, 8, 40, 34, 10, 7, 9, 9, 16]


def write_scorecards(out: Path = OUT) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    wb = Workbook()
    info = wb.active
    info.title = "基本信息"
    for row in (["项目", "内容"], ["公司名称", COMPANY], ["考核期间", PERIOD], ["填表说明", "每人一张考核表，上级评分后交人力资源部"]):
        info.append(row)
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 12, 40
    for cell in info[1]:
        cell.font, cell.fill = BOLD, HEAD_FILL
    for name, (position, base, actuals, behaviour, red) in HAND_CS.items():
        _cs_sheet(wb.create_sheet(name), name, position, base, actuals, behaviour, red)
    for name, position, base in DRAWN_CS:
        actuals, behaviour = _draw_cs(rng)
        _cs_sheet(wb.create_sheet(name), name, position, base, actuals, behaviour, None)
    for name, (position, base, actuals, safety) in HAND_PM.items():
        _pm_sheet(wb.create_sheet(name), name, position, base, actuals, safety)
    for name, position, base in DRAWN_PM:
        _pm_sheet(wb.create_sheet(name), name, position, base, _draw_pm(rng), None)
    path = out / NAME
    save_workbook(wb, path)
    return path


def _draw_cs(rng: random.Random) -> tuple[list[object], list[object]]:
    actuals = [round(rng.uniform(0.82, 0.97), 3), round(rng.uniform(0.88, 1.0), 3), round(rng.uniform(0.92, 0.995), 3),
               rng.choice([0, 0, 1, 1, 2, 3]), round(rng.uniform(0.96, 1.0), 3)]
    own = rng.randint(20, 24)
    behaviour = [rng.choice(["优秀", "良好", "良好", "合格"]), f"{rng.randint(3, 5)}级", (own, own - rng.randint(0, 3)),
                 (rng.randint(16, 24), None)]
    return actuals, behaviour


def _draw_pm(rng: random.Random) -> list[str]:
    return [f"{rng.uniform(88, 97):.1f}%", f"{rng.randint(30, 58)}万", f"{rng.uniform(15, 30):.1f}万",
            f"{rng.uniform(95, 107):.1f}%", f"{rng.uniform(89, 99.5):.1f}%", str(rng.choice([0, 0, 1, 2, 3])),
            f"{rng.uniform(98.5, 100):.1f}%", str(rng.randint(82, 99)), str(rng.choice([0, 0, 0, 1])),
            f"{rng.randint(2, 5)}级"]


def _title(ws: Worksheet, text: str, width: int) -> None:
    ws.append([text])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")


def write_table(ws: Worksheet, headers: list[str], rows: list[list[object]], percent_cols: tuple[int, ...] = ()) -> None:
    """A bordered table at the sheet's end: header row filled and bold, then the rows."""
    ws.append(headers)
    head = ws.max_row
    for cell in ws[head]:
        cell.font, cell.fill, cell.border, cell.alignment = BOLD, HEAD_FILL, BOX, WRAP
    for row in rows:
        ws.append(row)
        # Excel and LibreOffice do not grow a row for wrapped text written by openpyxl: two lines of room
        ws.row_dimensions[ws.max_row].height = 30 if any(isinstance(v, str) and len(v) > 12 for v in row) else 18
        for c, cell in enumerate(ws[ws.max_row][: len(headers)], start=1):
            cell.border, cell.alignment = BOX, WRAP
            if c in percent_cols and isinstance(cell.value, float):
                cell.number_format = "0.0%" if c != 4 else "0%"


def _section_title(ws: Worksheet, text: str) -> None:
    ws.append([])
    ws.append([text])
    ws.cell(ws.max_row, 1).font = BOLD


def _finish(ws: Worksheet, widths: list[int], signature: str) -> None:
    ws.append([])
    ws.append([signature])
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _cs_sheet(ws: Worksheet, name: str, position: str, base: int, actuals: list[object], behaviour: list[object],
              red: int | None) -> None:
    """客服部, weighted layout: two tables with % section weights and a red-line table."""
    _title(ws, f"{COMPANY}客服部员工绩效考核表（{PERIOD}）", len(CS_HEADERS))
    ws.append(["姓名", name, "部门", CS, "岗位", position])
    ws.append(["考核期间", PERIOD, "绩效奖金基数", base])
    for r in (2, 3):
        for c in (1, 3, 5):
            ws.cell(r, c).font = BOLD
    _section_title(ws, "一、业绩考核（70%）")
    rows = []
    for n, ((indicator, target, weight, standard, rule), actual) in enumerate(zip(CS_RESULTS, actuals), start=1):
        rows.append([n, indicator, target, weight, standard, rule, actual, None, None, None, None])
    write_table(ws, CS_HEADERS, rows, percent_cols=(4, 7))
    _section_title(ws, "二、行为考核（30%）")
    rows = []
    (service, team, (own, boss), (boss2, second)) = behaviour
    values = [(service, None, None, None), (team, None, None, None), (None, own, boss, None), (None, None, boss2, second)]
    for n, ((indicator, target, weight, standard, rule), (actual, s, r1, r2)) in enumerate(zip(CS_BEHAVIOUR, values), 1):
        rows.append([n, indicator, target, weight, standard, rule, actual, s, r1, r2, None])
    write_table(ws, CS_HEADERS, rows, percent_cols=(4,))
    _section_title(ws, "三、红线指标（一票否决）")
    write_table(ws, ["序号", "考核指标", "是否触及", "备注"],
           [[n, item, "是" if red == n else "否", "经核实，已通报" if red == n else None]
            for n, item in enumerate(CS_RED_LINES, start=1)])
    ws.append([])
    ws.append(["总分", None, None, None, "（由 kpicli 计算）"])
    ws.cell(ws.max_row, 1).font = BOLD
    _finish(ws, WIDTHS, "被考核人签字：                    直接上级签字：                    日期：")


def _pm_sheet(ws: Worksheet, name: str, position: str, base: str, actuals: list[str], safety: int | None) -> None:
    """物业服务中心, standard-points layout: section rows with subtotals inside one table, 合计, red lines."""
    _title(ws, f"{PM}绩效考核表", len(PM_HEADERS))
    ws.append([f"姓名：{name}", None, f"部门：{PM}", None, f"岗位：{position}"])
    ws.append(["考核周期：2026Q1", None, f"考核奖金基数：{base}"])
    ws.append([])
    rows: list[list[object]] = []
    values = iter(actuals)
    section_rows = []
    for title, items in PM_SECTIONS:
        section_rows.append(len(rows))
        rows.append([title, None, None, int(title.split()[-1])] + [None] * 6)
        for n, (indicator, target, points, standard, rule) in enumerate(items, start=1):
            actual = next(values)
            reviewer, remark = (safety, WAIVER) if indicator == "安全管理" and safety is not None else (None, None)
            own = None
            rows.append([n, indicator, target, points, standard, rule, actual, own, reviewer, remark])
    rows.append(["合计", None, None, 100] + [None] * 6)
    start = ws.max_row + 2
    write_table(ws, PM_HEADERS, rows)
    for offset in section_rows:
        for cell in ws[start + offset]:
            cell.font, cell.fill = BOLD, SECTION_FILL
    ws.cell(ws.max_row, 1).font = BOLD
    _section_title(ws, "一票否决事项")
    write_table(ws, ["序号", "考核内容", "是否触及"], [[n, item, "否"] for n, item in enumerate(PM_RED_LINES, start=1)])
    _finish(ws, WIDTHS[:10], "被考核人签字：                    考核人签字：                    日期：")


if __name__ == "__main__":
    print(f"已写入 {write_scorecards().relative_to(ROOT)}")
