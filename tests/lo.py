"""LibreOffice (headless soffice) and poppler helpers for tests/test_libreoffice.py.

One soffice user profile per test session (under the system temp folder, named after the pytest process) keeps
these runs from colliding with a LibreOffice the developer has open, or with another session's lock files.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

import pytest

TIMEOUT = 120  # seconds for one soffice call (it converts a whole batch of files)
MISSING = "LibreOffice (soffice) 未安装:apt-get install libreoffice-calc-nogui poppler-utils"
TOOLS = ("soffice", "pdftotext", "pdfinfo", "pdftoppm")
PROFILE = Path(tempfile.gettempdir()) / f"lo_profile_{os.getpid()}"


def soffice_available() -> bool:
    """soffice and the poppler tools (pdftotext, pdfinfo, pdftoppm) are all on PATH."""
    return all(shutil.which(tool) for tool in TOOLS)


def require_soffice() -> None:
    """Skip the calling test without LibreOffice, with the command that installs it; on CI (CI=true) fail."""
    if soffice_available():
        return
    missing = ", ".join(tool for tool in TOOLS if not shutil.which(tool))
    if os.environ.get("CI") == "true":
        pytest.fail(f"{MISSING}(缺少 {missing};CI 上这些测试不能跳过)", pytrace=False)
    pytest.skip(MISSING)


def convert(paths: Path | Sequence[Path], fmt: str, outdir: Path) -> list[Path]:
    """Convert one or several files with one soffice start (`fmt`: pdf, xlsx, ods, …); return the outputs in the
    order given. Raises AssertionError with soffice's output when a file was not written."""
    paths = [Path(paths)] if isinstance(paths, (str, Path)) else [Path(p) for p in paths]
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    command = ["soffice", "--headless", "--norestore", "--nologo", "--nodefault", "--nolockcheck",
               f"-env:UserInstallation={PROFILE.as_uri()}", "--convert-to", fmt, "--outdir", str(outdir),
               *map(str, paths)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    extension = fmt.split(":", 1)[0]
    outputs = [outdir / f"{p.stem}.{extension}" for p in paths]
    missing = [p.name for p in outputs if not p.exists()]
    assert not missing, f"soffice 没有写出 {missing}(退出码 {done.returncode}):\n{done.stdout}\n{done.stderr}"
    return outputs


def pdf_text(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    """The PDF's text in reading layout (pdftotext -layout); pages are separated by form feeds."""
    command = ["pdftotext", "-layout", "-enc", "UTF-8"]
    if first is not None:
        command += ["-f", str(first), "-l", str(last if last is not None else first)]
    done = subprocess.run([*command, str(pdf), "-"], capture_output=True, timeout=60, check=True)
    return done.stdout.decode("utf-8")


def pdf_page_texts(pdf: Path) -> list[str]:
    """One text per page (pdftotext ends every page with a form feed)."""
    pages = pdf_text(pdf).split("\f")
    return pages[: pdf_pages(pdf)]


def pdf_pages(pdf: Path) -> int:
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=True)
    for line in done.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise AssertionError(f"pdfinfo 没有给出页数:{done.stdout}")


def pdf_page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page."""
    count = pdf_pages(pdf)
    done = subprocess.run(["pdfinfo", "-f", "1", "-l", str(count), str(pdf)], capture_output=True, text=True,
                          timeout=60, check=True)
    sizes = []
    for line in done.stdout.splitlines():
        if line.startswith("Page") and "size:" in line:
            numbers = line.split("size:", 1)[1].split()
            sizes.append((float(numbers[0]), float(numbers[2])))
    return sizes


def pdf_word_heights(pdf: Path, page: int) -> list[tuple[str, float]]:
    """(word, glyph box height in points) of every word on one page (pdftotext -bbox)."""
    import html
    import re

    done = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                          capture_output=True, timeout=60, check=True)
    pattern = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>')
    return [(html.unescape(m.group(3)), float(m.group(2)) - float(m.group(1)))
            for m in pattern.finditer(done.stdout.decode("utf-8"))]


def render_page(pdf: Path, page: int, out_stem: Path, dpi: int = 70, fmt: str = "png") -> Path:
    """Render one page with pdftoppm as PNG (to look at) or binary PPM (to count pixels without an image library);
    returns the image's path."""
    option = {"png": ["-png"], "ppm": []}[fmt]
    subprocess.run(["pdftoppm", "-r", str(dpi), "-f", str(page), "-l", str(page), *option, "-singlefile",
                    str(pdf), str(out_stem)], capture_output=True, timeout=60, check=True)
    return out_stem.with_suffix(f".{fmt}")


def count_colour(ppm: Path, colour: tuple[int, int, int], tolerance: int = 12) -> int:
    """Pixels of about one colour in a binary 8-bit PPM (P6) image."""
    fields = Path(ppm).read_bytes().split(maxsplit=4)
    assert fields[0] == b"P6" and fields[3] == b"255", "expected an 8-bit binary PPM"
    data = fields[4]
    r0, g0, b0 = colour
    return sum(1 for r, g, b in zip(data[0::3], data[1::3], data[2::3])
               if abs(r - r0) <= tolerance and abs(g - g0) <= tolerance and abs(b - b0) <= tolerance)
