"""What the checklist adds to the commands' -h (Kind.command_help): plain strings, so listing the kinds for the help
imports nothing else."""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["COMMAND_HELP"]

COMMAND_HELP = MappingProxyType({
    "check": "示例：kpicli check 2026Q1_客户触点检查表.xlsx",
    "score": "触点检查表：评分汇总、排名、奖惩等结果表。\n\n"
             "示例：kpicli score 2026Q1_客户触点检查表.xlsx；kpicli score 各项目提交/ -o 结果/",
    "rank": "示例：kpicli rank 2026Q1_客户触点检查表.xlsx --format json",
    "explain": "触点检查表按单位解释，用 --project / --function：权重、结果、采用哪次检查、完成度和得分贡献。\n\n"
               "示例：kpicli explain 2026Q1_客户触点检查表.xlsx --project 望江台 --function 工程",
    "annual": "触点检查表：同一公司同一年度的季度检查表或 kpicli 评分结果，每个季度一个。汇总每个职能、项目的四个季度得分和等级、"
              "年度绩效是否封顶及原因、全年奖惩，以及每个人是否封顶。连续两个季度或全年累计三个季度为 B- 及以下的职能/项目，"
              "相关被考核人员年度绩效不得高于 B-（数字以规则文件为准）。年度汇总工作簿含趋势与折线图、封顶名单、奖惩台账、人员结果。\n\n"
              "示例：kpicli annual 2026Q1_客户触点检查表.xlsx 2026Q2_客户触点检查表.xlsx 2026Q3_客户触点检查表.xlsx "
              "2026Q4_客户触点检查表.xlsx -o 2026年度汇总.xlsx",
    "payout": "触点检查表的评分结果：逐个团队核对负责人交回的奖惩分配表，分配合计与团队金额分毫不差、金额是数字、处罚为负数奖励为正数、"
              "姓名在该团队的人员名单中、每人只分配一次、每个团队只交回一份，且文件是 kpicli 为本期本团队发出的原文件。\n\n"
              "示例：kpicli payout 2026Q2_客户触点检查表_评分结果.xlsx 交回/ -o 2026Q2_发放清单.xlsx",
    "template": "检查表：五个职能工作表，每个项目一组 自查/检查/备注 列，带下拉选项；默认写到 <年度>Q<季度>_客户触点检查表.xlsx。\n\n"
                "示例：kpicli template 检查表 --year 2026 --quarter 1 -p 云栖府 -p 望江台 --roster 2025Q4_客户触点检查表.xlsx",
    "collect": "触点检查表：各项目提交的检查表合并成一份公司检查表。触点按触点编号对应，没有编号时按触点名称对应；"
               "同一项目同一职能只能由一个文件提交，两份结果不同是错误。有错误时不写文件（退出码 1）；"
               "缺少或多出的触点、重复提交等只作警告。\n\n"
               "示例：kpicli collect 三月提交/ -o 2026Q1_客户触点检查表.xlsx",
})
