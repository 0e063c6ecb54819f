"""Put result sheets into a copy of the user's workbook at the package (zip) level.

The input's parts are copied byte for byte — its sheets, charts, pictures, comments and macros-free
content stay exactly as the user made them — and the result sheets, built by openpyxl in a separate
small workbook, are grafted on in front: their styles appended to the input's stylesheet, their
shared strings turned into inline strings, their drawings and charts renamed. This is also what
makes `score` cost little more than reading: the input is never parsed and re-serialised, and its unchanged
parts are not even decompressed (kpicli.io.zipparts copies them raw).

What the graft cannot handle it refuses with GraftUnsupported, and only that: the writers then take the slow
openpyxl round trip. Any other exception is a bug and is not hidden behind the slow path.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from kpicli.io.opc import (
    attr,
    content_types,
    read_rels,
    relative,
    rels_name,
    resolve,
    workbook_part,
    write_content_types,
    write_rels,
)
from kpicli.io.provenance import MARK_PROPERTY
from kpicli.io.stylesheet import merge_styles
from kpicli.io.xlfast import insert_rows
from kpicli.io.xmltext import unescape
from kpicli.io.zipparts import Package, PartsUnreadable

# Deflate level 1: a result workbook ~10% larger, written several times faster than at the default 6.
FAST_DEFLATE = 1
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WORKSHEET_REL = REL_NS + "/worksheet"
CALC_CHAIN_REL = REL_NS + "/calcChain"
VBA_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
SHEET_MAIN = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
STRICT_NS = "http://purl.oclc.org/ooxml/"  # Strict Open XML: other namespaces throughout
# A sheet's sheetViews (where tabSelected is) comes before its data: this much of the start always holds it.
SHEET_HEAD = 1 << 16


class GraftUnsupported(Exception):
    """An input package the graft does not handle; the message (Chinese) says why, for --debug."""


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
        out.append({"name": attr(element, "name") or "", "sheetId": attr(element, "sheetId") or "0",
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
    try:
        _graft(target_path, results_path, out_path, result_names, kind, extra_rows or {})
    except PartsUnreadable as exc:
        raise GraftUnsupported(f"输入工作簿的压缩包有无法直接读取的部分（{exc}）") from exc


def _graft(target_path: Path, results_path: Path, out_path: Path, result_names: tuple[str, ...], kind: str,
           extra_rows: dict[str, Callable[[Callable[[int], int]], tuple[list[bytes], str]]]) -> None:
    pkg, res = Package.read(target_path), Package.read(results_path)
    if "[Content_Types].xml" not in pkg.parts:
        raise GraftUnsupported("输入工作簿缺少 [Content_Types].xml")
    defaults, overrides = content_types(pkg)
    res_defaults, res_overrides = content_types(res)
    wb_part = workbook_part(pkg)
    if wb_part not in pkg.parts:
        raise GraftUnsupported(f"输入工作簿缺少 {wb_part}")
    wb_xml = pkg.text(wb_part)
    wb_rels = read_rels(pkg, wb_part)
    if STRICT_NS in wb_xml[:2000] or any(r["Type"].startswith(STRICT_NS) for r in wb_rels):
        raise GraftUnsupported("输入工作簿是 Strict Open XML 格式")

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
    for sheet in kept:
        rel = by_id.get(sheet["rid"])
        if rel is None or resolve(wb_part, rel["Target"]) not in pkg.parts:
            raise GraftUnsupported(f"输入工作簿的工作表「{unescape(sheet['name'])}」缺少其内容部分")

    # The results' sheets, styles and parts.
    res_wb_part = workbook_part(res)
    res_wb_xml = res.text(res_wb_part)
    res_rels = {r["Id"]: r for r in read_rels(res, res_wb_part)}
    res_styles_part = next(resolve(res_wb_part, r["Target"]) for r in res_rels.values() if r["Type"].endswith("/styles"))
    styles_rel = next((r for r in wb_rels if r["Type"].endswith("/styles")), None)
    if styles_rel is None or resolve(wb_part, styles_rel["Target"]) not in pkg.parts:
        raise GraftUnsupported("输入工作簿没有样式部分（styles.xml）")
    styles_part = resolve(wb_part, styles_rel["Target"])
    if "<styleSheet" not in pkg.text(styles_part):
        raise GraftUnsupported("输入工作簿的样式表使用了命名空间前缀")
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
    # Excel compares sheet names without regard to case: 明细 is replaced above, but a kept "Sheet" would clash
    # with a new "SHEET" and Excel would refuse the file.
    clash = {unescape(s["name"]).casefold() for s in kept} & {unescape(s["name"]).casefold() for s in res_sheets}
    if clash:
        raise GraftUnsupported(f"输入工作簿已有与结果表同名（不分大小写）的工作表：{'、'.join(sorted(clash))}")
    for i, sheet in enumerate(res_sheets):
        part = copy_tree(resolve(res_wb_part, res_rels[sheet["rid"]]["Target"]))
        extra = extra_rows.get(unescape(sheet["name"]))
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
        _unselect(pkg, resolve(wb_part, by_id[sheet["rid"]]["Target"]))

    wb_xml = _rebuild_workbook_xml(wb_xml, res_wb_xml, kept, new_sheet_xml, removed_index, len(res_sheets))
    pkg.put(wb_part, wb_xml)
    write_rels(pkg, wb_part, wb_rels)
    _mark(pkg, overrides, kind)
    write_content_types(pkg, defaults, overrides)
    pkg.write(out_path, FAST_DEFLATE)


def _unselect(pkg: Package, part: str) -> None:
    """Clear tabSelected in a sheet's sheetViews, reading only the start of the sheet unless it must change: the
    input's sheets are otherwise copied without being decompressed at all."""
    head = pkg.parts.head(part, SHEET_HEAD)
    end = head.find(b"<sheetData")
    if end >= 0 and b'tabSelected="1"' not in head[:end]:
        return
    xml = pkg.parts[part]
    end = xml.find(b"<sheetData")
    if end < 0:
        end = len(xml)
    if b'tabSelected="1"' in xml[:end]:
        pkg.parts[part] = xml[:end].replace(b' tabSelected="1"', b"") + xml[end:]


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
        local = attr(element, "localSheetId")
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
    """Set kpicli's kind property (docProps/custom.xml), keeping the user's other ones; the rest of kpicli's record
    is stamped on the written file (io.provenance.stamp via outputs.atomic_write)."""
    from kpicli.io.custom_props import set_properties

    set_properties(pkg, overrides, {MARK_PROPERTY: kind})


def verify_graft(path: Path, expected: list[str]) -> None:
    """A grafted package must open and list the result sheets first, or we do not trust it: an input unlike any
    the graft was tested on is then written the slow way (GraftUnsupported), not handed over damaged."""
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
    except (python_calamine.CalamineError, OSError) as exc:  # what calamine raises for a package it cannot open
        raise GraftUnsupported(f"快速写入的结果无法打开（{exc}）") from exc
    names = book.sheet_names
    book.close()
    if names[: len(expected)] != expected:
        raise GraftUnsupported(f"快速写入的结果工作表顺序不对：{names[: len(expected)]}")
