"""kpicli's command line assembled: the app of cli.common with every command module registered on it, and the
console entry point. One module per command (score, rank, check, explain, template, rules, annual, collect), each a
thin layer: parse options, call kpicli.api, render, choose the exit code. `python -m kpicli` (kpicli/__main__.py)
runs it too.
"""

from __future__ import annotations

import gc
import os
import sys

from kpicli.cli import annual, check, collect, explain, payout, rank, rules, score, template  # noqa: F401  (registers them)
from kpicli.cli.common import app
from kpicli.cli.window import hold, started_from_explorer

__all__ = ["app", "main"]


def main() -> None:
    """Console entry point: run the command, then leave without Python's interpreter teardown."""
    # What is imported by now lives as long as the process: freezing it keeps the cycle collector from walking it
    # again and again. gc.disable() measured faster still (sample score, 7 runs, medians: 0.48 s against 0.54 s),
    # but leaves every reference cycle of a long several-file run to the per-file gc.collect(0) in api alone.
    gc.freeze()
    explorer = started_from_explorer()  # before anything else may attach to the console
    try:
        app(prog_name="kpicli")
    except SystemExit as exit_:
        code = exit_.code
        if code is not None and not isinstance(code, int):
            raise
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (kpicli … | head): nothing more to say anyway
                pass
        hold(explorer)  # a window Explorer opened stays open until Enter, after errors too
        # By now every output file is written, renamed into place and closed; what is left is freeing pandas' and
        # numpy's module graphs object by object. Measured with `kpicli score sample_workbooks/触点检查表/2026Q1_客户触点检查表.xlsx
        # -o x.xlsx --force`, 7 runs, medians: 0.54 s with os._exit, 0.73 s with sys.exit (1.55 s against 1.78 s on
        # a loaded machine): 0.19 s, a quarter of the run. `kpicli --help`: 0.10 s against 0.11 s. Kept.
        os._exit(code or 0)


if __name__ == "__main__":  # pragma: no cover
    main()
