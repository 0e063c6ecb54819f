"""What scorecards add to the commands' -h (Kind.command_help): plain strings, so listing the kinds for the help
imports nothing else."""

from __future__ import annotations

from types import MappingProxyType

__all__ = ["COMMAND_HELP"]

COMMAND_HELP = MappingProxyType({
    "check": "示例：kpicli check 2026Q1_客服部绩效考核表.xlsx",
    "score": "绩效考核表：考核汇总、指标明细、评分差异等结果表。一个文件夹的绩效考核表（一人一个文件）作为一组，写出一个结果工作簿"
             "（默认写在该文件夹中：<文件夹名>_评分结果.xlsx）。\n\n"
             "示例：kpicli score 2026Q1_客服部绩效考核表.xlsx",
    "rank": "绩效考核表：显示总分、等级、绩效系数和绩效奖金；一人一个文件时，把要一起排名的考核表放在一个文件夹中。\n\n"
            "示例：kpicli rank 客服部考核表/",
    "explain": "绩效考核表按人解释，用 --person（同名时加 --department）：每个指标的计分方式、实际完成、计算过程、采用哪个评分，"
               "各部分得分和总分公式。\n\n"
               "示例：kpicli explain 2026Q1_客服部绩效考核表.xlsx --person 周晓琳",
    "annual": "绩效考核表：同一年度的月度（或季度）考核表、年终考核表和含「民主评议」表的工作簿，每个期间一个。每人 年度总得分 = "
              "月度（季度）平均 × 30% + 年终考核 × 65% + 民主评议 × 5%（权重以规则文件为准），以及等级、绩效系数、奖金和排名；"
              "缺少年终考核、平时考核或民主评议的人列出原因，不计算。年度汇总工作簿含年度汇总与个人趋势折线图、未计算名单、问题清单。\n\n"
              "示例：kpicli annual 2026年01月_客服部绩效考核表.xlsx 2026年02月_客服部绩效考核表.xlsx 2026年03月_客服部绩效考核表.xlsx "
              "2026年度_客服部年终考核表.xlsx -o 2026年度绩效汇总.xlsx",
    "payout": "绩效考核表的评分结果：直接列出每人的绩效奖金。",
    "template": "考核表：绩效考核表，每人一张表；默认写到 <期间>_<部门>绩效考核表.xlsx，--split 时为同名文件夹。\n\n"
                "示例：kpicli template 考核表 --period 2026Q1 --indicators 客服专员 --people 人员名单.xlsx",
})
