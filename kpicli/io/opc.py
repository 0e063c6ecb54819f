"""A package's relationships and content types (Open Packaging Conventions), read and written as text.

The zip-level graft (io.graft) and kpicli's record (io.provenance, io.custom_props, io.fingerprints) walk a
workbook package by these; the parts themselves are io.zipparts'.
"""

from __future__ import annotations

import posixpath
import re

from kpicli.io.xmltext import escape, unescape
from kpicli.io.zipparts import Package

_REL = re.compile(r"<Relationship\b[^>]*?/>", re.S)


def attr(element: str, name: str) -> str | None:
    """The value of attribute `name` in one XML element written as text, or None."""
    match = re.search(r'\b' + re.escape(name) + r'="([^"]*)"', element)
    return match.group(1) if match else None


def rels_name(part: str) -> str:
    folder, base = posixpath.split(part)
    return posixpath.join(folder, "_rels", base + ".rels")


def read_rels(pkg: Package, part: str) -> list[dict[str, str]]:
    name = rels_name(part)
    if name not in pkg.parts:
        return []
    rels = []
    for element in _REL.findall(pkg.text(name)):
        rels.append({"Id": attr(element, "Id") or "", "Type": attr(element, "Type") or "",
                     "Target": unescape(attr(element, "Target") or ""), "TargetMode": attr(element, "TargetMode") or "",
                     "xml": element})
    return rels


def resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def relative(source_part: str, target_part: str) -> str:
    return posixpath.relpath(target_part, posixpath.dirname(source_part))


def write_rels(pkg: Package, part: str, rels: list[dict[str, str]]) -> None:
    body = "".join(
        f'<Relationship Id="{r["Id"]}" Type="{r["Type"]}" Target="{escape(r["Target"], quote=True)}"'
        + (f' TargetMode="{r["TargetMode"]}"' if r.get("TargetMode") else "") + "/>"
        for r in rels
    )
    pkg.put(rels_name(part), '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{body}</Relationships>')


def content_types(pkg: Package) -> tuple[dict[str, str], dict[str, str]]:
    text = pkg.text("[Content_Types].xml")
    defaults = {(attr(e, "Extension") or "").lower(): attr(e, "ContentType") or ""
                for e in re.findall(r"<Default\b[^>]*/>", text)}
    overrides = {(attr(e, "PartName") or "").lstrip("/"): attr(e, "ContentType") or ""
                 for e in re.findall(r"<Override\b[^>]*/>", text)}
    return defaults, overrides


def write_content_types(pkg: Package, defaults: dict[str, str], overrides: dict[str, str]) -> None:
    body = "".join(f'<Default Extension="{k}" ContentType="{v}"/>' for k, v in defaults.items())
    body += "".join(f'<Override PartName="/{k}" ContentType="{v}"/>' for k, v in overrides.items() if k in pkg.parts)
    pkg.put("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">{body}</Types>')


def workbook_part(pkg: Package) -> str:
    for rel in read_rels(pkg, ""):
        if rel["Type"].endswith("/officeDocument"):
            return resolve("", rel["Target"])
    return "xl/workbook.xml"
