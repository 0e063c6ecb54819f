"""kpicli's command line: parse options, call kpicli.api, render, choose the exit code.

cli.common holds the Typer app, shared options and error handling; cli.compat every Typer hook; one module per
command registers it on the app; cli.app assembles them and holds the console entry point `main`.
"""

import gc as _gc

# The command line's imports (Typer, click, rich, every command module) allocate tens of thousands of objects that
# all live as long as the process: the cycle collector, run as they are allocated, would find nothing to free.
# Paused for the imports only, as it was afterwards (measured in docs/performance.md).
_collecting = _gc.isenabled()
_gc.disable()
try:
    # Imported here, before the names are bound: the submodule cli.app and the Typer object `app` share a name, and
    # binding after the submodule's import keeps `from kpicli.cli import app` the Typer object whatever is imported
    # later.
    from kpicli.cli.app import app, main
finally:
    if _collecting:
        _gc.enable()

__all__ = ["app", "main"]
