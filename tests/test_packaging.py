"""Issue #15: kpicli without Python (the PyInstaller executable) and without the Internet (the offline wheelhouse).

The executable and the wheelhouse are built outside pytest, by packaging/build.sh and packaging/wheelhouse.sh
(.ci/run does both). Their tests run when KPICLI_BINARY / KPICLI_WHEELHOUSE point at them; otherwise they skip
on a developer's machine and FAIL under CI=true, so CI cannot pass without having exercised them.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import result_path, standard_workbook
from samples import CHECKLISTS, QUARTER_NAMES

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = CHECKLISTS / QUARTER_NAMES[0]
TEMPLATES = ROOT / "templates"


def _built(variable: str, how: str) -> Path:
    value = os.environ.get(variable)
    if not value and os.environ.get("CI", "").lower() != "true":
        pytest.skip(f"{variable} is not set: build with {how} and point {variable} at it")
    path = Path(value or "").resolve()
    if not value or not path.exists():
        pytest.fail(f"{variable}={value!r} does not exist: build it with {how}")
    return path


@pytest.fixture(scope="module")
def binary() -> Path:
    return _built("KPICLI_BINARY", "bash packaging/build.sh (dist/kpicli/kpicli)")


@pytest.fixture(scope="module")
def wheelhouse() -> Path:
    return _built("KPICLI_WHEELHOUSE", "bash packaging/wheelhouse.sh (dist/wheelhouse)")


def _plain_console_env() -> dict[str, str]:
    """A console that cannot be assumed to speak UTF-8: C locale, no Python encoding overrides."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8", "LANGUAGE")}
    env.update(LANG="C", LC_ALL="C")
    return env


def _run(command: list[object], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    # stdin from nowhere: a run that waited for input would end at once instead of hanging the test
    return subprocess.run([str(c) for c in command], cwd=cwd, env=env or _plain_console_env(), capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=300, check=False)


def _text(output: bytes) -> str:
    """Readable means valid UTF-8 with no escapes or replacement marks where Chinese should be."""
    text = output.decode("utf-8")
    assert "\\u" not in text and "\ufffd" not in text and "?" * 3 not in text, text
    return text


def _installed_kpicli() -> list[str]:
    """The installed package's command, the one `pip install` put next to this interpreter."""
    script = shutil.which("kpicli", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from kpicli.cli import main; main()"]


def _first_catalogue_item(function: str) -> str:
    lines = (TEMPLATES / f"{function}.csv").read_text(encoding="utf-8-sig").splitlines()
    header, first = lines[0].split(","), lines[1].split(",")
    return first[header.index("触点名称")]


def _workbook_text(path: Path) -> set[str]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None}
    finally:
        wb.close()


# --- the executable ----------------------------------------------------------------------------------------------


def test_help_is_chinese_and_starts_within_a_second(binary: Path, tmp_path: Path) -> None:
    timings = []
    for _ in range(3):  # the best of three: the first run may pay for a cold disk cache
        start = time.perf_counter()
        done = _run([binary, "--help"], tmp_path)
        timings.append(time.perf_counter() - start)
        assert done.returncode == 0, done.stderr
    text = _text(done.stdout)
    assert "用法" in text and "score" in text and "评分" in text, text
    assert min(timings) < 1.0, timings


def test_score_of_the_bundled_sample_writes_the_result(binary: Path, tmp_path: Path) -> None:
    book = Path(shutil.copy(SAMPLE, tmp_path / SAMPLE.name))
    done = _run([binary, "score", book], tmp_path)
    assert done.returncode == 0, _text(done.stderr)
    text = _text(done.stdout)
    assert "职能排名" in text and "结果已写入" in text, text
    written = openpyxl.load_workbook(result_path(book), read_only=True)
    assert "评分汇总" in written.sheetnames, written.sheetnames
    written.close()


@pytest.mark.parametrize("source", ["sample", "standard"])
def test_rank_json_is_identical_to_the_installed_package(binary: Path, tmp_path: Path, source: str) -> None:
    if source == "sample":
        book = Path(shutil.copy(SAMPLE, tmp_path / SAMPLE.name))
    else:
        book = standard_workbook(tmp_path / "2026Q1_客户触点检查表.xlsx")
    frozen = _run([binary, "rank", book.name, "--format", "json"], tmp_path)
    installed = _run([*_installed_kpicli(), "rank", book.name, "--format", "json"], tmp_path)
    assert frozen.returncode == installed.returncode == 0, (frozen.stderr, installed.stderr)
    assert json.loads(frozen.stdout)["functions"], frozen.stdout  # a real result, not two identical errors
    assert frozen.stdout == installed.stdout


def test_template_uses_the_bundled_catalogue(binary: Path, tmp_path: Path) -> None:
    out = tmp_path / "空白.xlsx"
    done = _run([binary, "template", "检查表", "--year", "2026", "--quarter", "1", "-p", "云栖府", "-p", "望江台", "-o", out],
                tmp_path)
    assert done.returncode == 0, _text(done.stderr)
    assert "空白触点检查表已写入" in _text(done.stdout)
    cells = _workbook_text(out)
    assert {_first_catalogue_item("营销"), _first_catalogue_item("物业"), "云栖府", "望江台"} <= cells


def test_check_of_a_broken_file_explains_in_chinese_without_traceback(binary: Path, tmp_path: Path) -> None:
    broken = tmp_path / "2026Q1_客户触点检查表.xlsx"
    broken.write_text("这不是工作簿\n", encoding="utf-8")
    done = _run([binary, "check", broken.name], tmp_path)
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    message = _text(done.stderr)
    assert "错误" in message and broken.name in message and "另存为" in message, message
    assert "Traceback" not in message + _text(done.stdout)


def test_a_workbook_dropped_on_the_executable_is_scored(binary: Path, tmp_path: Path) -> None:
    """Issue #23: Explorer starts kpicli.exe with the dropped files' full paths and no command."""
    folder = tmp_path / "拖放 测试" / "客户触点 检查表"
    folder.mkdir(parents=True)
    book = Path(shutil.copy(SAMPLE, folder / SAMPLE.name))
    done = _run([binary, book.resolve()], binary.parent)  # run from the executable's own folder
    assert done.returncode == 0, _text(done.stderr)
    text = _text(done.stdout)
    assert text.splitlines()[0].startswith(f"正在评分：{book.name}"), text
    assert "职能排名" in text and "结果已写入" in text and "按回车键关闭" not in text, text
    written = openpyxl.load_workbook(result_path(book), read_only=True)
    assert "评分汇总" in written.sheetnames, written.sheetnames
    written.close()
    unknown = _run([binary, "scroe", book.resolve()], binary.parent)
    assert unknown.returncode == 2 and "没有这个命令" in _text(unknown.stderr)


def test_the_executables_folder_has_the_chinese_guide(binary: Path) -> None:
    guide = binary.parent / "使用说明.txt"
    data = guide.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), data[:8]  # UTF-8 with BOM: Notepad shows the Chinese right
    text = data[3:].decode("utf-8")
    assert "\r\n" in text and "\n" not in text.replace("\r\n", ""), "CRLF line ends only"
    assert text.replace("\r\n", "\n") == (ROOT / "packaging" / "使用说明.txt").read_text(encoding="utf-8")


# --- the console shim in packaging/entry.py ------------------------------------------------------------------------


def _entry_module() -> object:
    # Loaded by path: a top-level `packaging` would collide with the PyPI package of that name.
    spec = importlib.util.spec_from_file_location("kpicli_entry", ROOT / "packaging" / "entry.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(("encoding", "expected"), [("ascii", "utf-8"), ("latin-1", "utf-8"), ("gbk", "gbk"),
                                                     ("utf-8", "utf-8")])
def test_entry_shim_makes_narrow_consoles_utf8_and_keeps_chinese_ones(
        monkeypatch: pytest.MonkeyPatch, encoding: str, expected: str) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding)
    monkeypatch.setattr(sys, "stdout", stream)
    _entry_module().make_console_chinese()
    print("错误：第 3 行", end="")
    stream.flush()
    monkeypatch.undo()
    assert stream.encoding.replace("_", "-").lower() == expected
    assert raw.getvalue().decode(expected) == "错误：第 3 行"


# --- the offline wheel -------------------------------------------------------------------------------------------


def test_wheel_contains_every_packaged_template(wheelhouse: Path) -> None:
    wheels = sorted(wheelhouse.glob("kpicli-*.whl"))
    assert len(wheels) == 1, wheels
    names = set(zipfile.ZipFile(wheels[0]).namelist())
    expected = {f"kpicli/templates/{p.relative_to(TEMPLATES).as_posix()}" for p in TEMPLATES.rglob("*")
                if p.is_file() and "__pycache__" not in p.parts}
    assert expected and expected <= names, expected - names


def test_offline_install_from_the_wheelhouse_runs_outside_the_repository(wheelhouse: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    # Only the wheelhouse: no index, no configured mirrors or find-links (this machine's pip.conf has some).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1")
    install = subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", "--no-index",
                              "--find-links", str(wheelhouse), "kpicli"],
                             env=env, capture_output=True, text=True, timeout=600, check=False)
    assert install.returncode == 0, install.stderr

    work = tmp_path / "用户文件夹"  # outside the repository: nothing can come from the checkout
    work.mkdir()
    book = Path(shutil.copy(SAMPLE, work / SAMPLE.name))
    kpicli = bin_dir / "kpicli"
    offline = _run([kpicli, "rank", book.name, "--format", "json"], work)
    installed = _run([*_installed_kpicli(), "rank", book.name, "--format", "json"], work)
    assert offline.returncode == 0, _text(offline.stderr)
    assert offline.stdout == installed.stdout

    template = _run([kpicli, "template", "检查表", "--year", "2026", "--quarter", "2", "-p", "云栖府", "-o", "空白.xlsx"], work)
    assert template.returncode == 0, _text(template.stderr)
    assert _first_catalogue_item("研发") in _workbook_text(work / "空白.xlsx")
