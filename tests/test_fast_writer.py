"""The fast result writer (issue 12): the zip-level graft is the path every bundled sample and every kind of result
takes; only GraftUnsupported sends a workbook the slow way, which then writes the same values; any other failure
is a bug and surfaces; large tables written as XML rows look exactly as openpyxl would write them; the input's
unchanged parts are copied raw."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from kpicli import kinds
from kpicli.checklist.render import result_book
from kpicli.io.graft import GraftUnsupported, graft
from kpicli.io.workbook import read_workbook
from kpicli.io.zipparts import Package, read_raw, write_zip
from kpicli.render import book as writer
from kpicli.render.fast_table import fast_table
from kpicli.render.style import set_widths, write_table
from kpicli.scorecard import score_workbook
from kpicli.scorecard.render import book as scorecard_book
from kpicli.scorecard.render.book import write_scorecard_result
from tests.builders import assert_handled, run, standard_workbook
from tests.samples import CHECKLIST_SAMPLES, SCORECARD_SAMPLES
from tests.scorecard_builders import build_scorecard, points_card, weighted_card

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = (*CHECKLIST_SAMPLES, *SCORECARD_SAMPLES)
FAST, SLOW = "结果工作簿：快速写入", "结果工作簿：兼容写入"


def _no_round_trip(*args: object, **kwargs: object) -> None:
    raise AssertionError("the slow path was taken")


def _values(path: Path, skip: set[str] = frozenset()) -> dict[str, list[tuple]]:
    """Every sheet's values, without the scoring timestamp (it differs from run to run)."""
    wb = openpyxl.load_workbook(path)
    return {ws.title: [r for r in ws.iter_rows(values_only=True) if r[:1] not in (("评分时间",),)]
            for ws in wb.worksheets if ws.title not in skip}


def _is_scorecard(path: Path) -> bool:
    return kinds.detect(read_workbook(path)) is kinds.by_name("scorecard")


# One sample of each kind in the quick loop (the smallest of each), the rest with the slow tests.
QUICK_SAMPLES = (CHECKLIST_SAMPLES[-1], SCORECARD_SAMPLES[2])  # messy_…2026Q2, 2026年02月


@pytest.mark.parametrize("sample", [pytest.param(s, marks=() if s in QUICK_SAMPLES else pytest.mark.slow)
                                    for s in SAMPLES], ids=[s.stem for s in SAMPLES])
def test_every_bundled_sample_takes_the_fast_path(sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(writer, "_round_trip", _no_round_trip)  # the one write-with-fallback helper, both kinds
    out = tmp_path / "结果.xlsx"
    result = run("--debug", "score", sample, "-o", out)
    assert_handled(result, 0)
    assert FAST in result.stderr and SLOW not in result.stderr
    sheets = scorecard_book.RESULT_SHEETS if _is_scorecard(sample) else result_book.RESULT_SHEETS
    names = openpyxl.load_workbook(out).sheetnames
    first = [s for s in sheets if s in names]
    assert first and names[: len(first)] == first
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None


def test_the_quick_samples_are_one_of_each_kind():
    assert [_is_scorecard(s) for s in QUICK_SAMPLES] == [False, True]


def test_scorecard_result_takes_the_fast_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(writer, "_round_trip", _no_round_trip)
    source = build_scorecard(tmp_path / "考核.xlsx", {"张三": weighted_card(), "李四": points_card()})
    out = write_scorecard_result(score_workbook(read_workbook(source)), source, tmp_path / "结果.xlsx")
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [*scorecard_book.RESULT_SHEETS, "张三", "李四"]
    details = list(wb["指标明细"].iter_rows(min_row=5, values_only=True))
    assert [r[1] for r in details] == ["张三"] * 3 + ["李四"] * 4  # rank order: 92.8 before 84
    assert details[0][3] == "满意度" and details[0][12] == 36


@pytest.mark.slow
def test_graft_unsupported_takes_the_slow_path_with_the_same_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = standard_workbook(tmp_path / "检查表.xlsx")
    fast = run("--debug", "score", source, "-o", tmp_path / "快.xlsx")
    assert_handled(fast, 0)
    assert FAST in fast.stderr

    def unsupported(*args: object, **kwargs: object) -> None:
        raise GraftUnsupported("测试：不支持的输入")

    monkeypatch.setattr(writer, "graft", unsupported)
    slow = run("--debug", "score", source, "-o", tmp_path / "慢.xlsx")
    assert_handled(slow, 0)
    assert f"{SLOW}（测试：不支持的输入" in slow.stderr and FAST not in slow.stderr
    assert _values(tmp_path / "慢.xlsx") == _values(tmp_path / "快.xlsx")
    quiet = run("score", source, "-o", tmp_path / "慢2.xlsx")
    assert SLOW not in quiet.stderr  # said only with --debug


@pytest.mark.slow  # over 0.2 s of CPU (0.33 s measured)
def test_scorecard_graft_unsupported_writes_the_same_values(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = build_scorecard(tmp_path / "考核.xlsx", {"张三": weighted_card(), "李四": points_card()})
    result = score_workbook(read_workbook(source))
    fast = write_scorecard_result(result, source, tmp_path / "快.xlsx")

    def unsupported(*args: object, **kwargs: object) -> None:
        raise GraftUnsupported("测试")

    monkeypatch.setattr(writer, "graft", unsupported)
    slow = write_scorecard_result(result, source, tmp_path / "慢.xlsx")
    assert _values(slow) == _values(fast)


@pytest.mark.slow  # over 0.2 s of CPU (0.31 s measured)
def test_any_other_failure_of_the_graft_is_a_bug_not_a_slow_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    source = standard_workbook(tmp_path / "检查表.xlsx")

    def broken(*args: object, **kwargs: object) -> None:
        raise KeyError("xl/styles.xml")

    monkeypatch.setattr(writer, "graft", broken)
    monkeypatch.setattr(writer, "_round_trip", _no_round_trip)
    result = run("score", source, "-o", tmp_path / "结果.xlsx")
    assert result.exit_code != 0 and "KeyError" in result.output  # said, not hidden behind the slow path
    assert not (tmp_path / "结果.xlsx").exists()
    assert not list(tmp_path.glob(".~kpicli-*"))  # no temporary file left behind


# --- what the graft refuses --------------------------------------------------------------------------------------


def _results_book(path: Path, title: str = "评分汇总") -> Path:
    wb = openpyxl.Workbook()
    wb.active.title = title
    wb.active["A1"] = "结果"
    wb.save(path)
    return path


def _rewrite(source: Path, target: Path, change: dict[str, bytes | None]) -> Path:
    """A copy of the package with some parts replaced (None: removed)."""
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in change:
                if change[info.filename] is not None:
                    dst.writestr(info.filename, change[info.filename])
            else:
                dst.writestr(info, src.read(info))
    return target


def test_graft_refuses_strict_open_xml(tmp_path: Path):
    source = standard_workbook(tmp_path / "检查表.xlsx")
    with zipfile.ZipFile(source) as archive:
        workbook = archive.read("xl/workbook.xml").replace(
            b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main")
    strict = _rewrite(source, tmp_path / "strict.xlsx", {"xl/workbook.xml": workbook})
    with pytest.raises(GraftUnsupported, match="Strict"):
        graft(strict, _results_book(tmp_path / "r.xlsx"), tmp_path / "out.xlsx", ("评分汇总",), "评分结果")


def test_graft_refuses_a_package_without_styles_or_a_sheet_part(tmp_path: Path):
    source = standard_workbook(tmp_path / "检查表.xlsx")
    results = _results_book(tmp_path / "r.xlsx")
    no_styles = _rewrite(source, tmp_path / "no_styles.xlsx", {"xl/styles.xml": None})
    with pytest.raises(GraftUnsupported, match="样式"):
        graft(no_styles, results, tmp_path / "out.xlsx", ("评分汇总",), "评分结果")
    no_sheet = _rewrite(source, tmp_path / "no_sheet.xlsx", {"xl/worksheets/sheet3.xml": None})
    with pytest.raises(GraftUnsupported, match="缺少其内容部分"):
        graft(no_sheet, results, tmp_path / "out.xlsx", ("评分汇总",), "评分结果")


def test_graft_refuses_a_sheet_name_that_clashes_in_another_case(tmp_path: Path):
    wb = openpyxl.Workbook()
    wb.active.title = "summary"
    wb.save(tmp_path / "in.xlsx")
    with pytest.raises(GraftUnsupported, match="summary"):
        graft(tmp_path / "in.xlsx", _results_book(tmp_path / "r.xlsx", "Summary"), tmp_path / "out.xlsx",
              ("Other",), "评分结果")


# --- the input copied raw ------------------------------------------------------------------------------------------


@pytest.mark.slow  # over 0.2 s of CPU (0.32 s measured)
def test_unchanged_parts_of_the_input_are_copied_raw(tmp_path: Path):
    source = standard_workbook(tmp_path / "检查表.xlsx")
    out = tmp_path / "结果.xlsx"
    assert_handled(run("score", source, "-o", out), 0)
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out) as dst:
        assert dst.testzip() is None
        sheets = [i for i in src.infolist() if i.filename.startswith("xl/worksheets/sheet")]
        names = {i.filename: i for i in dst.infolist()}
        with open(source, "rb") as a, open(out, "rb") as b:
            for info in sheets:
                copied = names[info.filename]
                assert read_raw(b, copied) == read_raw(a, info)  # the compressed bytes themselves
                assert copied.CRC == info.CRC


def test_write_zip_copies_stored_and_deflated_members_and_writes_new_ones(tmp_path: Path):
    source = tmp_path / "in.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("a.xml", b"<a>" + b"x" * 5000 + b"</a>", compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("b.bin", b"\x00\x01" * 300, compress_type=zipfile.ZIP_STORED)
        archive.writestr("c.xml", b"<c/>", compress_type=zipfile.ZIP_DEFLATED)
    pkg = Package.read(source)
    pkg.parts["c.xml"] = b"<c>changed</c>"
    pkg.parts["新.xml"] = "<新/>".encode()
    out = tmp_path / "out.zip"
    pkg.write(out, 1)
    with zipfile.ZipFile(out) as archive:
        assert archive.testzip() is None
        assert archive.namelist() == ["a.xml", "b.bin", "c.xml", "新.xml"]
        assert archive.read("a.xml") == b"<a>" + b"x" * 5000 + b"</a>"
        assert archive.read("b.bin") == b"\x00\x01" * 300
        assert archive.getinfo("b.bin").compress_type == zipfile.ZIP_STORED
        assert archive.read("c.xml") == b"<c>changed</c>" and archive.read("新.xml") == "<新/>".encode()
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(out) as dst:
        with open(source, "rb") as a, open(out, "rb") as b:
            assert read_raw(b, dst.getinfo("a.xml")) == read_raw(a, src.getinfo("a.xml"))


def test_write_zip_falls_back_to_zipfile_when_zip64_would_be_needed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    from kpicli.io import zipparts

    monkeypatch.setattr(zipparts, "_LIMIT", 10)  # any member is "too large"
    pkg = Package()
    pkg.parts["big.xml"] = b"<big>" + b"y" * 100 + b"</big>"
    pkg.write(tmp_path / "out.zip", 1)
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert archive.read("big.xml") == b"<big>" + b"y" * 100 + b"</big>"


def test_read_raw_rejects_bytes_that_are_not_the_member(tmp_path: Path):
    archive_bytes = io.BytesIO()
    with zipfile.ZipFile(archive_bytes, "w") as archive:
        archive.writestr("a.xml", b"<a/>")
    info = zipfile.ZipFile(archive_bytes).getinfo("a.xml")
    assert zipfile.ZipFile(write_raw_copy(archive_bytes, info, tmp_path / "copy.zip")).read("a.xml") == b"<a/>"
    with pytest.raises(zipfile.BadZipFile):
        read_raw(io.BytesIO(b"not a zip" * 10), info)


def write_raw_copy(source: io.BytesIO, info: zipfile.ZipInfo, path: Path) -> Path:
    """A one-member archive written by write_zip from the member's raw bytes."""
    from kpicli.io.zipparts import RawMember

    write_zip(path, [(info.filename, RawMember(info, read_raw(source, info)))], 1)
    return path


# --- large tables as XML rows, exactly as openpyxl writes them ---------------------------------------------------


def _look(cell: object) -> tuple:
    """What a reader sees of a cell's style (openpyxl's style proxies do not compare by value)."""
    a, b = cell.alignment, cell.border
    return (a.horizontal, a.vertical, bool(a.wrap_text), b.left.style, b.right.style, b.top.style, b.bottom.style,
            b.left.color.rgb if b.left.color else None, cell.font.b, cell.fill.fgColor.rgb)


def test_fast_table_looks_exactly_like_write_table(tmp_path: Path):
    headers = ["职能", "说明", "数", "空", "单元格"]
    widths = [7, 12, 8, 6, 10]
    rows = [
        ["营销", "短", 1, None, "营销篇!J5"],
        ["研发", "一段比十二个字符宽得多的说明文字需要换行显示", 2.5, "", "研发篇!K6"],
        ["工程", "x" * 31, None, None, "工程篇!AB13"],  # over 30 characters: wrapped by write_table itself
        ["物业", "a" * 31, 0, None, "物业篇!A1"],
        ["客服", "=SUM(A1)", -3, "备注", "客户关系篇!AB13"],  # wider than its column: its own line count
    ]
    formats = {2: "0.00"}
    slow = openpyxl.Workbook()
    ws = slow.active
    ws.title = "表"
    write_table(ws, 4, headers, rows, formats)
    set_widths(ws, widths)
    slow.save(tmp_path / "slow.xlsx")

    fast = openpyxl.Workbook()
    ws = fast.active
    ws.title = "表"
    splice, last = fast_table(ws, 4, headers, rows, widths, formats)
    assert last == 4 + len(rows)
    fast.save(tmp_path / "fast.xlsx")
    writer.apply_splices(tmp_path / "fast.xlsx", [splice])

    a, b = openpyxl.load_workbook(tmp_path / "slow.xlsx")["表"], openpyxl.load_workbook(tmp_path / "fast.xlsx")["表"]
    assert b.max_row == a.max_row == last
    for r in range(4, last + 1):
        assert a.row_dimensions[r].height == b.row_dimensions[r].height, r
        for c in range(1, len(headers) + 1):
            x, y = a.cell(r, c), b.cell(r, c)
            assert (x.value or None) == (y.value or None), (r, c)
            assert x.data_type == y.data_type or x.value in (None, ""), (r, c)
            assert x.number_format == y.number_format, (r, c)
            assert _look(x) == _look(y), (r, c)
    assert b.cell(6, 1).alignment.vertical == "center"  # a tall row centres its other cells
    assert b.row_dimensions[6].height > 18

