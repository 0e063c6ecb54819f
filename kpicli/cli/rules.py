"""kpicli rules init / show: write the default rules file, show the rules in force and their source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import ChineseCommand, ChineseGroup, RulesOpt, app

rules_app = typer.Typer(cls=ChineseGroup, help="评分规则：生成规则文件、查看生效的规则。", no_args_is_help=True,
                        pretty_exceptions_enable=False,
                        context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(rules_app, name="rules")


@rules_app.command("init", cls=ChineseCommand)
def rules_init(
    output: Annotated[Path, typer.Option("--output", "-o", help="规则文件路径")] = Path("kpicli.toml"),
    force: Annotated[bool, typer.Option("--force", help="覆盖已有的文件")] = False,
) -> int:
    """写出默认规则文件（每一项都有中文注释），修改后放在工作簿旁即可生效。

    示例：kpicli rules init -o kpicli.toml
    """
    from kpicli import api

    typer.echo(f"默认规则已写入：{api.rules_init(output, force=force)}")
    return 0


@rules_app.command("show", cls=ChineseCommand)
def rules_show(
    rules: RulesOpt = None,
    near: Annotated[Path | None, typer.Option("--for", help="按该工作簿的位置查找 kpicli.toml", show_default=False)] = None,
) -> int:
    """显示生效的规则和来源（--rules 指定的文件、工作簿旁的 kpicli.toml，或内置默认）。

    示例：kpicli rules show --rules kpicli.toml
    """
    from kpicli import api

    typer.echo(api.rules_show(rules, near=near))
    return 0
