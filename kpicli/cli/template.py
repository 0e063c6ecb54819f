"""kpicli template: blank workbooks of the kind named first (a label or alias of a registered kind), with that
kind's options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import (
    ChineseCommand,
    CompanyOpt,
    ForceOpt,
    KpiError,
    app,
    kind_values,
)
from kpicli.cli.kind_text import template_kinds

KindArg = Annotated[str | None, typer.Argument(
    help="要生成的工作簿种类：{种类名}", metavar="种类", show_default=False)]


@app.command(cls=ChineseCommand)
def template(
    kind: KindArg = None,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="输出文件（默认文件名因种类而异，见命令说明）", show_default=False)] = None,
    company: CompanyOpt = None,
    force: ForceOpt = False,
) -> int:
    """生成空白工作簿。先写种类：{种类名}；再写该种类的选项（见下方按种类分组的选项）。

    {各种类}
    """
    from kpicli import api

    if kind is None:
        raise KpiError(f"请先写要生成的工作簿种类：{template_kinds()}，再写该种类的选项（见 kpicli template -h）")
    written, notes = api.template(kind, output, company=company, force=force, **kind_values())
    for note in notes:
        typer.echo(f"警告：{note}", err=True)
    if len(written) > 1 or (output is not None and Path(output).is_dir()):  # several files, in a folder
        typer.echo(f"空白{_label(kind)}已写入 {written[0].parent}（共 {len(written)} 个文件）")
    else:
        typer.echo(f"空白{_label(kind)}已写入：{written[0]}")
    return 0


def _label(kind: str) -> str:
    from kpicli import kinds

    return kinds.named(kind).label
