"""Issue #3 through the command line: every bad input is refused cleanly, nothing is ever lost.

Each case goes through `kpicli` itself (Typer's CliRunner) and checks what the analyst sees: the exit code
(1 for data errors, 2 for usage errors and unreadable files), a Chinese message that names the file and, where
there is one, the sheet and cell, the specific advice, and never a Python traceback unless --debug is given.
It also checks what is left on disk: the input byte-identical, no half-written or temporary file, no file
overwritten that kpicli did not write, and an exact backup before --in-place.
"""

from __future__ import annotations

import errno
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from builders import Item, SheetSpec, assert_handled, build_checklist, flat, run, sha256
from openpyxl.workbook.workbook import Workbook

from kpicli.checklist.render.result_book import RESULT_SHEETS
from kpicli.io import sheetscan, zipcheck, zipparts

MiB = 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# result sheets every score writes (others, such as 奖惩分配表, depend on the data; RESULT_SHEETS lists all)
CORE_RESULT_SHEETS = {"评分汇总", "职能排名", "项目排名", "奖惩明细", "问题清单", "明细"}

OK_ITEMS = [
    Item("案场接待", "一级", {"项目甲": ("完成", "完成"), "项目乙": ("完成", "未完成")}, item_id="YX-01"),
    Item("签约资料提醒", "二级", {"项目甲": ("完成", "部分完成"), "项目乙": ("不适用", "不适用")}, item_id="YX-02"),
    Item("工程进展告知", "三级", {"项目甲": ("完成", None), "项目乙": ("完成", "完成")}, item_id="YX-03"),
]


# --- helpers -----------------------------------------------------------------------------------------------------


def assert_clean(result, code: int, *words: str) -> str:
    """Exit code `code`, a Chinese message containing every word, no traceback, no escaped exception."""
    out = result.output
    assert result.exit_code == code, out
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "内部错误" not in out, out
    assert CJK.search(out), out
    for word in words:
        assert flat(word) in flat(out), f"{word!r} not in:\n{out}"
    return out


def listing(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def good_checklist(path: Path, sheets: dict[str, SheetSpec] | None = None) -> Path:
    return build_checklist(path, sheets or {"营销篇": SheetSpec(items=OK_ITEMS)})


def json_problems(result) -> list[dict]:
    return json.loads(result.stdout)["problems"]


def make_cfb(entries: list[tuple[str, int]]) -> bytes:
    """A minimal OLE2 compound file (the container of .xls and of password-protected .xlsx) with named streams."""
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<II", header, 0x2C, 1, 1)  # one FAT sector; the directory starts at sector 1
    struct.pack_into("<IIII", header, 0x38, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)
    struct.pack_into("<109I", header, 0x4C, 0, *[0xFFFFFFFF] * 108)
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE, *[0xFFFFFFFF] * 125)
    directory = bytearray(512)
    for index, (name, kind) in enumerate([("Root Entry", 5), *entries]):
        raw = (name + "\0").encode("utf-16-le")
        directory[index * 128 : index * 128 + len(raw)] = raw
        struct.pack_into("<H", directory, index * 128 + 0x40, len(raw))
        directory[index * 128 + 0x42] = kind
    return bytes(header) + fat + bytes(directory) + bytes(512)


def copy_zip(src: Path, dst: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def sheet_member(path: Path, sheet: str) -> str:
    """The zip member holding a worksheet, found through the workbook and its relationships."""
    with zipfile.ZipFile(path) as zf:
        book = zf.read("xl/workbook.xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet[^>]*name="{re.escape(sheet)}"[^>]*r:id="([^"]+)"', book).group(1)
    target = re.search(rf'<Relationship[^>]*Id="{rid}"[^>]*Target="([^"]+)"', rels)
    if target is None:
        target = re.search(rf'<Relationship[^>]*Target="([^"]+)"[^>]*Id="{rid}"', rels)
    name = target.group(1).lstrip("/")
    return name if name.startswith("xl/") else f"xl/{name}"


# --- unreadable inputs -------------------------------------------------------------------------------------------

COMMANDS = ["check", "rank", "score"]


def _missing(tmp: Path) -> Path:
    return tmp / "缺失的检查表.xlsx"


def _folder(tmp: Path) -> Path:
    path = tmp / "二季度.xlsx"
    path.mkdir()
    return path


def _empty(tmp: Path) -> Path:
    path = tmp / "空文件.xlsx"
    path.write_bytes(b"")
    return path


def _text_renamed(tmp: Path) -> Path:
    path = tmp / "说明.xlsx"
    path.write_text("这是一份说明文字 没有分隔符\n第二行\n", encoding="utf-8")
    return path


def _csv_renamed(tmp: Path) -> Path:
    path = tmp / "导出.xlsx"
    path.write_text("触点名称,触点等级,项目甲\n案场接待,一级,完成\n", encoding="gbk")
    return path


def _csv(tmp: Path) -> Path:
    path = tmp / "导出.csv"
    path.write_text("触点名称,触点等级,项目甲\n案场接待,一级,完成\n", encoding="utf-8-sig")
    return path


def _ods(tmp: Path) -> Path:
    path = tmp / "检查表.ods"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return path


def _ods_renamed(tmp: Path) -> Path:
    return _ods(tmp).rename(tmp / "检查表.xlsx")


def _truncated(tmp: Path) -> Path:
    source = good_checklist(tmp / "完整.xlsx")
    path = tmp / "半截.xlsx"
    data = source.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    source.unlink()
    return path


def _corrupt(tmp: Path) -> Path:
    source = good_checklist(tmp / "完整.xlsx")
    data = bytearray(source.read_bytes())
    start = data.index(b"PK\x03\x04", 100)  # the second member's local header: overwrite its compressed bytes
    data[start + 60 : start + 400] = bytes(340)
    source.unlink()
    path = tmp / "损坏.xlsx"
    path.write_bytes(bytes(data))
    return path


def _legacy_xls(tmp: Path) -> Path:
    path = tmp / "旧版检查表.xls"
    path.write_bytes(make_cfb([("Workbook", 2), ("\x05SummaryInformation", 2)]))
    return path


def _encrypted(tmp: Path) -> Path:
    path = tmp / "加密检查表.xlsx"
    path.write_bytes(make_cfb([("\x06DataSpaces", 1), ("EncryptionInfo", 2), ("EncryptedPackage", 2)]))
    return path


def _excel_lock(tmp: Path) -> Path:
    path = tmp / "~$检查表.xlsx"
    path.write_bytes(b"\x08analyst" + b"\x20" * 150)
    return path


def _libreoffice_lock(tmp: Path) -> Path:
    path = tmp / ".~lock.检查表.xlsx#"
    path.write_text("analyst,host,host,23.11.2026 09:00,file:///tmp;\n", encoding="utf-8")
    return path


def _no_function_sheet(tmp: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = "汇总"
    wb.create_sheet("人员")
    wb["汇总"]["A1"] = "触点名称"
    path = tmp / "别的表.xlsx"
    wb.save(path)
    return path


UNREADABLE = [
    pytest.param(_missing, ["文件不存在", "缺失的检查表.xlsx", "请检查路径"], id="missing"),
    pytest.param(_folder, ["二季度.xlsx", "文件夹", "不是工作簿"], id="folder"),
    pytest.param(_empty, ["空文件.xlsx", "0字节", "重新获取"], id="empty"),
    pytest.param(_text_renamed, ["说明.xlsx", "不是有效的Excel工作簿", "改了扩展名", "另存为"], id="text-renamed"),
    pytest.param(_csv_renamed, ["导出.xlsx", "CSV", "另存为"], id="csv-renamed"),
    pytest.param(_csv, ["导出.csv", "CSV", "另存为"], id="csv"),
    pytest.param(_ods, ["检查表.ods", "OpenDocument", "另存为"], id="ods"),
    pytest.param(_ods_renamed, ["检查表.xlsx", "OpenDocument", "另存为"], id="ods-renamed"),
    pytest.param(_truncated, ["半截.xlsx", "损坏", "重新获取"], id="truncated-zip"),
    pytest.param(_corrupt, ["损坏.xlsx", "损坏", "重新获取"], id="corrupt-zip"),
    pytest.param(_legacy_xls, ["旧版检查表.xls", "97-2003", "另存为", ".xlsx"], id="legacy-xls"),
    pytest.param(_encrypted, ["加密检查表.xlsx", "密码", "清除密码"], id="encrypted"),
    pytest.param(_excel_lock, ["~$检查表.xlsx", "锁文件", "不是工作簿", "请选择原文件"], id="excel-lock"),
    pytest.param(_libreoffice_lock, [".~lock.检查表.xlsx#", "锁文件", "请选择原文件"], id="libreoffice-lock"),
    pytest.param(_no_function_sheet, ["别的表.xlsx", "没有任何职能工作表", "汇总", "人员", "营销篇", "物业篇"],
                 id="no-function-sheet"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("make", "words"), UNREADABLE)
def test_unreadable_input_is_refused_with_exit_2(tmp_path: Path, make, words: list[str], command: str) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    path = make(folder)
    digest = sha256(path) if path.is_file() else None
    before = listing(folder)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    args = [command, path] + (["-o", out_dir / "结果.xlsx"] if command == "score" else [])
    assert_clean(run(*args), 2, *words)
    assert listing(out_dir) == set()
    assert listing(folder) == before  # no default output, no temporary file beside the input
    if digest is not None:
        assert sha256(path) == digest


def test_score_without_output_option_writes_nothing_for_an_unreadable_file(tmp_path: Path) -> None:
    path = _truncated(tmp_path)
    assert_clean(run("score", path), 2, "损坏")
    assert listing(tmp_path) == {path.name}


def test_legacy_and_encrypted_ole_files_are_told_apart(tmp_path: Path) -> None:
    legacy = assert_clean(run("check", _legacy_xls(tmp_path)), 2)
    encrypted = assert_clean(run("check", _encrypted(tmp_path)), 2)
    assert "97-2003" in legacy and "密码" not in legacy
    assert "密码" in encrypted and "97-2003" not in encrypted


def test_debug_shows_the_traceback_and_nothing_else_does(tmp_path: Path) -> None:
    path = _truncated(tmp_path)
    plain = run("check", path)
    assert_handled(plain, 2)
    # kpicli itself prints the traceback under --debug: these checks can fail, unlike CliRunner's own
    assert "Traceback" not in plain.output
    debug = run("--debug", "check", path)
    assert debug.exit_code == 2
    assert "Traceback" in debug.output and "损坏" in debug.output
    again = run("check", path)  # --debug does not stick to the next run
    assert again.exit_code == 2 and "Traceback" not in again.output


def test_internal_error_has_no_traceback_without_debug(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kpicli.api

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(kpicli.api, "check", boom)
    path = good_checklist(tmp_path / "q.xlsx")
    plain = run("check", path)
    assert plain.exit_code == 3  # an internal error: not the usage or file error of exit 2
    assert isinstance(plain.exception, SystemExit), repr(plain.exception)  # the bug did not escape kpicli
    assert "Traceback" not in plain.output and "内部错误" in plain.output and "--debug" in plain.output
    debug = run("--debug", "check", path)
    assert debug.exit_code == 3 and "Traceback" in debug.output and "simulated bug" in debug.output


_BUGGY_CHILD = """
import sys
import kpicli.api

def boom(*args, **kwargs):
    raise RuntimeError("simulated bug")

kpicli.api.check = boom
sys.argv = ["kpicli", *sys.argv[1:]]
from kpicli.cli.app import main
main()
"""


@pytest.mark.slow  # real processes: CliRunner never prints a traceback, Python does
def test_a_real_process_prints_no_traceback_unless_debug(tmp_path: Path) -> None:
    """What a user's terminal shows (stderr of the console entry point), for a broken file and for a bug."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    def kpicli(*args: object, buggy: bool = False) -> tuple[int, str]:
        code = ["-c", _BUGGY_CHILD] if buggy else ["-m", "kpicli"]
        done = subprocess.run([sys.executable, *code, *map(str, args)], capture_output=True, timeout=120,
                              check=False, env=env)
        return done.returncode, done.stderr.decode("utf-8", "replace")

    broken = _truncated(tmp_path)
    code, err = kpicli("check", broken)
    assert code == 2 and "Traceback" not in err and "损坏" in err and broken.name in err, err
    code, err = kpicli("check", broken, "--no-such-option")
    assert code == 2 and "Traceback" not in err and "--no-such-option" in err, err
    good = good_checklist(tmp_path / "q.xlsx")
    code, err = kpicli("check", good, buggy=True)
    assert code == 3 and "Traceback" not in err and "内部错误" in err and "--debug" in err, err
    code, err = kpicli("--debug", "check", good, buggy=True)  # the same check does see a traceback
    assert code == 3 and "Traceback" in err and "simulated bug" in err, err


# --- usage errors ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        pytest.param(["check", "{file}", "--bogus"], ["没有选项", "--bogus"], id="unknown-option"),
        pytest.param(["rank", "{file}", "--format", "xml"], ["--format", "xml"], id="bad-format"),
        pytest.param(["frobnicate"], ["没有这个命令", "frobnicate"], id="unknown-command"),
        pytest.param(["score", "{file}", "--in-place", "-o", "{out}"], ["--in-place", "不能同时使用"],
                     id="in-place-with-output"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], words: list[str]) -> None:
    path = good_checklist(tmp_path / "q.xlsx")
    digest = sha256(path)
    filled = [a.format(file=path, out=tmp_path / "r.xlsx") for a in args]
    assert_clean(run(*filled), 2, *words)
    assert sha256(path) == digest and listing(tmp_path) == {"q.xlsx"}


@pytest.mark.parametrize("command", ["check", "score"])
def test_missing_file_argument_is_a_usage_error(command: str) -> None:
    assert_clean(run(command), 2, "缺少参数")


@pytest.mark.parametrize("option", [["--quarter", "5"], ["--year", "abc"]])
def test_bad_option_values_are_explained_in_chinese(tmp_path: Path, option: list[str]) -> None:
    path = good_checklist(tmp_path / "q.xlsx")
    out = assert_clean(run("rank", path, *option), 2, option[0])
    assert not re.search(r"[A-Za-z]{4,}\s+[a-z]{2,}\s+[a-z]{2,}", out.replace(option[0], "")), out


# --- broken checklists: every error of the contract names its cell and exits 1 -------------------------------------

POINTS_COLUMNS = ("触点编号", "触点名称", "触点等级", "分值")


def _row2(item: Item, sheet: str = "营销篇", **spec: object) -> dict[str, SheetSpec]:
    """OK item in row 5, the broken one in row 6 (layout v1: title row 1, header row 3, sub-headers row 4)."""
    return {sheet: SheetSpec(items=[OK_ITEMS[0], item], **spec)}


BROKEN = [
    # (sheets, expected errors as (sheet, cell or None), words in the message)
    pytest.param(_row2(Item("签约", "二级", {"项目甲": ("完成", "进行中")})), [("营销篇", "J6")], ["进行中"],
                 id="unknown-result-value"),
    pytest.param(_row2(Item("签约", "二级", {"项目甲": ("进行中", None)})), [("营销篇", "I6")], ["进行中"],
                 id="unknown-self-check-value"),
    pytest.param(_row2(Item("签约", "二级", {"项目甲": ("完成", 85)})), [("营销篇", "J6")], ["85", "85%"],
                 id="number-85"),
    pytest.param(_row2(Item("签约", "二级", {"项目甲": ("完成", 2)})), [("营销篇", "J6")], ["「2」"], id="number-2"),
    pytest.param(_row2(Item("签约", "二级", {"项目甲": ("完成", "好")}), sheet="工程篇"), [("工程篇", "J6")], ["好"],
                 id="unknown-word-engineering"),  # in 检查: a word in 自查 beside a filled 检查 is only a warning
    pytest.param(_row2(Item(None, "二级", {"项目甲": ("完成", "完成")})), [("营销篇", "D6")], ["没有触点名称"],
                 id="results-without-name"),
    pytest.param({"营销篇": SheetSpec(items=OK_ITEMS[:1], groups=["项目甲", "项目甲"])}, [("营销篇", "L3")],
                 ["项目甲", "两次"], id="two-groups-one-name"),
    pytest.param({"营销篇": SheetSpec(items=OK_ITEMS[:1], subheaders=("自查", "检查", "复查"))}, [("营销篇", "K4")],
                 ["两列", "检查"], id="group-with-two-check-columns"),
    pytest.param({"营销篇": SheetSpec(items=OK_ITEMS[:1]), "营销篇(二)": SheetSpec(items=OK_ITEMS[:1])},
                 [("营销篇(二)", None)], ["营销", "两张工作表", "营销篇", "营销篇(二)"], id="two-sheets-one-function"),
    pytest.param({"物业篇": SheetSpec(items=OK_ITEMS[:1], columns=("序号", "名称", "触点等级"))}, [("物业篇", None)],
                 ["触点名称", "表头"], id="missing-name-header"),
    pytest.param({"营销篇": SheetSpec(items=OK_ITEMS[:1], columns=("触点编号", "触点名称", "标准动作"))},
                 [("营销篇", "A3")], ["触点等级"], id="missing-level-column"),
    pytest.param(_row2(Item("签约", None, {"项目甲": ("完成", "完成")})), [("营销篇", "E6")], ["触点等级", "一级"],
                 id="missing-level"),
    pytest.param(_row2(Item("签约", "四级", {"项目甲": ("完成", "完成")})), [("营销篇", "E6")], ["触点等级"],
                 id="unknown-level"),
    pytest.param(_row2(Item("签约", "二级", {"项目甲": ("完成", "完成")}, points=-2), columns=POINTS_COLUMNS),
                 [("营销篇", "D6")], ["分值", "不小于0"], id="negative-points"),
    pytest.param(_row2(Item("签约", "二级", {"项目甲": ("完成", "完成")}, points="很多"), columns=POINTS_COLUMNS),
                 [("营销篇", "D6")], ["分值", "很多"], id="non-numeric-points"),
    pytest.param(_row2(Item("签约", "二级", {"项目甲": ("完成", "完成")}, item_id="YX-01")), [("营销篇", "B6")],
                 ["触点编号", "重复"], id="duplicate-item-id"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("sheets", "expected", "words"), BROKEN)
def test_broken_checklist_names_the_cell_and_exits_1(
    tmp_path: Path, sheets: dict[str, SheetSpec], expected: list[tuple[str, str | None]], words: list[str]
) -> None:
    path = build_checklist(tmp_path / "有错的检查表.xlsx", sheets)
    digest = sha256(path)
    out = assert_clean(run("check", path), 1, "有错的检查表.xlsx", *words)
    for sheet, cell in expected:
        where = f"{sheet}!{cell}" if cell else sheet
        assert flat(where) in flat(out), f"{where} not in:\n{out}"

    problems = json_problems(assert_clean_json(run("rank", path, "--format", "json")))
    errors = {(p["sheet"], p["cell"]) for p in problems if p["level"] == "error"}
    assert set(expected) <= errors, problems
    assert all(p["sheet"] for p in problems if p["level"] == "error")

    target = tmp_path / "结果.xlsx"
    assert_clean(run("score", path, "-o", target), 1, "有错的检查表.xlsx", "未写入")
    assert_clean(run("score", path), 1)
    assert not target.exists()
    assert listing(tmp_path) == {path.name}
    assert sha256(path) == digest


def assert_clean_json(result):
    assert result.exit_code == 1, result.output
    assert_handled(result)
    return result


def test_duplicate_group_is_reported_once(tmp_path: Path) -> None:
    path = build_checklist(tmp_path / "q.xlsx", {"营销篇": SheetSpec(items=OK_ITEMS[:1], groups=["项目甲", "项目甲"])})
    problems = json_problems(run("rank", path, "--format", "json"))
    errors = [(p["cell"], p["message"]) for p in problems if p["level"] == "error"]
    assert len(errors) == 1, errors


@pytest.mark.slow  # over 0.2 s of CPU (0.23 s measured)
def test_negative_points_message_shows_the_value_as_typed(tmp_path: Path) -> None:
    sheets = _row2(Item("签约", "二级", {"项目甲": ("完成", "完成")}, points=-2), columns=POINTS_COLUMNS)
    path = build_checklist(tmp_path / "q.xlsx", sheets)
    problems = json_problems(run("rank", path, "--format", "json"))
    message = next(p["message"] for p in problems if p["cell"] == "D6")
    assert "「-2」" in message, message


@pytest.mark.parametrize("error_value", ["#N/A", "#DIV/0!", "#REF!"])
def test_excel_error_value_in_a_result_cell_is_an_error(tmp_path: Path, error_value: str) -> None:
    path = build_checklist(tmp_path / "q.xlsx", _row2(Item("签约", "二级", {"项目甲": ("完成", error_value)})))
    with zipfile.ZipFile(path) as zf:  # openpyxl stores these as error cells, as Excel does
        assert 't="e"' in zf.read(sheet_member(path, "营销篇")).decode()
    assert_clean(run("check", path), 1, "营销篇!J6", error_value)


# --- hostile inputs ----------------------------------------------------------------------------------------------


def _huge_sheet(base: Path, dst: Path, size: int) -> Path:
    """`base` with its 营销篇 worksheet replaced by `size` bytes of XML, mostly white space, deflated on the fly."""
    member = sheet_member(base, "营销篇")
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != member:
                zout.writestr(info.filename, zin.read(info))
        target = zipfile.ZipInfo(member)
        target.compress_type = zipfile.ZIP_DEFLATED
        head = b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet xmlns="http://schemas.openxmlformats.org/' \
               b'spreadsheetml/2006/main"><sheetData>'
        tail = b"</sheetData></worksheet>"
        with zout.open(target, "w", force_zip64=True) as stream:
            stream.write(head)
            chunk = b" " * MiB
            left = size - len(head) - len(tail)
            while left > 0:
                stream.write(chunk[: min(left, MiB)])
                left -= MiB
            stream.write(tail)
    return dst


@pytest.mark.slow  # inflates a bomb up to the limit
def test_zip_bomb_is_refused_naming_the_limit(tmp_path: Path) -> None:
    base = good_checklist(tmp_path / "base.xlsx")
    size = zipcheck.MAX_UNCOMPRESSED_BYTES + 10 * MiB
    bomb = _huge_sheet(base, tmp_path / "炸弹.xlsx", size)
    assert bomb.stat().st_size < 2 * MiB  # a real bomb: small on disk
    digest = sha256(bomb)
    limit = f"{zipcheck.MAX_UNCOMPRESSED_BYTES // MiB}MB"
    for command in COMMANDS:
        args = [command, bomb] + (["-o", tmp_path / "r.xlsx"] if command == "score" else [])
        assert_clean(run(*args), 2, "炸弹.xlsx", limit, "上限", "已拒绝读取")
    assert sha256(bomb) == digest and not (tmp_path / "r.xlsx").exists()


def test_compression_ratio_bomb_is_refused_naming_the_limit(tmp_path: Path) -> None:
    base = good_checklist(tmp_path / "base.xlsx")
    bomb = _huge_sheet(base, tmp_path / "高压缩.xlsx", 8 * MiB)
    assert_clean(run("check", bomb), 2, "高压缩.xlsx", f"{zipcheck.MAX_COMPRESSION_RATIO}:1", "上限")


LAUGHS = "".join(
    f'<!ENTITY lol{i} "{ref * 10}">' for i, ref in enumerate(["&lol;"] + [f"&lol{n};" for n in range(1, 9)], start=1)
)
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<!DOCTYPE lolz [<!ENTITY lol "lol">{LAUGHS}]>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>&lol9;</t></si></sst>"
).encode()


def _with_shared_strings(base: Path, dst: Path, shared: bytes) -> Path:
    """`base` plus an xl/sharedStrings.xml part, registered as Excel registers it."""
    with zipfile.ZipFile(base) as zf:
        types = zf.read("[Content_Types].xml").decode()
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
    types = types.replace("</Types>", '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.'
                          'openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    rels = rels.replace("</Relationships>", '<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/'
                        'officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    return copy_zip(base, dst, replace={"[Content_Types].xml": types.encode(), "xl/_rels/workbook.xml.rels":
                                        rels.encode()}, add={"xl/sharedStrings.xml": shared})


def test_entity_bomb_in_shared_strings_is_refused(tmp_path: Path) -> None:
    base = good_checklist(tmp_path / "base.xlsx")
    bomb = _with_shared_strings(base, tmp_path / "实体炸弹.xlsx", BILLION_LAUGHS)
    digest = sha256(bomb)
    for command in COMMANDS:
        args = [command, bomb] + (["-o", tmp_path / "r.xlsx"] if command == "score" else [])
        assert_clean(run(*args), 2, "实体炸弹.xlsx", "XML实体", "已拒绝读取")
    assert sha256(bomb) == digest and not (tmp_path / "r.xlsx").exists()


def test_external_entity_in_a_worksheet_is_refused(tmp_path: Path) -> None:
    base = good_checklist(tmp_path / "base.xlsx")
    member = sheet_member(base, "营销篇")
    with zipfile.ZipFile(base) as zf:
        xml = zf.read(member).decode()
    xxe = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    xml = re.sub(r"(<\?xml[^>]*\?>)", lambda m: m.group(1) + xxe, xml, count=1) if xml.startswith("<?xml") \
        else xxe + xml
    bad = copy_zip(base, tmp_path / "外部实体.xlsx", replace={member: xml.encode()})
    assert_clean(run("check", bad), 2, "外部实体.xlsx", "XML实体")


def test_sheet_beyond_the_row_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheetscan, "MAX_ROWS", 50)
    items = [Item(f"触点{i}", "一级", {"项目甲": ("完成", "完成")}) for i in range(60)]
    path = build_checklist(tmp_path / "超长.xlsx", {"营销篇": SheetSpec(items=items)})
    for command in COMMANDS:
        args = [command, path] + (["-o", tmp_path / "r.xlsx"] if command == "score" else [])
        assert_clean(run(*args), 2, "营销篇", "上限", "50行")
    assert not (tmp_path / "r.xlsx").exists()


def test_sheet_beyond_the_column_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheetscan, "MAX_COLS", 10)
    path = good_checklist(tmp_path / "超宽.xlsx")  # 8 item columns + 2 groups × 3 = 14 columns
    assert_clean(run("check", path), 2, "营销篇", "上限", "10列")


def test_row_bound_message_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheetscan, "MAX_ROWS", 50)
    items = [Item(f"触点{i}", "一级", {"项目甲": ("完成", "完成")}) for i in range(60)]
    path = build_checklist(tmp_path / "超长.xlsx", {"营销篇": SheetSpec(items=items)})
    assert_clean(run("check", path), 2, "超长.xlsx")


@pytest.mark.slow  # over 0.2 s of CPU (0.33 s measured)
def test_a_too_large_sheet_beside_the_checklist_is_skipped_and_said(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                                    ) -> None:
    """A checklist's other sheets are read only to tell the kinds apart: one too large is left out, with a line."""
    monkeypatch.setattr(sheetscan, "MAX_ROWS", 50)
    path = good_checklist(tmp_path / "带数据表.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("数据")["A80"] = "留在远处的内容"
    wb.save(path)
    checked = run("check", path)
    assert_handled(checked, 0)
    assert "工作表「数据」的使用范围太大" in flat(checked.output) and "已跳过" in checked.output
    plain = good_checklist(tmp_path / "没有数据表.xlsx")
    assert run("rank", path, "--format", "json").stdout.count('"score"') == run("rank", plain, "--format",
                                                                                "json").stdout.count('"score"')


def test_a_too_large_sheet_in_a_workbook_without_checklist_sheets_is_still_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without checklist sheets every sheet may be a person's scorecard: none is skipped silently."""
    monkeypatch.setattr(sheetscan, "MAX_ROWS", 50)
    wb = Workbook()
    wb.active.title = "张三"
    wb.active["A80"] = "x"
    path = tmp_path / "考核表.xlsx"
    wb.save(path)
    assert_clean(run("check", path), 2, "张三", "上限", "50行")


_CHILD = """
import resource, sys
limit = int(sys.argv[1])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
sys.argv = ["kpicli", "check", sys.argv[2]]
from kpicli.cli.app import main
main()
"""


@pytest.mark.slow  # a child process each
@pytest.mark.skipif(sys.platform != "linux", reason="needs RLIMIT_AS to bound the child's memory")
@pytest.mark.parametrize("far_cell", ["XFD1048576", "ZZ190000"])
def test_one_far_away_cell_is_handled_within_bounded_memory(tmp_path: Path, far_cell: str) -> None:
    path = good_checklist(tmp_path / "远处.xlsx")
    wb = openpyxl.load_workbook(path)
    wb["营销篇"][far_cell] = "x"
    wb.save(path)
    digest = sha256(path)
    env = {**os.environ, "RUST_BACKTRACE": "0", "PYTHONIOENCODING": "utf-8"}
    child = subprocess.run([sys.executable, "-c", _CHILD, str(2 * 1024 * MiB), str(path)], capture_output=True,
                           timeout=120, check=False, env=env)
    err = child.stdout.decode("utf-8", "replace") + child.stderr.decode("utf-8", "replace")
    # both ranges exceed the cell limit (20,000,000): refused by size, before anything is allocated
    assert child.returncode == 2, f"exit {child.returncode}: {err[:1000]}"
    assert "Traceback" not in err and "panicked" not in err
    assert "上限" in err and "远处.xlsx" in err, err
    assert sha256(path) == digest


# --- formula injection -------------------------------------------------------------------------------------------

INJECTED = {
    "sheet": "=营销篇",
    "project": '=HYPERLINK("http://example.invalid/?leak","点我")',
    "name": "+1+1",
    "name2": "@SUM(A1:A9)",
    "item_id": "-2",
    "item_id2": "=1+1",
    "remark": "@SUM(A1)",
    "remark2": "-cmd|' /C calc'!A0",
    "company": "=cmd|' /C calc'!A0",
    "extra_header": "+额外列",
}


def _text(ws, coordinate: str, value: object) -> None:
    """Write a cell that stays text even when it starts with '=' (openpyxl would write a formula)."""
    ws[coordinate] = value
    if isinstance(value, str):
        ws[coordinate].data_type = "s"


def _injection_workbook(path: Path) -> Path:
    wb = openpyxl.Workbook()
    info = wb.active
    info.title = "基本信息"
    for r, (label, value) in enumerate([("公司名称", INJECTED["company"]), ("年度", 2026), ("季度", 1)], start=1):
        _text(info, f"A{r}", label)
        _text(info, f"B{r}", value)
    ws = wb.create_sheet(INJECTED["sheet"])
    _text(ws, "A1", "客户触点分级管理检查表")
    for col, header in zip("ABCDE", ["触点编号", "触点名称", "触点等级", INJECTED["extra_header"],
                                     INJECTED["project"]], strict=True):
        _text(ws, f"{col}3", header)
    ws.merge_cells("E3:G3")
    for col, sub in zip("EFG", ["自查", "检查", "备注"], strict=True):
        _text(ws, f"{col}4", sub)
    rows = [
        (INJECTED["item_id"], INJECTED["name"], "一级", "完成", "未完成", INJECTED["remark"]),  # a 自查偏差 row
        (INJECTED["item_id2"], INJECTED["name2"], "二级", "完成", "完成", INJECTED["remark2"]),
    ]
    for r, (item_id, name, level, self_check, check, remark) in enumerate(rows, start=5):
        for col, value in zip("ABCEFG", [item_id, name, level, self_check, check, remark], strict=True):
            _text(ws, f"{col}{r}", value)
    wb.save(path)
    return path


@pytest.mark.slow  # over 0.2 s of CPU (0.30 s measured)
def test_text_from_the_workbook_is_written_as_text_never_as_a_formula(tmp_path: Path) -> None:
    path = _injection_workbook(tmp_path / "注入.xlsx")
    digest = sha256(path)
    target = tmp_path / "结果.xlsx"
    result = run("score", path, "-o", target)
    assert result.exit_code == 0, result.output
    assert sha256(path) == digest

    texts = {v for v in INJECTED.values()}
    wb = openpyxl.load_workbook(target)
    assert CORE_RESULT_SHEETS <= set(wb.sheetnames)
    found: set[str] = set()
    for name in wb.sheetnames:
        for row in wb[name].iter_rows():
            for cell in row:
                if name in RESULT_SHEETS:
                    assert cell.data_type != "f", f"{name}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                    assert cell.data_type == "s", f"{name}!{cell.coordinate}: {cell.value!r} ({cell.data_type})"
                    found.update(t for t in texts if t in cell.value)
    # the texts did reach the result sheets (else the test would prove nothing)
    assert {INJECTED["project"], INJECTED["name"], INJECTED["item_id"], INJECTED["item_id2"], INJECTED["name2"],
            INJECTED["company"]} <= found
    detail = wb["明细"]
    assert any(isinstance(c.value, str) and c.value.startswith(INJECTED["sheet"] + "!")
               for row in detail.iter_rows() for c in row)

    with zipfile.ZipFile(target) as zf:
        for member in zf.namelist():
            if not member.startswith("xl/worksheets/") or not member.endswith(".xml"):
                continue
            xml = zf.read(member).decode("utf-8")
            formulas = re.findall(r"<(?:\w+:)?f\b[^>]*>(.*?)</(?:\w+:)?f>", xml, re.S)
            assert formulas == [], f"{member}: {formulas}"
        book = zf.read("xl/workbook.xml").decode("utf-8")
        for name in re.findall(r"<definedName[^>]*>(.*?)</definedName>", book):
            assert "HYPERLINK" not in name and "cmd|" not in name


# --- nothing lost ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{file}"],
        ["rank", "{file}"],
        ["rank", "{file}", "--format", "json"],
        ["explain", "{file}", "--function", "营销"],
        ["explain", "{file}", "--project", "项目甲"],
        ["score", "{file}"],
        # over 0.2 s of CPU (0.22 s measured); the quick loop writes to -o in the next case
        pytest.param(["score", "{file}", "-o", "{out}"], marks=pytest.mark.slow),
        ["score", "{file}", "--format", "json", "-o", "{out}"],
    ],
    ids=lambda a: " ".join(a[:1] + a[2:]),
)
def test_every_command_leaves_the_input_byte_identical(tmp_path: Path, args: list[str]) -> None:
    path = good_checklist(tmp_path / "q.xlsx")
    digest, stat = sha256(path), path.stat()
    result = run(*[a.format(file=path, out=tmp_path / "r.xlsx") for a in args])
    assert result.exit_code == 0, result.output
    assert_handled(result)
    assert sha256(path) == digest and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert not list(tmp_path.glob(".~kpicli-*"))


@pytest.fixture
def scored(tmp_path: Path) -> tuple[Path, Path]:
    """A checklist and an earlier result kpicli wrote for it."""
    path = good_checklist(tmp_path / "q.xlsx")
    target = tmp_path / "结果.xlsx"
    assert run("score", path, "-o", target).exit_code == 0
    return path, target


def _assert_target_intact_or_valid(result, target: Path, earlier: str | None) -> None:
    """After a crash while writing: either kpicli recovered and wrote a complete result (exit 0), or it failed
    (exit 2, Chinese message) and the target is exactly what it was before (absent, or the earlier result)."""
    assert_handled(result)
    if result.exit_code == 0:
        assert CORE_RESULT_SHEETS <= set(openpyxl.load_workbook(target).sheetnames)
    else:
        assert result.exit_code == 2 and CJK.search(result.output), result.output
        assert (sha256(target) if target.exists() else None) == earlier


@pytest.mark.slow
@pytest.mark.parametrize("crash", [RuntimeError("simulated crash while saving"), KeyboardInterrupt()],
                         ids=["error", "ctrl-c"])
def test_crash_mid_save_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               scored: tuple[Path, Path], crash: BaseException) -> None:
    path, target = scored
    digest, earlier = sha256(path), sha256(target)
    saved_to: list[Path] = []

    def half_save(self: Workbook, filename: object) -> None:
        saved_to.append(Path(filename))
        Path(filename).write_bytes(b"PK\x03\x04" + b"half a workbook" * 100)
        raise crash

    monkeypatch.setattr(Workbook, "save", half_save)
    fresh = tmp_path / "新结果.xlsx"
    for out, before in ((target, earlier), (fresh, None)):
        result = run("score", path, "-o", out)
        assert isinstance(result.exception, SystemExit), repr(result.exception)
        if isinstance(crash, KeyboardInterrupt):
            assert result.exit_code == 130  # the shell's convention for Ctrl-C
        else:  # a RuntimeError out of the save is a bug, said as one (exit 3), never "try again"
            assert result.exit_code == 3 and "内部错误" in result.output and "请重试" not in result.output
        assert (sha256(out) if out.exists() else None) == before  # every save fails: nothing was written
    assert saved_to
    for tmp in saved_to:  # written to a temporary file beside the target, never to the target itself
        assert tmp.parent == tmp_path and tmp.name.startswith(".~kpicli-"), tmp
    assert sha256(target) == earlier  # the earlier result is intact
    assert not fresh.exists()
    assert sha256(path) == digest
    assert listing(tmp_path) == {"q.xlsx", "结果.xlsx"}  # no temporary file left behind


def _crash_on_writestr(monkeypatch: pytest.MonkeyPatch, crash_at: set[int]) -> list[str]:
    """Record the zip file of every member written (by openpyxl's save through zipfile, and by kpicli's own zip
    writer, zipparts.write_zip, which writes the fast path's final package and any rewriting of it); raise an I/O
    error (what a disk or network drive failing mid-write gives) at the members numbered in `crash_at` (1-based)."""
    real = zipfile.ZipFile.writestr
    real_zip = zipparts.write_zip
    archives: list[str] = []

    def crash_here(archive: object) -> None:
        archives.append(str(archive))
        if len(archives) in crash_at:
            raise OSError(errno.EIO, "simulated I/O error while writing a zip member")

    def writestr(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        crash_here(self.filename)
        return real(self, *args, **kwargs)

    def write_zip(path: Path, members, level: int) -> None:
        def counted():
            for member in members:
                crash_here(path)  # after the members before it are written to the file
                yield member

        return real_zip(path, counted(), level)

    monkeypatch.setattr(zipfile.ZipFile, "writestr", writestr)
    monkeypatch.setattr(zipparts, "write_zip", write_zip)
    return archives


def _stage_ends(archives: list[str], offset: int = 0) -> list[int]:
    """First and last 1-based call number of each run of calls into one zip file (one run per stage of writing
    the result: openpyxl's save, then any rewriting of the package), `offset` added."""
    ends: list[int] = []
    for call, name in enumerate(archives, start=1):
        if call == 1 or archives[call - 2] != name:
            ends.append(call + offset)
        if call == len(archives) or archives[call] != name:
            ends.append(call + offset)
    return sorted(set(ends))


def _write_with(monkeypatch: pytest.MonkeyPatch, path: Path, out: Path, crash_at: set[int]):
    with monkeypatch.context() as m:
        archives = _crash_on_writestr(m, crash_at)
        result = run("score", path, "-o", out)
    return result, archives


def _crash_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: Path) -> tuple[list[str], list[set[int]]]:
    """The zip members of a normal write, and crash plans for every later step, the fallback's steps included:
    a crash at the first and last member of every stage after the first; and a crash at member 1 (which sends
    a writer with a fallback down it) followed by a crash at each stage end of what it then writes."""
    scratch = tmp_path / "scratch"
    scratch.mkdir(exist_ok=True)
    result, normal = _write_with(monkeypatch, path, scratch / "r.xlsx", set())
    assert result.exit_code == 0, result.output
    if not normal:
        pytest.skip("the result is not written through zipfile.ZipFile.writestr")
    first_stage_end = _stage_ends(normal)[1]
    plans = [{at} for at in _stage_ends(normal) if at > first_stage_end]
    _, after_first = _write_with(monkeypatch, path, scratch / "r1.xlsx", {1})
    plans += [{1, at} for at in _stage_ends(after_first[1:], offset=1)]
    for name in listing(scratch):
        (scratch / name).unlink()
    return normal, plans


def _crash_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, scored: tuple[Path, Path],
                plans: list[set[int]], normal: list[str]) -> list[str]:
    """Write the result under every crash plan; return what each left behind, if anything."""
    path, target = scored
    digest = sha256(path)
    failures = []
    for plan in plans:
        fresh = tmp_path / "新结果.xlsx"
        for out in (target, fresh):
            before = sha256(out) if out.exists() else None  # a recovered run may have replaced the earlier result
            result, _ = _write_with(monkeypatch, path, out, plan)
            _assert_target_intact_or_valid(result, out, before)
            fresh.unlink(missing_ok=True)
        leftovers = listing(tmp_path) - {"q.xlsx", "结果.xlsx", "scratch"}
        if leftovers:
            failures.append(f"crash at zip member(s) {sorted(plan)} of {len(normal)} left {sorted(leftovers)}")
            for name in leftovers:
                (tmp_path / name).unlink()
    assert sha256(path) == digest
    return failures


@pytest.mark.slow  # one scoring per crash point
def test_crash_while_saving_the_result_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                             scored: tuple[Path, Path]) -> None:
    normal, _ = _crash_plans(tmp_path, monkeypatch, scored[0])
    plans = [{at} for at in _stage_ends(normal)[:2]]  # first and last member of the first zip written
    assert _crash_each(tmp_path, monkeypatch, scored, plans, normal) == []


@pytest.mark.slow  # one scoring per crash point
def test_crash_in_any_later_step_of_writing_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                  scored: tuple[Path, Path]) -> None:
    normal, plans = _crash_plans(tmp_path, monkeypatch, scored[0])
    if not plans:
        pytest.skip("the result is written in one step")
    failures = _crash_each(tmp_path, monkeypatch, scored, plans, normal)
    assert failures == [], failures


def test_crash_in_the_fast_writers_final_write_leaves_nothing_behind(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """The quick loop's crash point (the two tests above try every one): an I/O error before the last member of
    the package the fast writer writes last (zipparts.write_zip). The run fails in Chinese or recovers; either
    way no partial result and no temporary file is left, and the input is untouched."""
    path = good_checklist(tmp_path / "q.xlsx")
    digest = sha256(path)
    real_zip = zipparts.write_zip
    crashed: list[Path] = []

    def write_zip(target: Path, members, level: int) -> None:
        members = list(members)

        def until_the_last():
            yield from members[:-1]
            crashed.append(Path(target))
            raise OSError(errno.EIO, "simulated I/O error while writing a zip member")

        return real_zip(target, until_the_last(), level)

    monkeypatch.setattr(zipparts, "write_zip", write_zip)
    out = tmp_path / "结果.xlsx"
    result = run("score", path, "-o", out)
    assert crashed, "the fast writer's final write was not reached"
    _assert_target_intact_or_valid(result, out, None)
    assert listing(tmp_path) == ({"q.xlsx", "结果.xlsx"} if result.exit_code == 0 else {"q.xlsx"})
    assert sha256(path) == digest


def test_disk_full_while_writing_is_explained(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = good_checklist(tmp_path / "q.xlsx")

    def disk_full(self: Workbook, filename: object) -> None:
        Path(filename).write_bytes(b"PK\x03\x04")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Workbook, "save", disk_full)
    target = tmp_path / "结果.xlsx"
    assert_clean(run("score", path, "-o", target), 2, "结果.xlsx")
    assert not target.exists() and not list(tmp_path.glob(".~kpicli-*"))


@pytest.mark.slow
@pytest.mark.parametrize("explicit", [True, False], ids=["-o", "default-name"])
def test_foreign_file_is_not_overwritten_without_force(tmp_path: Path, explicit: bool) -> None:
    path = good_checklist(tmp_path / "q.xlsx")
    target = tmp_path / ("结果.xlsx" if explicit else "q_评分结果.xlsx")
    target.write_bytes(b"someone else's work")
    args = ["score", path] + (["-o", target] if explicit else [])
    assert_clean(run(*args), 2, target.name, "--force")
    assert target.read_bytes() == b"someone else's work"
    result = run(*args, "--force")
    assert result.exit_code == 0, result.output
    assert CORE_RESULT_SHEETS <= set(openpyxl.load_workbook(target).sheetnames)
    assert run(*args).exit_code == 0  # a file kpicli wrote is replaced without --force
    assert not list(tmp_path.glob(".~kpicli-*"))


def test_foreign_workbook_is_not_overwritten_without_force(tmp_path: Path) -> None:
    path = good_checklist(tmp_path / "q.xlsx")
    target = good_checklist(tmp_path / "同事的表.xlsx")  # a real workbook, not written by kpicli
    before = sha256(target)
    assert_clean(run("score", path, "-o", target), 2, "同事的表.xlsx", "--force")
    assert sha256(target) == before


def test_output_cannot_be_the_input(tmp_path: Path) -> None:
    path = good_checklist(tmp_path / "q.xlsx")
    digest = sha256(path)
    for extra in ([], ["--force"]):
        assert_clean(run("score", path, "-o", path, *extra), 2, "q.xlsx")
        assert sha256(path) == digest


@pytest.mark.slow
def test_in_place_backs_up_the_input_first(tmp_path: Path) -> None:
    path = good_checklist(tmp_path / "二季度检查表.xlsx")
    original = path.read_bytes()
    original_sheets = openpyxl.load_workbook(path).sheetnames
    original_values = [[c.value for c in row] for row in openpyxl.load_workbook(path)["营销篇"].iter_rows()]
    result = run("score", path, "--in-place")
    assert result.exit_code == 0, result.output
    assert_handled(result)
    backups = [p for p in tmp_path.iterdir() if p != path]
    assert len(backups) == 1, backups
    assert re.fullmatch(r"二季度检查表_备份_\d{8}-\d{6}(?:_\d+)?\.xlsx", backups[0].name), backups[0].name
    assert backups[0].read_bytes() == original
    wb = openpyxl.load_workbook(path)
    assert CORE_RESULT_SHEETS <= set(wb.sheetnames)
    assert [n for n in wb.sheetnames if n not in RESULT_SHEETS] == original_sheets
    assert [[c.value for c in row] for row in wb["营销篇"].iter_rows()] == original_values
    first_run = wb.sheetnames

    again = run("score", path, "--in-place")  # result sheets replaced, not duplicated; a second backup
    assert again.exit_code == 0, again.output
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == first_run
    assert len([p for p in tmp_path.iterdir() if "_备份_" in p.name]) == 2


@pytest.mark.slow  # over 0.2 s of CPU (0.24 s measured)
def test_in_place_with_errors_touches_nothing(tmp_path: Path) -> None:
    path = build_checklist(tmp_path / "q.xlsx", _row2(Item("签约", "二级", {"项目甲": ("完成", "进行中")})))
    digest = sha256(path)
    assert_clean(run("score", path, "--in-place"), 1, "营销篇!J6")
    assert sha256(path) == digest and listing(tmp_path) == {"q.xlsx"}


def _macro_checklist(path: Path, vba_source: Path) -> Path:
    from builders import write_function_sheet

    wb = openpyxl.load_workbook(vba_source, keep_vba=True)
    write_function_sheet(wb.create_sheet("营销篇"), SheetSpec(items=OK_ITEMS))
    wb.save(path)
    return path


def _vba_source() -> Path:
    here = Path(__file__).resolve()
    for folder in (here.parents[2] / "shared" / "corpus" / "foreign", Path("/work/shared/corpus/foreign")):
        for name in ("tests_data_reader_vba-test.xlsm", "tests_data_reader_vba+comments.xlsm"):
            if (folder / name).is_file():
                return folder / name
    pytest.skip("no .xlsm with a VBA project in ../shared/corpus/foreign")


def test_in_place_refuses_an_xlsm_and_leaves_it_untouched(tmp_path: Path) -> None:
    # Putting result sheets into a macro workbook would mean rewriting its VBA package: refused instead.
    path = _macro_checklist(tmp_path / "宏检查表.xlsm", _vba_source())
    before = path.read_bytes()
    result = run("score", path, "--in-place")
    assert result.exit_code == 2, result.output
    assert "--in-place" in result.output and ".xlsx" in result.output
    assert_handled(result)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["宏检查表.xlsm"]


@pytest.mark.slow  # over 0.2 s of CPU (0.28 s measured)
def test_default_output_of_an_xlsm_is_a_plain_xlsx(tmp_path: Path) -> None:
    path = _macro_checklist(tmp_path / "宏检查表.xlsm", _vba_source())
    digest = sha256(path)
    result = run("score", path)
    assert result.exit_code == 0, result.output
    target = tmp_path / "宏检查表_评分结果.xlsx"
    with zipfile.ZipFile(target) as zf:
        assert "spreadsheetml.sheet.main+xml" in zf.read("[Content_Types].xml").decode()
    assert sha256(path) == digest
