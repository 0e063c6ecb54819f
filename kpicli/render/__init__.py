"""Rendering results: result workbooks and terminal output."""
