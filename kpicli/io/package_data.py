"""Where the data files that ship with kpicli live (the kinds' catalogues and indicator sets)."""

from __future__ import annotations

from pathlib import Path


def templates_dir() -> Path:
    """The packaged templates folder: inside the installed package (wheel, executable), else the repository's
    templates/ (an editable install or a checkout)."""
    import kpicli

    packaged = Path(kpicli.__file__).parent / "templates"
    if packaged.is_dir():
        return packaged
    return Path(kpicli.__file__).parents[1] / "templates"
