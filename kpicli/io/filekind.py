"""What a file is when it is not a workbook package: an old .xls or an encrypted workbook (both OLE2 compound
files), or text, CSV, PDF, a picture … Read from the first bytes and, for OLE2, the directory of streams; safety.py
turns the answer into the message the user sees."""

from __future__ import annotations

import mmap
import struct
from typing import BinaryIO, Literal

OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_OLE_ENCRYPTION_STREAMS = ("EncryptionInfo", "EncryptedPackage")
TEXT = "文本文件"


def ole_kind(f: BinaryIO, size: int) -> Literal["encrypted", "xls", "other"]:
    """An encrypted .xlsx/.xlsm, a legacy .xls, or another OLE2 file (Word, PowerPoint …)."""
    names = _ole_directory_names(f, size)
    if names is None:  # directory unreadable: look for the stream names anywhere in the bytes
        encrypted = _file_contains(f, size, [n.encode("utf-16-le") for n in _OLE_ENCRYPTION_STREAMS])
        return "encrypted" if encrypted else "xls"
    if names & set(_OLE_ENCRYPTION_STREAMS):
        return "encrypted"
    if names & {"Workbook", "Book"}:
        return "xls"
    return "other"


def _ole_directory_names(f: BinaryIO, size: int) -> set[str] | None:
    """Entry names of an OLE2 compound file's directory; None when the structure is not usable."""
    try:
        f.seek(0)
        header = f.read(512)
        shift = struct.unpack_from("<H", header, 0x1E)[0]
        if shift not in (9, 12):
            return None
        sector = 1 << shift
        per_sector = sector // 4
        sectors = size // sector  # an upper bound for every count and index below
        n_fat, first_dir = struct.unpack_from("<II", header, 0x2C)
        next_difat, n_difat = struct.unpack_from("<II", header, 0x44)
        if n_fat > sectors or n_difat > sectors:
            return None

        def read_sector(index: int) -> bytes:
            if index >= sectors:
                raise ValueError("sector out of range")
            f.seek((index + 1) * sector)
            data = f.read(sector)
            if len(data) != sector:
                raise ValueError("short sector")
            return data

        difat = list(struct.unpack_from("<109I", header, 0x4C))
        for _ in range(n_difat):
            if next_difat >= 0xFFFFFFFA:
                break
            entries = struct.unpack(f"<{per_sector}I", read_sector(next_difat))
            difat.extend(entries[:-1])
            next_difat = entries[-1]
        fat: list[int] = []
        for index in difat[:n_fat]:
            fat.extend(struct.unpack(f"<{per_sector}I", read_sector(index)))

        names: set[str] = set()
        seen: set[int] = set()
        current = first_dir
        while current < 0xFFFFFFFA:
            if current in seen or current >= len(fat):
                return None
            seen.add(current)
            data = read_sector(current)
            for offset in range(0, sector, 128):
                length = struct.unpack_from("<H", data, offset + 0x40)[0]
                if data[offset + 0x42] in (1, 2, 5) and 2 <= length <= 64:
                    names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
            current = fat[current]
        return names
    except (ValueError, struct.error, IndexError):
        return None


def _file_contains(f: BinaryIO, size: int, needles: list[bytes]) -> bool:
    with mmap.mmap(f.fileno(), size, access=mmap.ACCESS_READ) as view:
        return any(view.find(needle) >= 0 for needle in needles)


def _decode_text(head: bytes) -> str | None:
    """The sample as text when it looks like a text file, else None."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = [("utf-16", head[: len(head) // 2 * 2])]
    else:
        candidates = [("utf-8-sig", head), ("gb18030", head)]
    for encoding, data in candidates:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            if exc.start < len(data) - 4:  # not just a character cut at the end of the sample
                continue
            text = data[: exc.start].decode(encoding, "ignore")
        if not any(ord(c) < 32 and c not in "\t\r\n\f" for c in text):
            return text
    return None


def looks_like_csv(head: bytes) -> bool:
    text = _decode_text(head)
    if text is None:
        return False
    first = next((line for line in text.splitlines() if line.strip()), "")
    return any(sep in first for sep in (",", "\t", ";"))


def content_kind(head: bytes) -> str | None:
    signatures = {
        b"%PDF": " PDF 文件",
        b"{\\rtf": " RTF 文档",
        b"Rar!": " RAR 压缩包",
        b"7z\xbc\xaf\x27\x1c": " 7z 压缩包",
        b"\x1f\x8b": " gzip 压缩包",
        b"\x89PNG": "图片",
        b"\xff\xd8\xff": "图片",
    }
    for magic, kind in signatures.items():
        if head.startswith(magic):
            return kind
    text = _decode_text(head)
    if text is None:
        return None
    lowered = text.lstrip("\ufeff \t\r\n").lower()
    if lowered.startswith("<"):
        if "<html" in lowered or "<!doctype html" in lowered:
            return "网页（HTML）文件"
        if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
            return " Excel 2003 XML 表格"
        return " XML 文件"
    return TEXT
