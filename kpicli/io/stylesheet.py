"""Append one workbook's stylesheet to another's, for the zip-level graft (kpicli.io.graft).

Plain text work on styles.xml: the result sheets' fonts, fills, borders, number formats, cell formats and
differential formats go after the input's, and the maps say where each one went.
"""

from __future__ import annotations

import re

from kpicli.io.opc import attr


def _section(xml: str, tag: str) -> tuple[int, int, list[str]] | None:
    """(start of the children, end of the children, child elements) of <tag …>…</tag>."""
    match = re.search(r"<" + tag + r"\b[^>]*?(/?)>", xml)
    if match is None:
        return None
    if match.group(1) == "/":
        return match.start(), match.end(), []
    end = xml.index(f"</{tag}>", match.end())
    inner = xml[match.end():end]
    child = {"numFmts": "numFmt", "fonts": "font", "fills": "fill", "borders": "border", "cellXfs": "xf",
             "cellStyleXfs": "xf", "dxfs": "dxf"}[tag]
    children = re.findall(r"<" + child + r"\b(?:[^>]*?/>|.*?</" + child + r">)", inner, re.S)
    return match.end(), end, children


def _set_section(xml: str, tag: str, children: list[str], before: tuple[str, ...]) -> str:
    """Replace (or create) <tag count=…>children</tag> in a stylesheet."""
    element = f'<{tag} count="{len(children)}">' + "".join(children) + f"</{tag}>"
    match = re.search(r"<" + tag + r"\b[^>]*?/>|<" + tag + r"\b.*?</" + tag + ">", xml, re.S)
    if match:
        return xml[:match.start()] + element + xml[match.end():]
    for follower in before:
        position = xml.find(f"<{follower}")
        if position >= 0:
            return xml[:position] + element + xml[position:]
    return xml.replace("</styleSheet>", element + "</styleSheet>")


_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
          "colors", "extLst")


def merge_styles(target: str, source: str) -> tuple[str, dict[int, int], int]:
    """Append source's fonts, fills, borders, number formats, cell formats and differential formats
    (conditional formatting) to target's stylesheet.

    Returns the new stylesheet, the map from source cellXfs index to target cellXfs index, and the
    offset to add to the source's dxfId values.
    """
    offsets: dict[str, int] = {}
    merged = target
    for tag in ("fonts", "fills", "borders"):
        own = _section(merged, tag)
        theirs = _section(source, tag)
        own_children = own[2] if own else []
        offsets[tag] = len(own_children)
        merged = _set_section(merged, tag, own_children + (theirs[2] if theirs else []),
                              _ORDER[_ORDER.index(tag) + 1:])
    own_fmts = _section(merged, "numFmts")
    own_fmt_children = own_fmts[2] if own_fmts else []
    next_id = max([163] + [int(attr(f, "numFmtId") or 0) for f in own_fmt_children]) + 1
    fmt_map: dict[int, int] = {}
    theirs_fmts = _section(source, "numFmts")
    new_fmts = []
    for element in theirs_fmts[2] if theirs_fmts else []:
        old = int(attr(element, "numFmtId") or 0)
        fmt_map[old] = next_id
        new_fmts.append(re.sub(r'numFmtId="\d+"', f'numFmtId="{next_id}"', element, count=1))
        next_id += 1
    if new_fmts:
        merged = _set_section(merged, "numFmts", own_fmt_children + new_fmts, _ORDER[1:])
    own_xfs = _section(merged, "cellXfs")
    own_xf_children = own_xfs[2] if own_xfs else []
    theirs_xfs = _section(source, "cellXfs")
    xf_map: dict[int, int] = {}
    new_xfs = []

    def shift(element: str, name: str, offset: int) -> str:
        return re.sub(r'\b' + name + r'="(\d+)"', lambda m: f'{name}="{int(m.group(1)) + offset}"', element, count=1)

    for i, element in enumerate(theirs_xfs[2] if theirs_xfs else []):
        element = shift(element, "fontId", offsets["fonts"])
        element = shift(element, "fillId", offsets["fills"])
        element = shift(element, "borderId", offsets["borders"])
        element = re.sub(r'\bnumFmtId="(\d+)"', lambda m: f'numFmtId="{fmt_map.get(int(m.group(1)), int(m.group(1)))}"',
                         element, count=1)
        element = re.sub(r'\bxfId="\d+"', 'xfId="0"', element, count=1)
        xf_map[i] = len(own_xf_children) + i
        new_xfs.append(element)
    merged = _set_section(merged, "cellXfs", own_xf_children + new_xfs, _ORDER[_ORDER.index("cellXfs") + 1:])
    own_dxfs, theirs_dxfs = _section(merged, "dxfs"), _section(source, "dxfs")
    dxf_offset = len(own_dxfs[2]) if own_dxfs else 0
    if theirs_dxfs and theirs_dxfs[2]:
        # a dxf's numFmt carries its own id; keep it unique in the target too
        extra = [re.sub(r'numFmtId="(\d+)"', lambda m: f'numFmtId="{fmt_map.get(int(m.group(1)), int(m.group(1)))}"', d)
                 for d in theirs_dxfs[2]]
        merged = _set_section(merged, "dxfs", (own_dxfs[2] if own_dxfs else []) + extra,
                              _ORDER[_ORDER.index("dxfs") + 1:])
    return merged, xf_map, dxf_offset
