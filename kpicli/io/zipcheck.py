"""The gatekeeper's look inside a zip container, before any spreadsheet library parses it (io.safety calls it).

`check_zip` refuses a zip that is corrupt or truncated, a zip bomb (too many members, too large once unpacked, too
high a compression ratio: the limits below, named in the message), not an OOXML workbook (ODS and other OpenDocument
files, .xlsb, Word, PowerPoint, a plain zip), or carries DTDs (XML entity bombs) or anything odd before the root
element of an XML member. Small XML members are read to the end, so a bad CRC shows. Only the standard library.
"""

from __future__ import annotations

import errno
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from kpicli.core.errors import InputError
from kpicli.io.messages import refusal

MiB = 1024 * 1024

MAX_UNCOMPRESSED_BYTES: int = 200 * MiB  # declared uncompressed size of all zip members together
MAX_MEMBER_BYTES: int = 100 * MiB  # declared uncompressed size of one zip member
MAX_COMPRESSION_RATIO: int = 100  # file_size / compress_size, for members larger than RATIO_MIN_BYTES
RATIO_MIN_BYTES: int = 1 * MiB
MAX_MEMBERS: int = 10_000

XML_HEAD_BYTES = 4 * 1024  # first read of each XML member: the prolog of a genuine file fits easily
XML_PROLOG_MAX_BYTES = 64 * 1024  # the root element must start within this, or the member is refused
CRC_TEST_MAX_BYTES = 1 * MiB  # XML members up to this size are read to the end, so a bad CRC shows
CRC_TEST_BUDGET = 16 * MiB  # at most this much is decompressed for CRC tests in one file
_CHUNK = 64 * 1024

_ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_RELATIONSHIP = re.compile(r"<(?:[\w.-]+:)?Relationship\b([^>]*)>")


def _size(n: int) -> str:
    if n >= MiB:
        return f"{n / MiB:.0f} MB" if n % MiB == 0 else f"{n / MiB:.1f} MB"
    if n >= 1024:
        return f"{n / 1024:.0f} KB"
    return f"{n} 字节"


def _bomb(path: Path, what: str) -> InputError:
    return refusal("bomb", path, what=what)


def check_zip(path: Path, f: BinaryIO, size: int) -> None:
    """Refuse a zip that is corrupt, a bomb, not an OOXML workbook, or carries DTDs in its XML."""
    declared = _declared_member_count(f, size)
    if declared is not None and declared > MAX_MEMBERS:
        raise _bomb(path, f"包含 {declared} 个部件，超过 {MAX_MEMBERS} 个的上限")
    f.seek(0)
    with _reading(path):
        zf = zipfile.ZipFile(f)
    with zf:
        infos = zf.infolist()
        if any(not info.filename for info in infos):  # a nameless member: no writer makes one
            raise refusal("corrupt", path)
        _check_declared_sizes(path, infos)
        members = {info.filename: info for info in infos}
        _check_package(path, zf, members)
        _scan_xml_members(path, zf, infos)


@contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Around zipfile's own calls only: what it raises for a corrupt or truncated zip refuses the file as corrupt.
    The checks around the calls are kpicli's code: an error of theirs is a bug, not a corrupt file."""
    try:
        yield
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, struct.error, NotImplementedError) as exc:
        raise refusal("corrupt", path) from exc
    except OSError as exc:
        if exc.errno == errno.EINVAL:  # an offset in the zip points before the start of the file
            raise refusal("corrupt", path) from exc
        raise


def _declared_member_count(f: BinaryIO, size: int) -> int | None:
    """Member count from the end-of-central-directory record (zip64 aware), read before zipfile parses the zip."""
    tail_length = min(size, 22 + 0xFFFF)
    f.seek(size - tail_length)
    tail = f.read(tail_length)
    at = tail.rfind(b"PK\x05\x06")
    if at < 0 or at + 22 > len(tail):
        return None
    count = struct.unpack_from("<H", tail, at + 10)[0]
    locator = at - 20
    if count == 0xFFFF and locator >= 0 and tail[locator : locator + 4] == b"PK\x06\x07":
        f.seek(struct.unpack_from("<Q", tail, locator + 8)[0])
        record = f.read(56)
        if len(record) == 56 and record.startswith(b"PK\x06\x06"):
            count = struct.unpack_from("<Q", record, 32)[0]
    return count


def _check_declared_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse a bomb from the central directory alone, before any member is read."""
    if len(infos) > MAX_MEMBERS:
        raise _bomb(path, f"包含 {len(infos)} 个部件，超过 {MAX_MEMBERS} 个的上限")
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise _bomb(path, f"解压后超过 {_size(MAX_UNCOMPRESSED_BYTES)} 的上限（声明 {_size(total)}）")
    for info in infos:
        if info.file_size > MAX_MEMBER_BYTES:
            raise _bomb(path, f"其中的 {info.filename} 解压后超过单个部件 {_size(MAX_MEMBER_BYTES)} 的上限")
        if info.file_size > RATIO_MIN_BYTES and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise _bomb(path, f"其中的 {info.filename} 压缩比超过 {MAX_COMPRESSION_RATIO}:1 的上限")


def _check_package(path: Path, zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> None:
    """Refuse ODS and zips that are not OOXML workbooks."""
    if "mimetype" in members:
        mimetype = _read_limited(path, zf, members["mimetype"], 256)
        if mimetype.startswith(_ODS_MIMETYPE):
            raise refusal("ods", path)
        if mimetype.startswith(b"application/vnd.oasis.opendocument"):
            raise refusal("not_workbook_zip", path, note="这是 OpenDocument 文档")
    if "[Content_Types].xml" not in members:
        raise refusal("not_workbook_zip", path, note="这是一个 zip 压缩包，但缺少 [Content_Types].xml")
    part = "xl/workbook.xml" if "xl/workbook.xml" in members else _office_document(path, zf, members)
    if part in members and part.endswith(".xml"):
        return
    if part.endswith(".bin") or "xl/workbook.bin" in members:
        raise refusal("xlsb", path)
    if part.startswith("word/") or "word/document.xml" in members:
        raise refusal("not_workbook_zip", path, note="这是 Word 文档")
    if part.startswith("ppt/") or "ppt/presentation.xml" in members:
        raise refusal("not_workbook_zip", path, note="这是 PowerPoint 演示文稿")
    raise refusal("not_workbook_zip", path, note="缺少 xl/workbook.xml")


def _office_document(path: Path, zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo]) -> str:
    """Target of the package's officeDocument relationship ('' if none), read without an XML parser."""
    info = members.get("_rels/.rels")
    if info is None:
        return ""
    text = _read_limited(path, zf, info, XML_PROLOG_MAX_BYTES).decode("utf-8", "ignore")
    for match in _RELATIONSHIP.finditer(text):
        attributes = dict(re.findall(r'([\w:]+)\s*=\s*["\']([^"\']*)["\']', match.group(1)))
        if attributes.get("Type", "").endswith("/officeDocument"):
            return attributes.get("Target", "").lstrip("/")
    return ""


def _read_limited(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """At most `limit` bytes of a member (one bounded read, never more than the declared size)."""
    if info.flag_bits & 0x1:
        raise refusal("corrupt", path, note=f"{info.filename} 被 zip 加密")
    with _reading(path), zf.open(info) as member:
        return member.read(min(limit, info.file_size))


def _scan_xml_members(path: Path, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Refuse DTDs in the prolog of every XML member; read small members whole so a bad CRC shows."""
    budget = CRC_TEST_BUDGET
    for info in infos:
        if info.is_dir() or not info.filename.lower().endswith(_XML_SUFFIXES):
            continue
        whole = info.file_size <= min(CRC_TEST_MAX_BYTES, budget)
        if whole:
            budget -= info.file_size
        _scan_member(path, zf, info, whole)


def _scan_member(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, whole: bool) -> None:
    if info.flag_bits & 0x1:
        raise refusal("corrupt", path, note=f"{info.filename} 被 zip 加密")
    prolog = b""
    state = "more"
    total = 0
    with _reading(path):
        member = zf.open(info)
    with member:
        while True:
            with _reading(path):
                chunk = member.read(XML_HEAD_BYTES if state == "more" else _CHUNK)
            if not chunk:
                return  # end of member; zipfile has checked the CRC
            total += len(chunk)
            # zipfile stops at the declared size; this guards against a header that lies all the same.
            if total > info.file_size or total > MAX_MEMBER_BYTES:
                raise _bomb(path, f"其中的 {info.filename} 实际解压大小超过声明的大小")
            if state == "more":
                prolog += chunk
                state = _prolog_state(_prolog_text(prolog))
                if state == "dtd":
                    raise refusal("xml_entities", path, note=info.filename)
                if state == "odd" or (state == "more" and len(prolog) >= XML_PROLOG_MAX_BYTES):
                    raise refusal("xml_prolog", path, member=info.filename)
            if state == "root" and not whole:
                return


def _prolog_text(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"<\x00")):
        return data.decode("utf-16-le", "ignore")
    if data.startswith((b"\xfe\xff", b"\x00<")):
        return data.decode("utf-16-be", "ignore")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    return data.decode("latin-1")  # markup is ASCII; UTF-8 bytes of other characters never look like '<'


def _prolog_state(text: str) -> str:
    """'root' when the root element starts after a clean prolog, 'dtd' on '<!DOCTYPE'/'<!ENTITY' (any '<!' that
    is not a comment), 'odd' on anything else a genuine file never has before its root, 'more' when undecided."""
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in " \t\r\n\ufeff":
            i += 1
            continue
        if char != "<":
            return "odd"
        rest = text[i : i + 4]
        if len(rest) < 4 and "<!--".startswith(rest):
            return "more"
        if rest.startswith("<?") or rest == "<!--":
            end = text.find("?>" if rest.startswith("<?") else "-->", i + 2)
            if end < 0:
                return "more"
            i = end + 2 if rest.startswith("<?") else end + 3
            continue
        if rest.startswith("<!"):
            return "dtd"
        following = rest[1]
        if following.isalpha() or following in "_:" or ord(following) > 127:
            return "root"
        return "odd"
    return "more"

