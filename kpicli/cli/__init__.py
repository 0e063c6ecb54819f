"""kpicli's command line: parse options, call kpicli.api, render, choose the exit code."""

from kpicli.cli.app import app, main

__all__ = ["app", "main"]
