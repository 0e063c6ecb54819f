"""Put result sheets into a copy of the user's workbook at the package (zip) level.

The input's parts are copied byte for byte — its sheets, charts, pictures, comments and macros-free
content stay exactly as the user made them — and the result sheets, built by openpyxl in a separate
small workbook, are grafted on in front: their styles appended to the input's stylesheet, their
shared strings turned into inline strings, their drawings and charts renamed. This is also what
makes `score` cost little more than reading: the input is never parsed and re-serialised.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kpicli.io.outputs import MARK_PROPERTY
from kpicli.io.xlfast import insert_rows
from kpicli.io.xmltext import escape, unescape

# Deflate level 1: a result workbook ~10% larger, written several times faster than at the default 6.
FAST_DEFLATE = 1
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_REL = REL_NS + "/worksheet"
CUSTOM_PROPS_REL = REL_NS + "/custom-properties"
CALC_CHAIN_REL = REL_NS + "/calcChain"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
CUSTOM_PROPS_TYPE = "application/vnd.openxmlformats-officedocument.custom-properties+xml"


@dataclass
class Package:
    """A zip package held in memory as name → bytes, order kept."""

    parts: dict[str, bytes] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Package:
        with zipfile.ZipFile(path) as archive:
            return cls({info.filename: archive.read(info.filename) for info in archive.infolist()
                        if not info.is_dir()})

    def text(self, name: str) -> str:
        return self.parts[name].decode("utf-8")

    def put(self, name: str, text: str) -> None:
        self.parts[name] = text.encode("utf-8")

    def write(self, path: Path) -> None:
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=FAST_DEFLATE) as archive:
            # [Content_Types].xml first, as Office writes it
            for name in sorted(self.parts, key=lambda n: n != "[Content_Types].xml"):
                archive.writestr(name, self.parts[name])


# ---------------------------------------------------------------- relationships and content types

_REL = re.compile(r"<Relationship\b[^>]*?/>", re.S)


def _attr(element: str, name: str) -> str | None:
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
        rels.append({"Id": _attr(element, "Id") or "", "Type": _attr(element, "Type") or "",
                     "Target": unescape(_attr(element, "Target") or ""), "TargetMode": _attr(element, "TargetMode") or "",
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
    defaults = {(_attr(e, "Extension") or "").lower(): _attr(e, "ContentType") or ""
                for e in re.findall(r"<Default\b[^>]*/>", text)}
    overrides = {(_attr(e, "PartName") or "").lstrip("/"): _attr(e, "ContentType") or ""
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


# ---------------------------------------------------------------- styles


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
    next_id = max([163] + [int(_attr(f, "numFmtId") or 0) for f in own_fmt_children]) + 1
    fmt_map: dict[int, int] = {}
    theirs_fmts = _section(source, "numFmts")
    new_fmts = []
    for element in theirs_fmts[2] if theirs_fmts else []:
        old = int(_attr(element, "numFmtId") or 0)
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


# ---------------------------------------------------------------- sheets


def _shared_strings(pkg: Package) -> list[str]:
    """Each shared string's XML content (already escaped), for inlining."""
    name = next((n for n in pkg.parts if n.endswith("sharedStrings.xml")), None)
    if name is None:
        return []
    return re.findall(r"<si>(.*?)</si>", pkg.text(name), re.S)


def _inline(xml: str, strings: list[str], xf_map: dict[int, int], dxf_offset: int = 0) -> str:
    """Shared-string cells → inline-string cells, and style indices → the target's (openpyxl's own
    output, so attributes come as r, s, t and strings as <v>index</v>)."""

    def text(match: re.Match) -> str:
        si = strings[int(match.group(1))]
        inner = si if si.lstrip().startswith("<") else f"<t>{si}</t>"
        return f't="inlineStr"><is>{inner}</is>'

    xml = re.sub(r'(?<=\s)(s|style)="(\d+)"', lambda m: f'{m.group(1)}="{xf_map.get(int(m.group(2)), 0)}"', xml)
    if dxf_offset:
        xml = re.sub(r'(?<=\s)dxfId="(\d+)"', lambda m: f'dxfId="{int(m.group(1)) + dxf_offset}"', xml)
    return re.sub(r't="s"><v>(\d+)</v>', text, xml)


def _sheets(workbook_xml: str) -> list[dict[str, str]]:
    out = []
    for element in re.findall(r"<sheet\b[^>]*/>", workbook_xml):
        rid = re.search(r'\b[\w]+:id="([^"]*)"', element)
        out.append({"name": _attr(element, "name") or "", "sheetId": _attr(element, "sheetId") or "0",
                    "rid": rid.group(1) if rid else "", "xml": element})
    return out


def _drop_part_tree(pkg: Package, part: str, keep: set[str]) -> None:
    """Delete a part, its rels, and what only it referred to (drawings, charts)."""
    if part not in pkg.parts or part in keep:
        return
    for rel in read_rels(pkg, part):
        if rel["TargetMode"] != "External":
            child = resolve(part, rel["Target"])
            if any(k in child for k in ("/drawings/", "/charts/", "/printerSettings/")):
                _drop_part_tree(pkg, child, keep)
    pkg.parts.pop(part, None)
    pkg.parts.pop(rels_name(part), None)


def graft(target_path: Path, results_path: Path, out_path: Path, result_names: tuple[str, ...], kind: str,
          extra_rows: dict[str, Callable[[Callable[[int], int]], tuple[list[bytes], str]]] | None = None) -> None:
    """Write out_path = the target workbook with the results workbook's sheets in front.

    Sheets of the target whose names are in result_names (an earlier run's results) are removed first.
    extra_rows maps a result sheet's name to a function that, given the style-index map, returns
    (row XML to append to its sheetData, its new dimension ref).
    """
    pkg, res = Package.read(target_path), Package.read(results_path)
    if "[Content_Types].xml" not in pkg.parts:
        raise ValueError("not an OOXML package")
    defaults, overrides = content_types(pkg)
    res_defaults, res_overrides = content_types(res)
    wb_part = workbook_part(pkg)
    wb_xml = pkg.text(wb_part)
    wb_rels = read_rels(pkg, wb_part)

    # Macros and templates: the result is a plain .xlsx.
    overrides[wb_part] = SHEET_MAIN
    for rel in [r for r in wb_rels if r["Type"] in (VBA_REL, CALC_CHAIN_REL)]:
        _drop_part_tree(pkg, resolve(wb_part, rel["Target"]), set())
        pkg.parts.pop(resolve(wb_part, rel["Target"]), None)
        wb_rels.remove(rel)

    # Remove an earlier run's result sheets.
    old_sheets = _sheets(wb_xml)
    kept = [s for s in old_sheets if unescape(s["name"]) not in result_names]
    removed_index = [i for i, s in enumerate(old_sheets) if s not in kept]
    by_id = {r["Id"]: r for r in wb_rels}
    for sheet in old_sheets:
        if sheet not in kept and sheet["rid"] in by_id:
            _drop_part_tree(pkg, resolve(wb_part, by_id[sheet["rid"]]["Target"]), set())
            wb_rels.remove(by_id[sheet["rid"]])

    # The results' sheets, styles and parts.
    res_wb_part = workbook_part(res)
    res_wb_xml = res.text(res_wb_part)
    res_rels = {r["Id"]: r for r in read_rels(res, res_wb_part)}
    res_styles_part = next(resolve(res_wb_part, r["Target"]) for r in res_rels.values() if r["Type"].endswith("/styles"))
    styles_rel = next((r for r in wb_rels if r["Type"].endswith("/styles")), None)
    if styles_rel is None:
        raise ValueError("workbook without styles part")
    styles_part = resolve(wb_part, styles_rel["Target"])
    if "<styleSheet" not in pkg.text(styles_part):
        raise ValueError("stylesheet with a namespace prefix")  # the caller falls back to openpyxl
    merged_styles, xf_map, dxf_offset = merge_styles(pkg.text(styles_part), res.text(res_styles_part))
    pkg.put(styles_part, merged_styles)
    strings = _shared_strings(res)

    new_sheet_xml = []
    max_sheet_id = max([int(s["sheetId"]) for s in kept] + [0])
    renamed: dict[str, str] = {}

    def new_name(part: str) -> str:
        """sheet3.xml → the first free sheetN.xml of the target (names as Office itself would give)."""
        if part not in renamed:
            folder, base = posixpath.split(part)
            stem, dot, ext = base.rpartition(".")
            stem = stem.rstrip("0123456789") or "part"
            taken = set(pkg.parts) | set(renamed.values())
            counter = 1
            while posixpath.join(folder, f"{stem}{counter}{dot}{ext}") in taken:
                counter += 1
            renamed[part] = posixpath.join(folder, f"{stem}{counter}{dot}{ext}")
        return renamed[part]

    def copy_tree(part: str) -> str:
        """Copy a results part (and what it refers to) into the target under a fresh name."""
        target = new_name(part)
        if target in pkg.parts:
            return target
        data = res.parts[part]
        if part.startswith("xl/worksheets/"):
            data = _inline(data.decode("utf-8"), strings, xf_map, dxf_offset).encode("utf-8")
        pkg.parts[target] = data
        overrides[target] = res_overrides.get(part) or res_defaults.get(part.rsplit(".", 1)[-1], "")
        rels = read_rels(res, part)
        for rel in rels:
            if rel["TargetMode"] != "External":
                rel["Target"] = relative(target, copy_tree(resolve(part, rel["Target"])))
        if rels:
            write_rels(pkg, target, rels)
        return target

    res_sheets = _sheets(res_wb_xml)
    for i, sheet in enumerate(res_sheets):
        part = copy_tree(resolve(res_wb_part, res_rels[sheet["rid"]]["Target"]))
        extra = (extra_rows or {}).get(unescape(sheet["name"]))
        if extra is not None:
            rows, ref = extra(lambda k: xf_map.get(k, 0))
            pkg.parts[part] = insert_rows(pkg.parts[part], rows, ref)
        rid = f"rIdKpicli{i + 1}"
        wb_rels.append({"Id": rid, "Type": WORKSHEET_REL, "Target": relative(wb_part, part), "TargetMode": ""})
        new_sheet_xml.append(f'<sheet name="{sheet["name"]}" sheetId="{max_sheet_id + i + 1}" r:id="{rid}"/>')
    for ext, ctype in res_defaults.items():
        defaults.setdefault(ext, ctype)

    # Target sheets: no longer the selected tab.
    for sheet in kept:
        rel = by_id.get(sheet["rid"])
        if rel:
            part = resolve(wb_part, rel["Target"])
            if part in pkg.parts:
                xml = pkg.text(part)
                if 'tabSelected="1"' in xml:
                    pkg.put(part, xml.replace(' tabSelected="1"', ""))

    wb_xml = _rebuild_workbook_xml(wb_xml, res_wb_xml, kept, new_sheet_xml, removed_index, len(res_sheets))
    pkg.put(wb_part, wb_xml)
    write_rels(pkg, wb_part, wb_rels)
    _mark(pkg, overrides, kind)
    write_content_types(pkg, defaults, overrides)
    pkg.write(out_path)


def _rebuild_workbook_xml(wb_xml: str, res_wb_xml: str, kept: list[dict], new_sheets: list[str],
                          removed: list[int], added: int) -> str:
    # Ensure the r: prefix used for our new sheets is declared.
    if 'xmlns:r="' + REL_NS + '"' not in wb_xml:
        wb_xml = re.sub(r"<workbook\b", f'<workbook xmlns:r="{REL_NS}"', wb_xml, count=1)
    sheets_xml = "<sheets>" + "".join(new_sheets) + "".join(s["xml"] for s in kept) + "</sheets>"
    wb_xml = re.sub(r"<sheets>.*?</sheets>", lambda _: sheets_xml, wb_xml, count=1, flags=re.S)

    def shift_local(match: re.Match) -> str:
        old = int(match.group(1))
        if old in removed:
            return match.group(0)
        return f'localSheetId="{old - sum(1 for r in removed if r < old) + added}"'

    names = re.findall(r"<definedName\b[^>]*>.*?</definedName>", wb_xml, re.S)
    kept_names = []
    for element in names:
        local = _attr(element, "localSheetId")
        if local is not None and int(local) in removed:
            continue
        kept_names.append(re.sub(r'localSheetId="(\d+)"', shift_local, element, count=1))
    kept_names += re.findall(r"<definedName\b[^>]*>.*?</definedName>", res_wb_xml, re.S)
    defined = "<definedNames>" + "".join(kept_names) + "</definedNames>" if kept_names else ""
    if "<definedNames" in wb_xml:
        wb_xml = re.sub(r"<definedNames\s*>.*?</definedNames>|<definedNames\s*/>", lambda _: defined, wb_xml,
                        count=1, flags=re.S)
    elif defined:
        wb_xml = wb_xml.replace("</sheets>", "</sheets>" + defined, 1)
    # Open on the first result sheet.
    wb_xml = re.sub(r'\s(activeTab|firstSheet)="\d+"', "", wb_xml)
    return wb_xml


def _mark(pkg: Package, overrides: dict[str, str], kind: str) -> None:
    """Set kpicli's custom document property (docProps/custom.xml), keeping the user's other ones."""
    root = read_rels(pkg, "")
    existing = next((r for r in root if r["Type"] == CUSTOM_PROPS_REL), None)
    part = resolve("", existing["Target"]) if existing else "docProps/custom.xml"
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
    fmtid = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
    props = []
    if part in pkg.parts:
        props = [p for p in re.findall(r"<property\b.*?</property>", pkg.text(part), re.S)
                 if f'name="{MARK_PROPERTY}"' not in p]
    pid = 2 + len(props)
    props = [re.sub(r'\bpid="\d+"', f'pid="{i + 2}"', p, count=1) for i, p in enumerate(props)]
    props.append(f'<property fmtid="{fmtid}" pid="{pid}" name="{MARK_PROPERTY}"><vt:lpwstr>{escape(kind)}</vt:lpwstr>'
                 "</property>")
    pkg.put(part, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Properties xmlns="{ns}" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            + "".join(props) + "</Properties>")
    overrides[part] = CUSTOM_PROPS_TYPE
    if existing is None:
        root.append({"Id": "rIdKpicliCustom", "Type": CUSTOM_PROPS_REL, "Target": part, "TargetMode": ""})
        write_rels(pkg, "", root)


def verify_graft(path: Path, expected: list[str]) -> None:
    """A grafted package must open and list the result sheets first, or we do not trust it."""
    import python_calamine

    book = python_calamine.CalamineWorkbook.from_path(str(path))
    names = book.sheet_names
    book.close()
    if names[: len(expected)] != expected:
        raise ValueError(f"grafted workbook lists {names}")
