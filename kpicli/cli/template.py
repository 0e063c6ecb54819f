"""kpicli template: a blank checklist for a quarter, optionally with last quarter's roster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import ChineseCommand, CompanyOpt, ForceOpt, app


@app.command(cls=ChineseCommand)
def template(
    year: Annotated[int, typer.Option("--year", help="考核年度,如 2026", show_default=False)],
    quarter: Annotated[int, typer.Option("--quarter", min=1, max=4, help="考核季度 1–4", show_default=False)],
    project: Annotated[list[str], typer.Option("--project", "-p", help="项目名称;可重复,每个项目一次", show_default=False)],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件(默认:<年度>Q<季度>_客户触点检查表.xlsx)", show_default=False)] = None,
    catalog: Annotated[Path | None, typer.Option("--catalog", help="自定义触点目录工作簿(列同内置目录)", show_default=False)] = None,
    company: CompanyOpt = None,
    force: ForceOpt = False,
    roster: Annotated[Path | None, typer.Option("--roster", help="复制该工作簿(如上季度检查表)的人员名单到新模板", show_default=False)] = None,
) -> int:
    """生成空白检查表:五个职能工作表,每个项目一组 自查/检查/备注 列,带下拉选项。

    示例:kpicli template --year 2026 --quarter 1 -p 云栖府 -p 望江台 --roster 2025Q4_客户触点检查表.xlsx
    """
    from kpicli import api

    out = output or Path(f"{year}Q{quarter}_客户触点检查表.xlsx")
    if roster is None:
        written = api.template(out, year=year, quarter=quarter, projects=project, company=company,
                               catalog_path=catalog, force=force)
    else:
        written, notes = api.template_with_roster(out, year=year, quarter=quarter, projects=project,
                                                  company=company, catalog_path=catalog, roster_path=roster,
                                                  force=force)
        for note in notes:
            typer.echo(f"警告:{note}", err=True)
    typer.echo(f"空白检查表已写入:{written}")
    return 0
