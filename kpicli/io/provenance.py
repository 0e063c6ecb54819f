"""kpicli's record in every workbook it writes: what it handed out, and a fingerprint of the cells it wrote.

The record is a JSON object kept in the workbook's custom document properties (docProps/custom.xml), which
Excel, WPS and LibreOffice keep when they save and which no casual user sees (only File → Properties →
Custom lists them). Excel limits a text property to 255 characters, so the JSON is compressed (zlib), encoded
(base64) and split into chunks `kpicli.record.01`, `kpicli.record.02` … of at most CHUNK characters; beside them
`kpicli.version` (kpicli's version) and `kpicli.fingerprint` (one short hash of all sheets), and `kpicli`, the
kind of workbook (outputs.mark_workbook), as before.

What the record holds (keys; writers add what they know):

- `format` (1), `version`, `kind` (模板, 评分结果, 汇总检查表 …) — always, added here;
- `sheets`: sheet name → fingerprint of its cell values — always, added here;
- `book` (checklist/scorecard), `period` ({year, quarter} or the scorecard period), `company`, `projects`;
- `catalog` (checklists): one entry per touchpoint row handed out, {sheet, function, row, code, name, level,
  scope, na: [groups pre-filled 不适用]}; `rules`: {fingerprint, settings that decide grades and money}.

A fingerprint is over cell VALUES as kpicli reads them (python-calamine), never over the XML: a workbook saved
unchanged by Excel, WPS or LibreOffice keeps its fingerprints, a typed value changes its sheet's. Formula cells are
left out (a spreadsheet program fills in their cached values on saving); a value typed over a formula counts.

The API (io layer; writers call it through outputs.atomic_write / save_workbook(record=…)):

- `stamp(path, record)`: zip level: fingerprint the workbook at `path` and write the record into it (the fast
  writer's grafted results and openpyxl's saves alike, on the temporary file before its atomic rename);
- `read(path) -> Record | None`: the record, or None for a workbook without one;
- `sheet_fingerprints(path) -> dict[str, str]`;
- `changed_sheets(path) -> list[str] | None`: the sheets whose values differ from the record (added and removed
  sheets too), [] when unchanged, None when the workbook has no fingerprints to compare with.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from kpicli.io.xmltext import escape, unescape

FORMAT = 1
MARK_PROPERTY = "kpicli"  # the kind (outputs.mark_workbook); the record's properties share the prefix
VERSION_PROPERTY = "kpicli.version"
FINGERPRINT_PROPERTY = "kpicli.fingerprint"
CHUNK_PREFIX = "kpicli.record."
CHUNK = 240  # characters per property value: below Excel's 255
FINGERPRINT_LENGTH = 16  # hex digits of sha256: enough to tell a change, short enough to read

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
CUSTOM_PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PROPERTY = re.compile(r"<(?:\w+:)?property\b[^>]*?\bname=\"([^\"]*)\"[^>]*>(.*?)</(?:\w+:)?property>", re.S)
_VALUE = re.compile(r"<(?:\w+:)?(\w+)>([^<]*)<", re.S)


@dataclass(frozen=True)
class Record:
    """A workbook's record as read back: kind, version, the sheets' fingerprints and the whole JSON (`data`)."""

    kind: str
    version: str
    sheets: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        return self.data.get(key, default)

    @property
    def catalog(self) -> list[dict[str, Any]]:
        """The touchpoint rows handed out (checklists), in sheet order; [] when the record has none."""
        return list(self.data.get("catalog") or [])


# ---------------------------------------------------------------- custom properties


def custom_properties(path: Path) -> dict[str, str] | None:
    """name → text value of the workbook's custom document properties; None without docProps/custom.xml or when the
    file is no readable zip."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            name = _custom_part_name(archive.namelist())
            if name is None:
                return None
            info = archive.getinfo(name)
            if info.file_size > 4 << 20:  # our record is a few kilobytes; a huge part is nobody's record
                return None
            text = archive.read(name).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, KeyError, RuntimeError, NotImplementedError, zlib.error):
        return None
    return parse_properties(text)


def _custom_part_name(names: list[str]) -> str | None:
    if "docProps/custom.xml" in names:
        return "docProps/custom.xml"
    return next((n for n in names if n.lower().endswith("docprops/custom.xml")), None)


def parse_properties(text: str) -> dict[str, str]:
    props = {}
    for name, body in _PROPERTY.findall(text):
        match = _VALUE.search(body)
        props[unescape(name)] = unescape(match.group(2)) if match else ""
    return props


def _property_xml(pid: int, name: str, value: str) -> str:
    return (f'<property fmtid="{FMTID}" pid="{pid}" name="{escape(name, quote=True)}"><vt:lpwstr>{escape(value)}'
            "</vt:lpwstr></property>")


def set_properties(pkg: Any, overrides: dict[str, str], props: Mapping[str, str], *, drop_prefix: str = "") -> None:
    """Set kpicli's custom properties (text values) in a package (io.zipparts.Package), keeping the user's other ones
    as they are; properties whose names start with drop_prefix are removed first. `overrides` is the package's
    content-type overrides, written by the caller."""
    from kpicli.io.opc import read_rels, resolve, write_rels

    root = read_rels(pkg, "")
    existing = next((r for r in root if r["Type"] == CUSTOM_PROPS_REL), None)
    part = resolve("", existing["Target"]) if existing else "docProps/custom.xml"
    kept = []
    if part in pkg.parts:
        for element in re.findall(r"<(?:\w+:)?property\b.*?</(?:\w+:)?property>", pkg.text(part), re.S):
            name = re.search(r'\bname="([^"]*)"', element)
            key = unescape(name.group(1)) if name else ""
            if key not in props and not (drop_prefix and key.startswith(drop_prefix)):
                kept.append(element)
    elements = [re.sub(r'\bpid="\d+"', f'pid="{i + 2}"', e, count=1) for i, e in enumerate(kept)]
    elements += [_property_xml(len(elements) + i + 2, k, v) for i, (k, v) in enumerate(props.items())]
    pkg.put(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{CUSTOM_NS}" xmlns:vt="{VT_NS}">' + "".join(elements) + "</Properties>")
    overrides[part] = CUSTOM_PROPS_TYPE
    if existing is None:
        root.append({"Id": "rIdKpicliCustom", "Type": CUSTOM_PROPS_REL, "Target": part, "TargetMode": ""})
        write_rels(pkg, "", root)


# ---------------------------------------------------------------- fingerprints


def unreadable_errors() -> tuple[type[BaseException], ...]:
    """What reading a damaged workbook for its fingerprints may raise (the libraries are imported only now)."""
    import zipfile

    import python_calamine

    from kpicli.io.zipparts import PartsUnreadable

    return (OSError, ValueError, KeyError, zipfile.BadZipFile, zlib.error, PartsUnreadable, UnicodeDecodeError,
            python_calamine.CalamineError, python_calamine.ZipError, python_calamine.XmlError,
            python_calamine.PasswordError)


def token(value: object) -> str | None:
    """A cell value as kpicli reads it, in one canonical spelling; None for an empty cell."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "b1" if value else "b0"
    if isinstance(value, int):
        return f"n{value}"
    if isinstance(value, float):
        return f"n{int(value)}" if value.is_integer() else f"n{value!r}"
    if isinstance(value, datetime | date | time):
        return "d" + value.isoformat()
    if isinstance(value, timedelta):
        return f"t{value.total_seconds()!r}"
    return "s" + str(value)


_FORMULA = re.compile(rb"<f[\s>/]")


def sheet_parts(pkg: Any) -> dict[str, str]:
    """sheet name → its part in the package, in workbook order (io.zipparts.Package)."""
    from kpicli.io.opc import read_rels, resolve, workbook_part

    wb_part = workbook_part(pkg)
    rels = {r["Id"]: resolve(wb_part, r["Target"]) for r in read_rels(pkg, wb_part)}
    parts: dict[str, str] = {}
    for element in re.findall(r"<(?:\w+:)?sheet\b[^>]*/>", pkg.text(wb_part)):
        name = re.search(r'\bname="([^"]*)"', element)
        rid = re.search(r'\br:id="([^"]*)"|\b\w+:id="([^"]*)"', element)
        if not name or not rid:
            continue
        part = rels.get(rid.group(1) or rid.group(2))
        if part is not None and part in pkg.parts:
            parts[unescape(name.group(1))] = part
    return parts


def _formula_cells(pkg: Any, names: set[str] | None = None) -> dict[str, set[tuple[int, int]]]:
    """sheet name → zero-based (row, column) of its formula cells, from the sheet XML (of `names` only, if given)."""
    found: dict[str, set[tuple[int, int]]] = {}
    for name, part in sheet_parts(pkg).items():
        if names is not None and name not in names:
            continue
        xml = pkg.parts[part]
        if not _FORMULA.search(xml):  # <f> or <f t=…>; not <formula1> of a data validation, not <fill>
            continue
        cells = set()
        for match in re.finditer(rb'<c\b[^>]*?\br="([A-Z]+)([0-9]+)"[^>]*?(?:/>|>(.*?)</c>)', xml, re.S):
            if match.group(3) and re.search(rb"<f\b", match.group(3)):
                cells.add((int(match.group(2)) - 1, _column_index(match.group(1).decode())))
        found[name] = cells
    return found


def _column_index(letters: str) -> int:
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def sheet_fingerprints(path: Path, known: Mapping[str, str] | None = None) -> dict[str, str]:
    """sheet name → fingerprint of its cell values (formula cells left out), for every sheet of the workbook;
    `known`: fingerprints already known for some sheets (their parts unchanged), taken as they are."""
    import python_calamine

    from kpicli.io.zipparts import Package

    known = dict(known or {})
    pkg = Package.read(path)
    if known and set(sheet_parts(pkg)) == set(known) and _sheet_count(pkg) == len(known):
        return {name: known[name] for name in sheet_parts(pkg)}  # nothing changed: no cell is read
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        formulas = _formula_cells(pkg, set(book.sheet_names) - set(known))
        prints = {}
        for name in book.sheet_names:
            if name in known:
                prints[name] = known[name]
                continue
            rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            prints[name] = _fingerprint(rows, formulas.get(name, set()))
        return prints
    finally:
        book.close()


def _sheet_count(pkg: Any) -> int:
    from kpicli.io.opc import workbook_part

    return len(re.findall(r"<(?:\w+:)?sheet\b[^>]*/>", pkg.text(workbook_part(pkg))))


def _fingerprint(rows: list[list[object]], skip: set[tuple[int, int]]) -> str:
    """sha256 over "row,column,token\\0" of every non-empty cell not in `skip`, row by row (one update with the
    whole text gives the digest of one update per cell). Each distinct value is spelt (token) once."""
    tokens: dict[tuple[type, object], str | None] = {}
    text: list[str] = []
    append = text.append
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value == "" or value is None:
                continue
            key = (value.__class__, value)
            spelt = tokens.get(key, False)
            if spelt is False:
                spelt = tokens[key] = token(value)
            if spelt is not None and not (skip and (r, c) in skip):
                append(f"{r},{c},{spelt}\x00")
    return hashlib.sha256("".join(text).encode()).hexdigest()[:FINGERPRINT_LENGTH]


def fingerprints_with_rows(path: Path, rows: Mapping[str, tuple[int, int, bytes | None]]) -> dict[str, str]:
    """Fingerprints of sheets whose large tables are added after saving (render.fast_table), without reading them
    once written: `path` is the workbook as saved before the rows were added, `rows` maps a sheet to (the
    table's first and last Excel row, the fingerprint text of its rows, None when not certain). A sheet with a
    formula or a cell of its own among the table's rows, or whose rows' text is None, is left out (read once
    written)."""
    import python_calamine

    from kpicli.io.zipparts import Package

    wanted = {name: spec for name, spec in rows.items() if spec[2] is not None}
    formulas = _formula_cells(Package.read(path), set(wanted))
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    prints = {}
    try:
        for name, (first, last, body) in wanted.items():
            if formulas.get(name) or name not in book.sheet_names:
                continue
            grid = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
            inside = [row for row in grid[first - 1:last] if any(v not in ("", None) for v in row)]
            if inside:
                continue
            head, tail = _fingerprint_text(grid[:first - 1], 0), _fingerprint_text(grid[last:], last)
            prints[name] = hashlib.sha256(head + body + tail).hexdigest()[:FINGERPRINT_LENGTH]
    finally:
        book.close()
    return prints


def _fingerprint_text(rows: list[list[object]], first: int) -> bytes:
    """The fingerprint text (see _fingerprint) of rows starting at zero-based row `first`."""
    text = []
    for r, row in enumerate(rows, start=first):
        for c, value in enumerate(row):
            spelt = token(value)
            if spelt is not None:
                text.append(f"{r},{c},{spelt}\x00")
    return "".join(text).encode()


def part_sums(pkg: Any) -> dict[str, Any]:
    """Checksums of the package's parts from its zip directory (CRC-32 and size: nothing is decompressed):
    `sheets`, sheet name → its part's; `other`, one over every other part a cell value can depend on (shared
    strings, styles, the workbook part …; not docProps/, [Content_Types].xml and _rels/.rels, which a stamp
    rewrites). A sheet whose part and `other` are unchanged has unchanged values."""
    sheets = sheet_parts(pkg)
    in_sheets = set(sheets.values())
    others = []
    for name in sorted(pkg.parts):
        if name in in_sheets or name.startswith("docProps/") or name in ("[Content_Types].xml", "_rels/.rels"):
            continue
        others.append(f"{name}\x01{pkg.parts.checksum(name)}")
    other = hashlib.sha256("\x00".join(others).encode()).hexdigest()[:FINGERPRINT_LENGTH]
    return {"sheets": {name: pkg.parts.checksum(part) for name, part in sheets.items()}, "other": other}


def _unchanged(pkg: Any, record: Record) -> dict[str, str]:
    """The record's fingerprints of the sheets whose parts (and every part they depend on) are as stamped."""
    then = record.get("sums")
    if not isinstance(then, dict) or not isinstance(then.get("sheets"), dict):
        return {}
    now = part_sums(pkg)
    if now["other"] != then.get("other"):
        return {}
    return {name: record.sheets[name] for name, checksum in now["sheets"].items()
            if checksum is not None and then["sheets"].get(name) == checksum and name in record.sheets}


def overall(prints: Mapping[str, str]) -> str:
    text = "\x00".join(f"{name}\x01{value}" for name, value in sorted(prints.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:FINGERPRINT_LENGTH]


# ---------------------------------------------------------------- writing and reading the record


def encode(data: Mapping[str, Any]) -> list[str]:
    """The record as chunks of at most CHUNK characters."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    packed = base64.b64encode(zlib.compress(text.encode("utf-8"), 9)).decode("ascii")
    return [packed[i:i + CHUNK] for i in range(0, len(packed), CHUNK)] or [""]


def decode(chunks: list[str]) -> dict[str, Any] | None:
    try:
        data = json.loads(zlib.decompress(base64.b64decode("".join(chunks))).decode("utf-8"))
    except (ValueError, zlib.error, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def stamp(path: Path, record: Mapping[str, Any] | None = None, *, kind: str | None = None,
          known: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Fingerprint the workbook at `path` and write kpicli's record into it (rewriting the package once; its other
    parts are copied as they are). kind: the workbook's kind when `record` does not say it (else the one already
    marked); known: fingerprints the writer computed from the values in memory (fingerprints_with_rows), the
    other sheets are read. Returns the record as written."""
    from kpicli import __version__
    from kpicli.io.opc import content_types, write_content_types
    from kpicli.io.zipparts import Package

    props = custom_properties(path) or {}
    data: dict[str, Any] = dict(record or {})
    data["kind"] = data.get("kind") or kind or props.get(MARK_PROPERTY, "")
    data["format"] = FORMAT
    data["version"] = __version__
    data["sheets"] = sheet_fingerprints(path, known=known)
    pkg = Package.read(path)
    data["sums"] = part_sums(pkg)  # the parts below are copied as they are: their checksums stay
    chunks = encode(data)
    values = {MARK_PROPERTY: data["kind"], VERSION_PROPERTY: __version__,
              FINGERPRINT_PROPERTY: overall(data["sheets"])}
    values.update({f"{CHUNK_PREFIX}{i + 1:02d}": chunk for i, chunk in enumerate(chunks)})
    defaults, overrides = content_types(pkg)
    set_properties(pkg, overrides, values, drop_prefix=CHUNK_PREFIX)
    write_content_types(pkg, defaults, overrides)
    tmp = path.with_name(path.name + ".stamp")
    try:
        pkg.write(tmp, 6)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return data


def read(path: Path) -> Record | None:
    """The record kpicli wrote into the workbook, or None (no record, or one that cannot be decoded)."""
    props = custom_properties(Path(path))
    if not props:
        return None
    chunks = sorted((k for k in props if k.startswith(CHUNK_PREFIX)), key=lambda k: (len(k), k))
    if not chunks:
        return None
    data = decode([props[k] for k in chunks])
    if data is None:
        return None
    sheets = data.get("sheets") if isinstance(data.get("sheets"), dict) else {}
    return Record(kind=str(data.get("kind") or props.get(MARK_PROPERTY, "")), version=str(data.get("version", "")),
                  sheets={str(k): str(v) for k, v in sheets.items()}, data=data)


def changed_sheets(path: Path, record: Record | None = None) -> list[str] | None:
    """The sheets whose cell values differ from the record's fingerprints, in workbook order, then sheets of the
    record that are gone; [] when nothing changed; None when there is no record with fingerprints to compare."""
    record = record if record is not None else read(path)
    if record is None or not record.sheets:
        return None
    from kpicli.io.zipparts import Package

    now = sheet_fingerprints(Path(path), known=_unchanged(Package.read(Path(path)), record))
    changed = [name for name, value in now.items() if record.sheets.get(name) != value]
    return changed + [name for name in record.sheets if name not in now]
