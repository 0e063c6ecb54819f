"""kpicli's command line: parse options, call kpicli.api, render, choose the exit code.

cli.common holds the Typer app, shared options and error handling; cli.compat every Typer hook; one module per
command registers it on the app; cli.app assembles them and holds the console entry point `main`.
"""

# Imported here, before the names are bound: the submodule cli.app and the Typer object `app` share a name, and
# binding after the submodule's import keeps `from kpicli.cli import app` the Typer object whatever is imported later.
from kpicli.cli.app import app, main

__all__ = ["app", "main"]
