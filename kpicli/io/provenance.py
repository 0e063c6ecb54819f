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

The fingerprints (over cell values, formula cells left out) are io.fingerprints'; the properties' XML is
io.custom_props'.

The API (io layer; writers call it through outputs.atomic_write / save_workbook(record=…)):

- `stamp(path, record)`: zip level: fingerprint the workbook at `path` and write the record into it (the fast
  writer's grafted results and openpyxl's saves alike, on the temporary file before its atomic rename);
- `read(path) -> Record | None`: the record, or None for a workbook without one;
- `changed_sheets(path) -> list[str] | None`: the sheets whose values differ from the record (added and removed
  sheets too), [] when unchanged, None when the workbook has no fingerprints to compare with.
"""

from __future__ import annotations

import base64
import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kpicli.io.custom_props import custom_properties, set_properties
from kpicli.io.fingerprints import overall, part_sums, sheet_fingerprints

FORMAT = 1
MARK_PROPERTY = "kpicli"  # the kind (outputs.mark_workbook); the record's properties share the prefix
VERSION_PROPERTY = "kpicli.version"
FINGERPRINT_PROPERTY = "kpicli.fingerprint"
CHUNK_PREFIX = "kpicli.record."
CHUNK = 240  # characters per property value: below Excel's 255


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
    marked); known: fingerprints the writer already has (its result sheets from the values in memory,
    fingerprints_with_rows; the input's copied sheets from the values the command read, io.prints_as_read), the
    other sheets are read. Returns the record as written."""
    from kpicli import __version__
    from kpicli.io.opc import content_types, write_content_types
    from kpicli.io.zipparts import Package

    props = custom_properties(path) or {}
    data: dict[str, Any] = dict(record or {})
    data["kind"] = data.get("kind") or kind or props.get(MARK_PROPERTY, "")
    data["format"] = FORMAT
    data["version"] = __version__
    pkg = Package.read(path)
    data["sheets"] = sheet_fingerprints(path, known=known, pkg=pkg)
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
