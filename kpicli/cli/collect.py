"""kpicli collect: merge the projects' submitted checklists of one quarter into the company checklist."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kpicli.cli.common import EXIT_DATA, EXIT_USAGE, ChineseCommand, CompanyOpt, QuarterOpt, YearOpt, app

PathsArg = Annotated[list[Path], typer.Argument(
    help="各项目提交的检查表工作簿,或放有这些工作簿的文件夹(可以给多个)", metavar="文件或文件夹…",
    show_default=False)]
OutputOpt = Annotated[Path, typer.Option("--output", "-o", help="汇总后的公司检查表(.xlsx)", show_default=False)]
CatalogOpt = Annotated[Path | None, typer.Option(
    "--catalog", help="按这份触点目录汇总(默认:各文件中出现的全部触点)", show_default=False)]


@app.command(cls=ChineseCommand)
def collect(
    paths: PathsArg,
    output: OutputOpt,
    catalog: CatalogOpt = None,
    force: Annotated[bool, typer.Option("--force", help="允许覆盖不是 kpicli 生成的同名文件")] = False,
    year: YearOpt = None,
    quarter: QuarterOpt = None,
    company: CompanyOpt = None,
) -> int:
    """汇总各项目提交的检查表:合并成一份公司检查表,之后可直接 kpicli score。

    触点按触点编号对应,没有编号时按触点名称对应;同一项目同一职能只能由一个文件提交,两份结果不同是错误。
    有错误时不写文件(退出码 1);缺少或多出的触点、重复提交等只作警告。

    示例:kpicli collect 三月提交/ -o 2026Q1_客户触点检查表.xlsx
    """
    from kpicli.checklist import collect as collecting
    from kpicli.checklist.catalog import load_catalog
    from kpicli.cli.inputs import expand_inputs, print_skipped, progress
    from kpicli.io.outputs import COLLECTED_KIND, RESULT_KINDS, ensure_writable, require_xlsx
    from kpicli.render.collect_book import write_collected
    from kpicli.render.terminal import console

    require_xlsx(output, "汇总表")
    ensure_writable(output, force=force)  # fail before the slow part
    for path in paths:
        if not path.is_dir():
            ensure_writable(output, force=force, source=path)
    inputs = expand_inputs(paths, skip_kinds=RESULT_KINDS | {COLLECTED_KIND}, exclude=[output])
    reference = load_catalog(catalog) if catalog is not None else None
    out = console()
    print_skipped(inputs, out)
    collected = collecting.collect(inputs.files, catalog=reference, company=company, year=year, quarter=quarter,
                              progress=lambda files: progress(files, "读取"))
    print_collect_problems(collected.problems, out)
    if collected.unreadable or collected.has_errors:
        out.print("有错误,未写入汇总表。请修正上面的错误(或移走有问题的文件)后重新汇总。", style="bold red",
                  markup=False)
        return EXIT_USAGE if collected.unreadable else EXIT_DATA
    written = write_collected(collected, output, force=force)
    period = f"{collected.year}年第{collected.quarter}季度"
    company_name = collected.company or "(未填写公司名称)"
    company_group = ",另有城市公司列组" if collected.has_company_group else ""
    out.print(f"已汇总 {len(collected.files)} 个文件:{company_name} {period},{len(collected.projects)} 个项目"
              f"{company_group},{collected.n_items} 个触点。", markup=False)
    if collected.blanks:
        out.print(f"有 {collected.blanks} 处自查和检查都为空白,评分时按未完成计(可在汇总表中补填检查结果)。",
                  style="yellow", markup=False)
    out.print(f"汇总表已写入:{written}", style="bold green", markup=False)
    shown = f'"{written}"' if " " in str(written) else str(written)
    out.print(f"下一步:kpicli score {shown}", markup=False)
    return 0


def print_collect_problems(problems: list, out: object) -> None:
    """Problems per file (the file name as a heading), errors first; one message met in several cells of a sheet
    is one line listing the cells."""
    import dataclasses

    from rich.text import Text

    from kpicli.render.terminal import LEVEL_LABELS, print_lead, problem_line

    if not problems:
        out.print("没有发现问题。", style="green")
        return
    # the lines that change scores come first, each naming its file
    print_lead([dataclasses.replace(p, sheet=f"{p.file} {p.sheet or ''}".strip()) if p.file else p
                for p in problems if p.lead], out)
    order = {"error": 0, "warning": 1, "info": 2}
    by_file: dict[str, dict[tuple, list[str]]] = {}
    for p in sorted((p for p in problems if not p.lead), key=lambda p: order[p.level]):
        lines = by_file.setdefault(p.file or "", {})
        key = (p.level, p.sheet or "", p.message, id(p) if p.level == "error" else None)
        lines.setdefault(key, []).append(p.cell or "")
    for file, lines in sorted(by_file.items(), key=lambda kv: kv[0] != ""):  # problems of the whole set first
        out.print(Text(file or "汇总", style="bold"))
        for (level, sheet, message, _), found in lines.items():
            out.print(problem_line(level, sheet, message, [c for c in found if c], indent="  "), soft_wrap=True)
    counts = {level: sum(p.level == level for p in problems) for level in LEVEL_LABELS}
    out.print("共 " + ",".join(f"{counts[k]} 个{LEVEL_LABELS[k][0]}" for k in LEVEL_LABELS) + "。")
