"""Tests for kpicli.io.safety: every bad input is refused with its own Chinese message, before any parsing."""

from __future__ import annotations

import os
import re
import struct
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kpicli.core.errors import InputError
from kpicli.io import zipcheck
from kpicli.io.library_errors import translate_library_error
from kpicli.io.messages import MESSAGES, refusal
from kpicli.io.outputs import kpicli_kind, mark_workbook, written_by_kpicli
from kpicli.io.safety import check_input_file

ROOT = Path(__file__).resolve().parents[1]

FOREIGN = next(
    (p for p in (ROOT.parent / "shared" / "corpus" / "foreign", Path("/work/shared/corpus/foreign")) if p.is_dir()),
    None,
)
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
LAUGHS = "".join(  # lol1 = 10 x lol, lol2 = 10 x lol1, ... lol9 = 10**9 x "lol"
    f'<!ENTITY lol{i} "{ref * 10}">' for i, ref in enumerate(["&lol;"] + [f"&lol{n};" for n in range(1, 9)], start=1)
)
BILLION_LAUGHS = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    f'<!DOCTYPE lolz [<!ENTITY lol "lol">{LAUGHS}]>\n'
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'
    "<si><t>&lol9;</t></si></sst>"
)


# --- builders ------------------------------------------------------------------------------------------------------


def make_workbook(path: Path) -> Path:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "营销篇"
    ws.append(["触点名称", "标准动作", "一级"])
    ws.append(["案场接待", "微笑迎宾", 1])
    wb.save(path)
    return path


def rewrite_zip(
    src: Path,
    dst: Path,
    replace: dict[str, bytes] | None = None,
    add: dict[str, bytes] | None = None,
    drop: tuple[str, ...] = (),
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Copy a zip, replacing (or adding) members by name and dropping others."""
    replace = dict(replace or {})
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", compression) as zout:
        for info in zin.infolist():
            if info.filename not in drop:
                data = replace.pop(info.filename) if info.filename in replace else zin.read(info)
                zout.writestr(info.filename, data)
        for name, data in {**replace, **(add or {})}.items():
            zout.writestr(name, data)
    return dst


def write_zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def make_cfb(entries: list[tuple[str, int]], payload: bytes = b"") -> bytes:
    """A minimal OLE2 compound file (v3, 512-byte sectors): header, one FAT sector, one directory sector, data."""
    header = bytearray(512)
    header[:8] = OLE_MAGIC
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<II", header, 0x2C, 1, 1)  # one FAT sector; the directory starts at sector 1
    struct.pack_into("<IIII", header, 0x38, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE)  # no mini FAT, no DIFAT sectors
    struct.pack_into("<109I", header, 0x4C, 0, *[0xFFFFFFFF] * 108)
    fat = struct.pack("<128I", 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFE, *[0xFFFFFFFF] * 125)
    directory = bytearray(512)
    for index, (name, kind) in enumerate([("Root Entry", 5), *entries]):
        raw = (name + "\0").encode("utf-16-le")
        offset = index * 128
        directory[offset : offset + len(raw)] = raw
        struct.pack_into("<H", directory, offset + 0x40, len(raw))
        directory[offset + 0x42] = kind
    return bytes(header) + fat + bytes(directory) + payload.ljust(512, b"\0")


def refused(path: Path) -> str:
    with pytest.raises(InputError) as info:
        check_input_file(path)
    assert info.value.exit_code == 2
    return info.value.message


@pytest.fixture
def workbook(tmp_path: Path) -> Path:
    return make_workbook(tmp_path / "q1.xlsx")


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A genuine bomb: 300 MB of zeros in one deflated member (about 1.4 MB on disk, built in well under 1 s)."""
    base = make_workbook(tmp_path_factory.mktemp("bomb") / "base.xlsx")
    path = rewrite_zip(base, base.with_name("bomb.xlsx"))
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("xl/media/zeros.bin", "w") as member,
    ):
        chunk = bytes(1 << 20)
        for _ in range(300):
            member.write(chunk)
    return path


# --- genuine workbooks ---------------------------------------------------------------------------------------------


def test_real_workbook_passes(workbook: Path) -> None:
    assert check_input_file(workbook) == "xlsx"
    assert check_input_file(str(workbook)) == "xlsx"


@pytest.mark.parametrize("suffix", [".xlsm", ".xltx", ".xltm"])
def test_other_ooxml_extensions_pass(workbook: Path, suffix: str) -> None:
    assert check_input_file(workbook.rename(workbook.with_suffix(suffix))) == "xlsx"


def test_workbook_part_found_through_package_relationships(workbook: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(workbook) as zf:
        rels = zf.read("_rels/.rels").replace(b"xl/workbook.xml", b"xl/book.xml")
        content_types = zf.read("[Content_Types].xml").replace(b"/xl/workbook.xml", b"/xl/book.xml")
        book = zf.read("xl/workbook.xml")
    moved = rewrite_zip(
        workbook,
        tmp_path / "moved.xlsx",
        replace={"_rels/.rels": rels, "[Content_Types].xml": content_types},
        add={"xl/book.xml": book},
        drop=("xl/workbook.xml",),
    )
    assert check_input_file(moved) == "xlsx"


def test_check_is_fast_on_a_normal_workbook(workbook: Path) -> None:
    import time

    start = time.perf_counter()
    for _ in range(10):
        check_input_file(workbook)
    assert (time.perf_counter() - start) / 10 < 0.05


# --- paths that are not workbook files -----------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    message = refused(tmp_path / "缺失.xlsx")
    assert "文件不存在" in message and "缺失.xlsx" in message and "请检查路径" in message


def test_folder(tmp_path: Path) -> None:
    folder = tmp_path / "二季度.xlsx"
    folder.mkdir()
    message = refused(folder)
    assert "文件夹" in message and "二季度.xlsx" in message


@pytest.mark.parametrize("name", ["~$q1.xlsx", ".~lock.q1.xlsx#"])
def test_lock_file(tmp_path: Path, name: str) -> None:
    lock = tmp_path / name
    lock.write_bytes(b"\x08analyst" + b"\x20" * 50)
    message = refused(lock)
    assert name in message and "临时锁文件" in message and "不是工作簿" in message
    assert "请选择原文件" in message and "以 q1.xlsx 结尾" in message


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.xlsx"
    os.mkfifo(pipe)
    assert "不是普通文件" in refused(pipe)


def test_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    message = refused(empty)
    assert "空.xlsx" in message and "0 字节" in message and "重新获取" in message


# --- other formats ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["export.csv", "export.xlsx"])
def test_csv_by_extension_or_content(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("触点名称,标准动作,一级\n案场接待,微笑迎宾,1\n", encoding="gbk")
    message = refused(path)
    assert name in message and "CSV" in message and ".xlsx" in message
    assert "在 Excel 中打开" in message and "另存为" in message


def test_utf8_bom_csv_renamed(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    path.write_text("触点名称\t标准动作\n案场接待\t微笑迎宾\n", encoding="utf-8-sig")
    assert "CSV" in refused(path)


@pytest.mark.parametrize("name", ["q1.ods", "q1.xlsx"])
def test_ods(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        zf.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    message = refused(path)
    assert name in message and "OpenDocument" in message
    assert "请在 LibreOffice/WPS 中" in message and "另存为 Excel 工作簿（.xlsx）" in message


def test_fake_ole_with_encrypted_package_is_a_password_workbook(tmp_path: Path) -> None:
    path = tmp_path / "加密.xlsx"
    path.write_bytes(OLE_MAGIC + b"\0" * 600 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 100)
    message = refused(path)
    assert "加密.xlsx" in message and "打开密码" in message
    assert "文件→信息→保护工作簿→用密码进行加密" in message and "清除密码后另存" in message


def test_fake_ole_without_encryption_is_legacy_xls(tmp_path: Path) -> None:
    path = tmp_path / "旧版.xls"
    path.write_bytes(OLE_MAGIC + b"\0" * 600 + "Workbook".encode("utf-16-le"))
    message = refused(path)
    assert "旧版.xls" in message and "97-2003" in message and "另存为" in message and ".xlsx" in message


def test_compound_file_directory_with_encryption_streams(tmp_path: Path) -> None:
    path = tmp_path / "protected.xlsx"
    path.write_bytes(make_cfb([("\x06DataSpaces", 1), ("EncryptionInfo", 2), ("EncryptedPackage", 2)]))
    assert "打开密码" in refused(path)


def test_compound_file_directory_decides_not_stray_bytes(tmp_path: Path) -> None:
    # A real .xls whose cell text happens to contain the stream name: the directory says Workbook, not encrypted.
    path = tmp_path / "legacy.xls"
    path.write_bytes(make_cfb([("Workbook", 2)], payload="EncryptedPackage".encode("utf-16-le")))
    message = refused(path)
    assert "97-2003" in message and "密码" not in message


def test_compound_file_that_is_not_excel(tmp_path: Path) -> None:
    path = tmp_path / "memo.xlsx"
    path.write_bytes(make_cfb([("WordDocument", 2)]))
    message = refused(path)
    assert "不是有效的 Excel 工作簿" in message and "Word" in message


@pytest.mark.parametrize(
    ("content", "hint"),
    [
        (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>", "HTML"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        ("这是一份说明文字 没有分隔符\n第二行".encode(), "文本文件"),
        (bytes(range(256)) * 4, None),
    ],
)
def test_renamed_non_zip_files(tmp_path: Path, content: bytes, hint: str | None) -> None:
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(content)
    message = refused(path)
    assert "renamed.xlsx" in message and "不是有效的 Excel 工作簿（.xlsx）" in message and "改了扩展名" in message
    if hint:
        assert hint in message


# --- corrupt zips ----------------------------------------------------------------------------------------------------


def test_truncated_workbook(workbook: Path, tmp_path: Path) -> None:
    data = workbook.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 100):
        path = tmp_path / f"cut{cut}.xlsx"
        path.write_bytes(data[:cut])
        message = refused(path)
        assert path.name in message and "文件已损坏或不完整" in message and "附件未下载完整" in message
        assert "请重新获取" in message


def test_bad_crc_in_a_small_xml_member(workbook: Path, tmp_path: Path) -> None:
    stored = rewrite_zip(workbook, tmp_path / "stored.xlsx", compression=zipfile.ZIP_STORED)
    data = stored.read_bytes()
    at = data.index(b"<sheetData>")
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(data[:at] + b"<sheetDatb>" + data[at + 11 :])
    assert "文件已损坏或不完整" in refused(damaged)


def test_lying_central_directory_size(workbook: Path, tmp_path: Path) -> None:
    # 20 MB of XML declared as 1000 bytes: passes the declared-size checks, fails when the member is read.
    big = b'<?xml version="1.0"?><worksheet>' + b" " * (20 << 20) + b"</worksheet>"
    path = rewrite_zip(workbook, tmp_path / "liar.xlsx", add={"xl/worksheets/sheet9.xml": big})
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet9.xml"
    at = data.rindex(b"PK\x01\x02", 0, data.rindex(name))  # its central directory entry
    struct.pack_into("<I", data, at + 24, 1000)
    path.write_bytes(bytes(data))
    message = refused(path)
    assert "已损坏" in message or "实际解压大小" in message


# --- zips that are not workbooks -------------------------------------------------------------------------------------


def test_plain_zip(tmp_path: Path) -> None:
    message = refused(write_zip(tmp_path / "archive.xlsx", {"q1.xlsx": b"PK"}))
    assert "archive.xlsx" in message and "不是 Excel 工作簿" in message and "[Content_Types].xml" in message


def test_ooxml_zip_without_workbook(workbook: Path, tmp_path: Path) -> None:
    path = rewrite_zip(workbook, tmp_path / "nowb.xlsx", drop=("xl/workbook.xml",))
    message = refused(path)
    assert "不是 Excel 工作簿" in message and "xl/workbook.xml" in message


def test_binary_workbook(workbook: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(workbook) as zf:
        rels = zf.read("_rels/.rels").replace(b"xl/workbook.xml", b"xl/workbook.bin")
    path = rewrite_zip(
        workbook,
        tmp_path / "binary.xlsx",
        replace={"_rels/.rels": rels},
        add={"xl/workbook.bin": b"\x83\x01\x00"},
        drop=("xl/workbook.xml",),
    )
    assert ".xlsb" in refused(path)


def test_word_document_renamed(tmp_path: Path) -> None:
    path = write_zip(
        tmp_path / "report.xlsx",
        {"[Content_Types].xml": b'<?xml version="1.0"?><Types/>', "word/document.xml": b"<w:document/>"},
    )
    message = refused(path)
    assert "不是 Excel 工作簿" in message and "Word" in message


# --- zip bombs -------------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_zip_bomb_total_size(zip_bomb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        opened.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    message = refused(zip_bomb)
    assert "bomb.xlsx" in message and "解压后超过 200 MB 的上限" in message and "已拒绝读取" in message
    assert opened == []  # refused from the central directory alone


@pytest.mark.slow  # several runs of kpicli (> 0.15 s)
def test_zip_bomb_member_size(zip_bomb: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipcheck, "MAX_UNCOMPRESSED_BYTES", 1 << 30)
    message = refused(zip_bomb)
    assert "xl/media/zeros.bin" in message and "单个部件 100 MB 的上限" in message


def test_zip_bomb_ratio(workbook: Path, tmp_path: Path) -> None:
    path = rewrite_zip(workbook, tmp_path / "ratio.xlsx", add={"xl/media/zeros.bin": bytes(20 << 20)})
    message = refused(path)
    assert "xl/media/zeros.bin" in message and "压缩比超过 100:1 的上限" in message


def test_ratio_ignored_for_small_members(workbook: Path, tmp_path: Path) -> None:
    path = rewrite_zip(workbook, tmp_path / "small.xlsx", add={"xl/media/zeros.bin": bytes(512 << 10)})
    assert check_input_file(path) == "xlsx"


def test_too_many_members(workbook: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(zipcheck, "MAX_MEMBERS", 3)
    message = refused(workbook)
    assert "个部件" in message and "超过 3 个的上限" in message


# --- XML entity bombs ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "member", ["xl/sharedStrings.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml", "[Content_Types].xml"]
)
def test_billion_laughs(workbook: Path, tmp_path: Path, member: str) -> None:
    path = rewrite_zip(workbook, tmp_path / "laughs.xlsx", replace={member: BILLION_LAUGHS.encode()})
    message = refused(path)
    assert "laughs.xlsx" in message and "不允许的 XML 实体声明" in message and member in message
    assert "恶意构造" in message and "已拒绝读取" in message


def test_entity_declaration_hidden_behind_a_long_comment(workbook: Path, tmp_path: Path) -> None:
    padded = BILLION_LAUGHS.replace("\n", "\n<!--" + "x" * 10_000 + "-->\n", 1)
    path = rewrite_zip(workbook, tmp_path / "padded.xlsx", replace={"xl/worksheets/sheet1.xml": padded.encode()})
    assert "不允许的 XML 实体声明" in refused(path)


def test_entity_declaration_in_utf16(workbook: Path, tmp_path: Path) -> None:
    utf16 = BILLION_LAUGHS.replace("UTF-8", "UTF-16").encode("utf-16")
    path = rewrite_zip(workbook, tmp_path / "utf16.xlsx", replace={"xl/sharedStrings.xml": utf16})
    assert "不允许的 XML 实体声明" in refused(path)


@pytest.mark.parametrize(
    "xml",
    [
        b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE x+AD4-<sst/>',
        b'<?xml version="1.0"?><!--' + b"x" * 70_000 + b"--><sst/>",
    ],
)
def test_odd_xml_prolog(workbook: Path, tmp_path: Path, xml: bytes) -> None:
    path = rewrite_zip(workbook, tmp_path / "odd.xlsx", replace={"xl/sharedStrings.xml": xml})
    message = refused(path)
    assert "xl/sharedStrings.xml" in message and "开头格式异常" in message


def test_entity_text_inside_cells_is_fine(workbook: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(workbook) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").replace(b"<t>", b"<t>&lt;!ENTITY x&gt; &lt;!DOCTYPE&gt; ", 1)
    assert b"&lt;!ENTITY" in sheet
    path = rewrite_zip(workbook, tmp_path / "text.xlsx", replace={"xl/worksheets/sheet1.xml": sheet})
    assert check_input_file(path) == "xlsx"



# --- library errors ------------------------------------------------------------------------------------------------


def _calamine_error(name: str, text: str) -> Exception:
    calamine = pytest.importorskip("python_calamine")
    return getattr(calamine, name)(text)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: PermissionError(13, "Permission denied"), "文件被占用或无权限读取"),
        (lambda: FileNotFoundError(2, "No such file"), "文件不存在"),
        (lambda: OSError("No such file or directory (os error 2)"), "文件不存在"),
        (lambda: IsADirectoryError(21, "Is a directory"), "文件夹"),
        (lambda: OSError(5, "Input/output error"), "读取文件时出错"),
        (lambda: zipfile.BadZipFile("File is not a zip file"), "文件已损坏或不完整"),
        (lambda: EOFError("Compressed file ended"), "文件已损坏或不完整"),
        (lambda: KeyError("There is no item named 'xl/workbook.xml' in the archive"), "缺少部件 xl/workbook.xml"),
        (lambda: __import__("defusedxml").EntitiesForbidden("lol", None, None, None, None, None), "XML 实体声明"),
        (lambda: __import__("defusedxml").DTDForbidden("lolz", None, None), "XML 实体声明"),
        (lambda: _calamine_error("PasswordError", "encrypted"), "打开密码"),
        (lambda: _calamine_error("ZipError", "invalid Zip archive: Could not find EOCD"), "文件已损坏或不完整"),
        (lambda: _calamine_error("XmlError", "unexpected end"), "XML 内容无法解析"),
        (lambda: _calamine_error("CalamineError", "File not found '_rels/.rels'"), "缺少部件 _rels/.rels"),
        (lambda: _calamine_error("CalamineError", "Cannot detect file format"), "不是有效的 Excel 工作簿"),
        (lambda: MemoryError(), "内存不足"),
    ],
)
def test_translate_library_error(make, expected: str) -> None:
    error = translate_library_error(make(), Path("/data/q1.xlsx"))
    assert isinstance(error, InputError)
    assert expected in error.message and "q1.xlsx" in error.message


def test_translate_unknown_and_passthrough() -> None:
    error = translate_library_error(RuntimeError("boom"), Path("q1.xlsx"))
    assert "无法读取工作簿" in error.message and "q1.xlsx" in error.message
    assert error.message.endswith("（RuntimeError）")
    original = InputError("原样返回")
    assert translate_library_error(original, Path("q1.xlsx")) is original


def test_translate_openpyxl_errors(workbook: Path, tmp_path: Path) -> None:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    assert "不是有效的 Excel 工作簿" in translate_library_error(InvalidFileException("x"), workbook).message
    # openpyxl parses workbook.xml with defusedxml: the DTD raises, and the translation says why.
    laughs = BILLION_LAUGHS.replace("<sst", "<workbook").replace("</sst>", "</workbook>")
    path = rewrite_zip(workbook, tmp_path / "laughs.xlsx", replace={"xl/workbook.xml": laughs.encode()})
    with pytest.raises(Exception) as info:
        openpyxl.load_workbook(path)
    assert "XML 实体声明" in translate_library_error(info.value, path).message
    noxl = rewrite_zip(workbook, tmp_path / "nowb.xlsx", drop=("[Content_Types].xml",))
    with pytest.raises(KeyError) as missing:
        openpyxl.load_workbook(noxl)
    assert "缺少部件 [Content_Types].xml" in translate_library_error(missing.value, noxl).message


def test_translate_calamine_errors(workbook: Path, tmp_path: Path) -> None:
    calamine = pytest.importorskip("python_calamine")
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(workbook.read_bytes()[:300])
    with pytest.raises(Exception) as info:
        calamine.CalamineWorkbook.from_path(str(cut))
    assert "文件已损坏或不完整" in translate_library_error(info.value, cut).message
    with pytest.raises(Exception) as missing:
        calamine.CalamineWorkbook.from_path(str(tmp_path / "none.xlsx"))
    assert "文件不存在" in translate_library_error(missing.value, tmp_path / "none.xlsx").message


# --- damaged files never escape as another exception --------------------------------------------------------------


def test_a_member_without_a_name_is_a_damaged_file(workbook: Path, tmp_path: Path) -> None:
    """Found by the property test below: zipfile itself fails on such a member (IndexError in is_dir)."""
    damaged = tmp_path / "无名部件.xlsx"
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(damaged, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
        target.writestr(zipfile.ZipInfo(""), b"<x/>")
    message = refused(damaged)
    assert "无名部件.xlsx" in message and "已损坏" in message


@pytest.fixture(scope="module")
def workbook_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return make_workbook(tmp_path_factory.mktemp("fuzz") / "seed.xlsx").read_bytes()


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_damaged_workbooks_are_refused_cleanly(workbook_bytes: bytes, tmp_path: Path, data: st.DataObject) -> None:
    damaged = bytearray(workbook_bytes)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(damaged) - 1))
        if data.draw(st.booleans()):
            damaged[at] = data.draw(st.integers(0, 255))
        else:
            del damaged[at:]
            damaged += b"\0" * data.draw(st.integers(0, 3))
        if not damaged:
            break
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(damaged))
    try:
        assert check_input_file(path) == "xlsx"
    except InputError as exc:
        assert "damaged.xlsx" in exc.message


# --- the foreign corpus ----------------------------------------------------------------------------------------------


def _foreign_files() -> list[Path]:
    if FOREIGN is None:
        return []
    return sorted(p for pattern in ("*.xlsx", "*.xlsm", "*.xltx") for p in FOREIGN.glob(pattern))


@pytest.mark.skipif(FOREIGN is None, reason="shared corpus not present")
@pytest.mark.parametrize("path", _foreign_files(), ids=lambda p: p.name)
def test_foreign_corpus_passes_or_is_refused_cleanly(path: Path) -> None:
    try:
        assert check_input_file(path) == "xlsx"
    except InputError as exc:
        assert path.name in exc.message


def test_foreign_corpus_known_refusals() -> None:
    if FOREIGN is None:
        pytest.skip("shared corpus not present")
    assert "0 字节" in refused(FOREIGN / "reader_tests_data_null_file.xlsx")
    assert "不是 Excel 工作簿" in refused(FOREIGN / "tests_data_reader_null_archive.xlsx")


# --- the message table and the output marker ------------------------------------------------------------------------

_ASCII_IN_CHINESE = re.compile(r"[\u4e00-\u9fff][,;:()]|[,;:()][\u4e00-\u9fff]")


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_every_refusal_names_the_file_in_full_width_chinese(tmp_path, kind):
    path = tmp_path / "季度检查表.xlsx"
    fields = {"program": "Excel/WPS", "original": "q1.xlsx", "prefix": "~$", "what": "解压后超过上限",
              "member": "xl/workbook.xml"}
    for note in (None, "看起来是图片"):
        message = refusal(kind, path, note=note, **fields).message
        assert ("季度检查表.xlsx" if kind != "missing" else str(path)) in message
        assert not _ASCII_IN_CHINESE.search(message), message
        assert "{" not in message and "（）" not in message  # every field filled, no empty brackets
        assert message.endswith(("。", "）")), message  # a sentence that says what to do, finished


def test_the_kind_kpicli_wrote_is_read_back_by_the_same_module(tmp_path):
    import openpyxl

    marked, plain = openpyxl.Workbook(), openpyxl.Workbook()
    mark_workbook(marked, "汇总检查表")
    marked.save(tmp_path / "marked.xlsx")
    plain.save(tmp_path / "plain.xlsx")
    assert kpicli_kind(tmp_path / "marked.xlsx") == "汇总检查表" and written_by_kpicli(tmp_path / "marked.xlsx")
    assert kpicli_kind(tmp_path / "plain.xlsx") is None and not written_by_kpicli(tmp_path / "plain.xlsx")
    (tmp_path / "text.xlsx").write_text("not a zip", encoding="utf-8")
    assert kpicli_kind(tmp_path / "text.xlsx") is None
