"""The workbook's custom document properties (docProps/custom.xml): where kpicli keeps its record and its mark.

Excel, WPS and LibreOffice keep these properties when they save, and no casual user sees them (only File →
Properties → Custom lists them). Reading is a bounded look at one zip part, without an XML parser; writing replaces
kpicli's properties in a package (io.zipparts.Package) and keeps the user's other ones as they are. What kpicli writes
there (the record, its chunks and fingerprints) is io.provenance's.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from kpicli.io.xmltext import escape, unescape

CUSTOM_NS = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
VT_NS = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
CUSTOM_PROPS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
CUSTOM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
_PROPERTY = re.compile(r"<(?:\w+:)?property\b[^>]*?\bname=\"([^\"]*)\"[^>]*>(.*?)</(?:\w+:)?property>", re.S)
_VALUE = re.compile(r"<(?:\w+:)?(\w+)>([^<]*)<", re.S)


def custom_properties(path: Path) -> dict[str, str] | None:
    """name → text value of the workbook's custom document properties; None without docProps/custom.xml or when the
    file is no readable zip."""
    import zipfile

    unreadable = (OSError, zipfile.BadZipFile, RuntimeError, NotImplementedError, zlib.error, EOFError)
    try:  # zipfile's calls only: an error of kpicli's own code in between is a bug, not "no record"
        archive = zipfile.ZipFile(path)
    except unreadable:
        return None
    with archive:
        name = _custom_part_name(archive.namelist())
        if name is None:
            return None
        if archive.getinfo(name).file_size > 4 << 20:  # our record is a few kilobytes; a huge one is nobody's
            return None
        try:
            data = archive.read(name)
        except unreadable:
            return None
    return parse_properties(data.decode("utf-8", "replace"))


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

