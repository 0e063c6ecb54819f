"""A zip package held as named parts: read when first asked for, written with unchanged parts copied raw.

zipfile can only write a member by compressing it again, which for a large input workbook cost more than
everything else `score` does. A member's raw bytes are public in the zip format (the local header at
ZipInfo.header_offset, then compress_size bytes), so this module reads them straight from the file and writes
the archive itself: local headers, data, central directory. No zipfile internals are touched. An archive that
would need Zip64 (4 GB, 65,535 members) is written with zipfile instead, every part compressed again.
"""

from __future__ import annotations

import io
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

_LOCAL = struct.Struct("<4sHHHHHIIIHH")  # local file header, 30 bytes
_CENTRAL = struct.Struct("<4sHHHHHHIIIHHHHHII")  # central directory header, 46 bytes
_END = struct.Struct("<4sHHHHIIH")  # end of central directory, 22 bytes
_LOCAL_SIG, _CENTRAL_SIG, _END_SIG = b"PK\x03\x04", b"PK\x01\x02", b"PK\x05\x06"
_UTF8_NAME = 0x800
_DATA_DESCRIPTOR = 0x08  # sizes after the data: we always know them up front, so the flag is cleared
_LIMIT = 0xFFFFFFFF


class NeedsZip64(Exception):
    """The archive is too large for a plain zip; write it with zipfile instead."""


@dataclass(frozen=True)
class RawMember:
    """A member's compressed bytes as stored in the source archive."""

    info: zipfile.ZipInfo
    data: bytes


def read_raw(source: BinaryIO, info: zipfile.ZipInfo) -> bytes:
    """The compressed bytes of one member, read after its local header (whose name and extra field lengths
    may differ from the central directory's, so they are read from the local header itself)."""
    source.seek(info.header_offset)
    header = source.read(_LOCAL.size)
    if len(header) != _LOCAL.size or header[:4] != _LOCAL_SIG:
        raise zipfile.BadZipFile(f"bad local header for {info.filename}")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    source.seek(info.header_offset + _LOCAL.size + name_length + extra_length)
    data = source.read(info.compress_size)
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"truncated member {info.filename}")
    return data


def can_copy_raw(info: zipfile.ZipInfo) -> bool:
    """Stored or deflated, not encrypted, and small enough for a plain zip."""
    return (info.compress_type in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) and not info.flag_bits & 0x1
            and info.file_size < _LIMIT and info.compress_size < _LIMIT)


def _dos_time(date_time: tuple[int, ...]) -> tuple[int, int]:
    year, month, day, hour, minute, second = date_time[:6]
    year = min(max(year, 1980), 2107)
    return (hour << 11) | (minute << 5) | (second // 2), ((year - 1980) << 9) | (month << 5) | day


def write_zip(path: Path, members: Iterable[tuple[str, bytes | RawMember]], level: int) -> None:
    """Write members in order: bytes are deflated at `level`, RawMember are copied as they are."""
    now = time.localtime()[:6]
    central = []
    with open(path, "wb") as out:
        for name, content in members:
            encoded = name.encode("utf-8")
            flags = _UTF8_NAME if not name.isascii() else 0
            if isinstance(content, RawMember):
                info = content.info
                data, crc, size, method = content.data, info.CRC, info.file_size, info.compress_type
                flags |= info.flag_bits & ~(_DATA_DESCRIPTOR | _UTF8_NAME)
                clock, day = _dos_time(info.date_time)
            else:
                compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
                data = compressor.compress(content) + compressor.flush()
                crc, size, method = zlib.crc32(content), len(content), zipfile.ZIP_DEFLATED
                clock, day = _dos_time(now)
            offset = out.tell()
            if offset >= _LIMIT or size >= _LIMIT or len(data) >= _LIMIT or len(central) >= 0xFFFF:
                raise NeedsZip64(name)
            out.write(_LOCAL.pack(_LOCAL_SIG, 20, flags, method, clock, day, crc, len(data), size, len(encoded), 0))
            out.write(encoded)
            out.write(data)
            central.append(_CENTRAL.pack(_CENTRAL_SIG, 20, 20, flags, method, clock, day, crc, len(data), size,
                                         len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
        start = out.tell()
        directory = b"".join(central)
        if start + len(directory) >= _LIMIT:
            raise NeedsZip64("central directory")
        out.write(directory)
        out.write(_END.pack(_END_SIG, 0, 0, len(central), len(central), len(directory), start, 0))


class PartsUnreadable(Exception):
    """A part of the package cannot be read (unknown compression, encryption, damage)."""


class Parts(MutableMapping[str, bytes]):
    """name → content of a package's parts, in archive order. A part of the source archive is decompressed only
    when asked for; one never set again is written back as its original compressed bytes."""

    def __init__(self, archive: zipfile.ZipFile | None = None, source: BinaryIO | None = None) -> None:
        self._archive, self._source = archive, source  # source: the archive's bytes, for the raw reads
        self._infos: dict[str, zipfile.ZipInfo] = {}
        self._data: dict[str, bytes | None] = {}  # None: still as in the archive, not read yet
        self._changed: set[str] = set()
        if archive is not None:
            for info in archive.infolist():
                if not info.is_dir():
                    self._infos[info.filename] = info
                    self._data[info.filename] = None

    def __getitem__(self, name: str) -> bytes:
        data = self._data[name]
        if data is None:
            try:
                data = self._archive.read(self._infos[name])
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, zlib.error) as exc:
                raise PartsUnreadable(f"{name}: {exc}") from exc
            self._data[name] = data
        return data

    def __setitem__(self, name: str, data: bytes) -> None:
        self._data[name] = data
        self._changed.add(name)

    def __delitem__(self, name: str) -> None:
        del self._data[name]
        self._changed.discard(name)

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, name: object) -> bool:
        return name in self._data

    def head(self, name: str, size: int) -> bytes:
        """About the first `size` bytes of a part, without decompressing the rest of it."""
        data = self._data[name]
        if data is not None:
            return data[:size]
        info = self._infos[name]
        if not can_copy_raw(info):
            return self[name][:size]
        raw = read_raw(self._source, info)
        if info.compress_type == zipfile.ZIP_STORED:
            return raw[:size]
        try:
            return zlib.decompressobj(-15).decompress(raw, size)
        except zlib.error as exc:
            raise PartsUnreadable(f"{name}: {exc}") from exc

    def checksum(self, name: str) -> str | None:
        """CRC-32 and size of an unchanged part as the archive's directory gives them (nothing decompressed);
        None for a part set since reading or not in the archive."""
        info = self._infos.get(name)
        if info is None or name in self._changed:
            return None
        return f"{info.CRC:08x}.{info.file_size:x}"

    def raw(self, name: str) -> RawMember | None:
        """The part's compressed bytes when it is unchanged since reading and can be copied as they are."""
        if name in self._changed or name not in self._infos or not can_copy_raw(self._infos[name]):
            return None
        return RawMember(self._infos[name], read_raw(self._source, self._infos[name]))


class Package:
    """A zip package held as parts (see Parts), order kept."""

    def __init__(self, parts: Parts | None = None) -> None:
        self.parts = parts if parts is not None else Parts()

    @classmethod
    def read(cls, path: Path) -> Package:
        """The package at path, read into memory once (an input workbook is a few megabytes at most)."""
        source = io.BytesIO(Path(path).read_bytes())
        try:
            archive = zipfile.ZipFile(source)
        except zipfile.BadZipFile as exc:
            raise PartsUnreadable(str(exc)) from exc
        return cls(Parts(archive, source))

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def put(self, name: str, text: str) -> None:
        self.parts[name] = text.encode("utf-8")

    def write(self, path: Path, level: int) -> None:
        """[Content_Types].xml first, as Office writes it; unchanged parts copied raw."""
        names = sorted(self.parts, key=lambda n: n != "[Content_Types].xml")
        try:
            write_zip(path, ((n, self.parts.raw(n) or self.parts[n]) for n in names), level)
        except NeedsZip64:
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
                for name in names:
                    archive.writestr(name, self.parts[name])
