"""The error boundary (issue 18): a bug in kpicli is never disguised as a bad file.

Only what a library raises about the file it reads or writes (python-calamine, openpyxl, zipfile, the operating
system) becomes "the file is unreadable" (exit 2). A fault of kpicli's own code, injected here deep in the reader and
in the writer, reaches the one top-level handler: exit 3, 内部错误 in plain words, never "另存为" or "请重试" (advice
that would send the user to repair a file that is fine). A path the user gave that the operating system refuses
(a file name too long) is the user's to fix: exit 2, the path named.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from builders import run
from samples import CHECKLISTS, QUARTER_NAMES, SCORECARD_NAME, SCORECARDS

import kpicli.api
from kpicli.core.errors import EXIT_INTERNAL, EXIT_USAGE, InputError
from kpicli.io import custom_props, sheetscan, workbook, zipcheck, zipparts

CHECKLIST = CHECKLISTS / QUARTER_NAMES[0]
SCORECARD = SCORECARDS / SCORECARD_NAME
DISGUISES = ("另存为", "请重试", "损坏", "无法读取工作簿", "无法写入")


def _fault(kind: type[Exception]):
    def raise_it(*args: object, **kwargs: object) -> None:
        raise kind("injected fault")

    return raise_it


# kpicli's own code deep in the reader: the sheet scan (inside the calamine read's try) and the XML unescaping
# the scan uses for sheet names
READER_FAULTS = {
    "scan-AttributeError": ("scan_sheets", workbook, AttributeError),
    "unescape-KeyError": ("unescape", sys.modules["kpicli.io.sheetscan"], KeyError),
}
# kpicli's own zip writer, inside atomic_write's try: the fast path's graft and the rows spliced into openpyxl's file
WRITER_FAULTS = {
    "write-AttributeError": ("write", zipparts.Package, AttributeError),
    "read-KeyError": ("read", zipparts.Package, KeyError),
}


def assert_internal(result, *, debug: bool = False) -> str:
    out = result.output
    assert result.exit_code == EXIT_INTERNAL == 3, out
    assert isinstance(result.exception, SystemExit), repr(result.exception)  # handled, not escaped
    assert "内部错误" in out and "injected fault" in out and "kpicli 的缺陷" in out, out
    assert debug or "--debug" in out, out  # how to get the details, unless they are shown already
    for word in DISGUISES:
        assert word not in out, (word, out)
    assert ("Traceback" in out) == debug, out
    return out


# each fault once, each kind once: every case runs kpicli up to the fault
@pytest.mark.parametrize(("fault", "command", "sample"), [("scan-AttributeError", "check", CHECKLIST),
                                                          ("unescape-KeyError", "rank", SCORECARD)],
                         ids=["checklist-scan-AttributeError", "scorecard-unescape-KeyError"])
def test_a_fault_in_the_reader_is_an_internal_error(fault, command, sample, monkeypatch):
    name, owner, kind = READER_FAULTS[fault]
    monkeypatch.setattr(owner, name, _fault(kind))
    assert_internal(run(command, sample))


# kpicli's own code between the library calls, raising what the libraries raise for a bad file (OSError, ValueError,
# MemoryError): the narrow catches wrap only the library calls, so these are bugs too, never "the file is unreadable"
OWN_CODE_FAULTS = {
    "grid-OSError": (workbook, "_mark_errors", OSError),
    "scan-MemoryError": (sheetscan, "_column_index", MemoryError),
    "shapes-OSError": (sheetscan, "number_shapes", OSError),
    "zipcheck-ValueError": (zipcheck, "_prolog_state", ValueError),
}
# the same in the writer's look for kpicli's record (docProps/custom.xml): a bug there is not "no record"
RECORD_FAULT = (custom_props, "_custom_part_name", KeyError)


@pytest.mark.parametrize("fault", list(OWN_CODE_FAULTS))
def test_a_library_like_fault_in_our_own_read_code_is_an_internal_error(fault, monkeypatch):
    owner, name, kind = OWN_CODE_FAULTS[fault]
    monkeypatch.setattr(owner, name, _fault(kind))
    assert_internal(run("check", CHECKLIST))
    with pytest.raises(kind, match="injected fault"):
        kpicli.api.check(CHECKLIST)


def test_a_fault_in_our_own_record_reading_is_an_internal_error(tmp_path, monkeypatch):
    owner, name, kind = RECORD_FAULT
    monkeypatch.setattr(owner, name, _fault(kind))
    assert_internal(run("score", CHECKLIST, "-o", tmp_path / "结果.xlsx"))
    assert list(tmp_path.iterdir()) == []


FOREIGN = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "foreign"


def test_a_truncated_or_foreign_file_is_still_the_users(tmp_path):
    """The narrowed catches still turn what zipfile and calamine raise into the file's refusal (exit 2)."""
    data = CHECKLIST.read_bytes()
    cut = tmp_path / "截断.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    cases = [(cut, "损坏")]
    archive = FOREIGN / "tests_data_reader_null_archive.xlsx"
    if archive.is_file():
        cases.append((archive, "不是 Excel 工作簿"))
    for path, words in cases:
        result = run("check", path)
        assert result.exit_code == EXIT_USAGE, result.output
        assert "内部错误" not in result.output and path.name in result.output and words in result.output, \
            result.output


@pytest.mark.parametrize(("fault", "sample"), [("write-AttributeError", CHECKLIST), ("read-KeyError", SCORECARD)],
                         ids=["checklist-write-AttributeError", "scorecard-read-KeyError"])
@pytest.mark.slow  # over 0.2 s of CPU (0.26 s measured)
def test_a_fault_in_the_writer_is_an_internal_error_and_leaves_nothing(fault, sample, tmp_path, monkeypatch):
    name, owner, kind = WRITER_FAULTS[fault]
    monkeypatch.setattr(owner, name, _fault(kind))
    out = tmp_path / "结果.xlsx"
    assert_internal(run("score", sample, "-o", out))
    assert list(tmp_path.iterdir()) == []  # no result, no temporary file


def test_debug_shows_the_traceback_and_what_to_report(monkeypatch):
    monkeypatch.setattr(workbook, "scan_sheets", _fault(AttributeError))
    out = assert_internal(run("--debug", "check", CHECKLIST), debug=True)
    assert "反馈给维护者" in out and kpicli.__version__ in out, out


def test_the_library_raises_the_bug_itself_not_a_file_error(monkeypatch):
    """kpicli.api callers see the AttributeError, not an InputError telling them to re-save the file."""
    monkeypatch.setattr(workbook, "scan_sheets", _fault(AttributeError))
    with pytest.raises(AttributeError, match="injected fault"):
        kpicli.api.check(CHECKLIST)
    with pytest.raises(AttributeError, match="injected fault"):
        kpicli.api.rank(SCORECARD)


def test_a_file_the_library_cannot_read_is_still_the_files_problem(tmp_path):
    """The narrow catch still catches what it is for: calamine's own errors about a broken sheet part (a cut-off
    XML, a cell pointing past the shared strings), both passing the gatekeeper's checks of the zip."""
    import zipfile

    def broken(name: str, change) -> Path:
        path = tmp_path / name
        with zipfile.ZipFile(CHECKLIST) as src, zipfile.ZipFile(path, "w") as dst:
            for info in src.infolist():
                data = src.read(info.filename)
                dst.writestr(info, change(data) if info.filename == "xl/worksheets/sheet2.xml" else data)
        return path

    cut = broken("截断.xlsx", lambda data: data[: len(data) // 2])
    past = broken("越界.xlsx", lambda data: data.replace(
        b"<sheetData>", b'<sheetData><row r="1"><c r="A1" t="s"><v>99999</v></c></row>', 1))
    for path, words in ((cut, "损坏"), (past, "另存为")):
        with pytest.raises(InputError):
            kpicli.api.check(path)
        result = run("check", path)
        assert result.exit_code == EXIT_USAGE, result.output
        assert "内部错误" not in result.output and path.name in result.output and words in result.output


@pytest.mark.parametrize("sample", [CHECKLIST, SCORECARD], ids=["checklist", "scorecard"])
def test_a_too_long_output_name_is_the_users_problem(sample, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "长" * 100 + ".xlsx"  # 300 bytes in UTF-8: over the 255 bytes of a file name on Linux and macOS
    result = run("score", sample, "-o", name, columns=400)
    assert result.exit_code == EXIT_USAGE, result.output
    assert "内部错误" not in result.output and "Traceback" not in result.output, result.output
    assert name in result.output and "太长" in result.output, result.output
    assert list(tmp_path.iterdir()) == []


def test_a_too_long_per_person_folder_is_the_users_problem(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("score", SCORECARD, "--per-person", "长" * 100, columns=400)
    assert result.exit_code == EXIT_USAGE, result.output
    assert "内部错误" not in result.output and "太长" in result.output and "长" * 100 in result.output, result.output


_CHILD = """
import sys
from kpicli.io import zipparts, workbook

def boom(*args, **kwargs):
    raise {kind}("injected fault")

setattr({owner}, "{name}", boom)
sys.argv = ["kpicli", *sys.argv[1:]]
from kpicli.cli.app import main
main()
"""


@pytest.mark.slow  # real processes: what a user's terminal shows, exit status included
@pytest.mark.parametrize(("where", "owner", "name", "command"), [
    ("reader", "workbook", "scan_sheets", "check"),
    ("writer", "zipparts.Package", "write", "score"),
])
def test_a_real_process_reports_an_injected_fault_as_internal(where, owner, name, command, tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    child = _CHILD.format(kind="AttributeError", owner=owner, name=name)
    args = [command, str(CHECKLIST)] + (["-o", str(tmp_path / "结果.xlsx")] if command == "score" else [])
    for debug in (False, True):
        done = subprocess.run([sys.executable, "-c", child, *(["--debug"] if debug else []), *args],
                              capture_output=True, timeout=120, check=False, env=env)
        err = done.stderr.decode("utf-8", "replace")
        assert done.returncode == 3, err
        assert "内部错误" in err and "injected fault" in err, err
        assert ("Traceback" in err) == debug, err
        assert not any(word in err for word in DISGUISES), err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow  # a real process
def test_a_real_process_says_a_too_long_name_is_the_users(tmp_path):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    name = "长" * 100 + ".xlsx"
    done = subprocess.run([sys.executable, "-m", "kpicli", "score", str(CHECKLIST), "-o", name], cwd=tmp_path,
                          capture_output=True, timeout=120, check=False, env=env)
    err = done.stderr.decode("utf-8", "replace")
    assert done.returncode == 2 and "太长" in err and name in err and "内部错误" not in err, err
