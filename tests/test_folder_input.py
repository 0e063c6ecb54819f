"""check, rank (and the score helper) over several files or a folder; kpicli.cli.batch on its own."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from builders import assert_handled, build_checklist, example_sheet, flat, run, standard_workbook

from kpicli.cli.batch import expand_inputs, progress, score_files, several_paths
from kpicli.core.errors import KpiError

pytestmark = pytest.mark.slow  # folders of workbooks, one run each

TOP_KEYS = {"kind", "company", "year", "quarter", "functions", "projects", "units", "problems"}


def broken_book(path: Path) -> Path:
    """The layout example with 进行中 in 示例项目甲's 检查 cell of YX-02 (营销篇!M6)."""
    spec = example_sheet()
    spec.items[1].results = {**spec.items[1].results, "示例项目甲": ("完成", "进行中")}
    return build_checklist(path, {"营销篇": spec})


def lock_file(path: Path) -> Path:
    path.write_bytes(b"\x08analyst" + b"\x20" * 150)
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Two clean checklists, an Excel lock file, a text file and a sub-folder that is not searched."""
    folder = tmp_path / "各季度"
    folder.mkdir()
    standard_workbook(folder / "2026Q1_客户触点检查表.xlsx")
    standard_workbook(folder / "2026Q2_客户触点检查表.xlsx")
    lock_file(folder / "~$2026Q1_客户触点检查表.xlsx")
    (folder / "说明.txt").write_text("说明", encoding="utf-8")
    (folder / "旧版").mkdir()
    broken_book(folder / "旧版" / "有错误.xlsx")
    return folder


# --- check ---------------------------------------------------------------------------------------------------------


def test_check_a_folder_lists_each_file_and_skips_lock_files(folder):
    result = run("check", folder)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "2026Q1_客户触点检查表.xlsx（2026年第1季度）" in text
    assert "2026Q2_客户触点检查表.xlsx（2026年第1季度）" in text
    assert "已跳过~$2026Q1_客户触点检查表.xlsx" in text
    assert "有错误.xlsx" not in text  # sub-folders are not searched
    assert "共检查2个文件" in text


def test_check_several_files_exits_1_when_one_has_errors(folder, tmp_path):
    broken = broken_book(tmp_path / "有错误.xlsx")
    result = run("check", folder / "2026Q1_客户触点检查表.xlsx", broken)
    assert result.exit_code == 1, result.output
    text = flat(result.output)
    position = text.index("有错误.xlsx（")
    assert "营销篇!M6" in text[position:] and "进行中" in text[position:]
    assert "1个有错误（有错误.xlsx）" in text


def test_check_reports_an_unreadable_file_and_goes_on_then_exits_2(folder, tmp_path):
    bad = tmp_path / "说明.xlsx"
    bad.write_text("这不是工作簿", encoding="utf-8")
    broken = broken_book(tmp_path / "有错误.xlsx")
    result = run("check", bad, broken, folder)
    assert result.exit_code == 2, result.output
    text = flat(result.output)
    assert "说明.xlsx" in text and "不是有效的Excel工作簿" in text
    assert "营销篇!M6" in text  # the files after it were checked
    assert "2026Q2_客户触点检查表.xlsx（2026年第1季度）" in text
    assert "1个无法读取（说明.xlsx）" in text
    assert_handled(result)


def test_a_lock_file_among_several_files_is_skipped(folder):
    lock = folder / "~$2026Q1_客户触点检查表.xlsx"
    result = run("check", folder / "2026Q1_客户触点检查表.xlsx", lock)
    assert result.exit_code == 0, result.output
    assert "已跳过~$2026Q1_客户触点检查表.xlsx" in flat(result.output)


def test_a_folder_without_workbooks_exits_2(tmp_path):
    empty = tmp_path / "空文件夹"
    empty.mkdir()
    lock_file(empty / "~$a.xlsx")
    (empty / "a.txt").write_text("x", encoding="utf-8")
    for command in ("check", "rank"):
        result = run(command, empty)
        assert result.exit_code == 2, result.output
        text = flat(result.output)
        assert "空文件夹" in text and "文件夹" in text and "没有可读取的工作簿" in text and "~$a.xlsx" in text
        assert_handled(result)


def test_a_missing_path_among_several_exits_2(folder, tmp_path):
    result = run("check", folder, tmp_path / "没有这个.xlsx")
    assert result.exit_code == 2
    assert "没有这个.xlsx" in result.output and "不存在" in result.output


def test_kpicli_results_in_a_folder_are_skipped(folder):
    assert run("score", folder / "2026Q1_客户触点检查表.xlsx").exit_code == 0
    assert (folder / "2026Q1_客户触点检查表_评分结果.xlsx").exists()
    result = run("check", folder)
    assert result.exit_code == 0, result.output
    text = flat(result.output)
    assert "已跳过2026Q1_客户触点检查表_评分结果.xlsx：kpicli生成的评分结果" in text
    assert "共检查2个文件" in text


# --- rank ----------------------------------------------------------------------------------------------------------


def test_rank_a_folder_as_json_is_an_array_of_the_per_file_objects(folder):
    result = run("rank", folder, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert isinstance(data, list) and [d["file"] for d in data] == [
        "2026Q1_客户触点检查表.xlsx", "2026Q2_客户触点检查表.xlsx"]
    for entry in data:
        assert set(entry) == TOP_KEYS | {"file"}
    single = json.loads(run("rank", folder / "2026Q1_客户触点检查表.xlsx", "--format", "json").stdout)
    assert set(single) == TOP_KEYS  # one file: the single object, exactly as before
    assert {k: v for k, v in data[0].items() if k != "file"} == single


def test_rank_json_carries_a_file_with_errors_as_its_problems(folder, tmp_path):
    broken = broken_book(tmp_path / "有错误.xlsx")
    result = run("rank", folder / "2026Q1_客户触点检查表.xlsx", broken, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data[1]["file"] == "有错误.xlsx" and data[1]["projects"] == []
    assert [(p["sheet"], p["cell"]) for p in data[1]["problems"] if p["level"] == "error"] == [("营销篇", "M6")]


def test_rank_several_files_as_tables(folder, tmp_path):
    broken = broken_book(tmp_path / "有错误.xlsx")
    result = run("rank", folder, broken)
    assert result.exit_code == 1, result.output
    text = flat(result.output)
    for name in ("2026Q1_客户触点检查表.xlsx", "2026Q2_客户触点检查表.xlsx", "有错误.xlsx"):
        assert name in text
    assert text.count("项目排名") == 2 and "营销篇!M6" in text


# --- score over several files (the helper the score command uses) -------------------------------------------------


def test_score_files_writes_one_result_per_input(folder, capsys):
    code = score_files(expand_inputs([folder]), fmt="json", rules=None, period={})
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [Path(d["output"]).name for d in data] == [
        "2026Q1_客户触点检查表_评分结果.xlsx", "2026Q2_客户触点检查表_评分结果.xlsx"]
    assert all((folder / Path(d["output"]).name).exists() for d in data)


# --- kpicli.cli.batch ------------------------------------------------------------------------------------------------


def test_expand_inputs_sorts_naturally_and_drops_duplicates(tmp_path):
    for name in ("项目10.xlsx", "项目2.xlsx", "项目1.xlsm", "备注.csv", ".~lock.项目1.xlsm#", "._项目2.xlsx"):
        (tmp_path / name).write_bytes(b"x")
    found = expand_inputs([tmp_path, tmp_path / "项目2.xlsx"])
    assert [p.name for p in found.files] == ["项目1.xlsm", "项目2.xlsx", "项目10.xlsx"]
    assert {p.name for p, _ in found.skipped} == {"备注.csv", "._项目2.xlsx"}
    assert found.several


def test_expand_inputs_refuses_a_missing_path(tmp_path):
    with pytest.raises(KpiError) as caught:
        expand_inputs([tmp_path / "没有.xlsx"])
    assert caught.value.exit_code == 2 and "没有.xlsx" in caught.value.message


def test_one_file_is_the_classic_form(tmp_path):
    assert not several_paths([tmp_path / "a.xlsx"])
    assert several_paths([tmp_path]) and several_paths([tmp_path / "a.xlsx", tmp_path / "b.xlsx"])


def test_progress_is_a_plain_iterator_outside_a_terminal():
    assert list(progress(list(range(10)), "读取")) == list(range(10))


def test_score_files_into_a_folder_reports_a_refused_output_and_goes_on(folder, tmp_path, capsys):
    results = tmp_path / "结果"
    results.mkdir()
    (results / "2026Q1_客户触点检查表_评分结果.xlsx").write_bytes(b"someone else's file")
    code = score_files(expand_inputs([folder]), fmt="table", rules=None, period={}, output=results)
    assert code == 2
    text = flat(capsys.readouterr().out)
    assert "--force" in text and "2026Q2_客户触点检查表_评分结果.xlsx" in text
    assert (results / "2026Q2_客户触点检查表_评分结果.xlsx").exists()
    assert (results / "2026Q1_客户触点检查表_评分结果.xlsx").read_bytes() == b"someone else's file"
    with pytest.raises(KpiError):
        score_files(expand_inputs([folder]), fmt="table", rules=None, period={}, output=results / "一个.xlsx")


def test_score_a_folder_through_the_cli_writes_each_result_into_the_output_folder(folder, tmp_path):
    out = tmp_path / "结果"
    out.mkdir()
    before = {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}
    result = run("score", folder, "-o", out, "--format", "json")
    assert result.exit_code == 0, result.output  # the broken workbook sits in a sub-folder, not searched
    data = json.loads(result.stdout)
    assert isinstance(data, list) and len(data) == len(list(out.iterdir())) == 2
    assert {Path(d["file"]).name for d in data} == {"2026Q1_客户触点检查表.xlsx", "2026Q2_客户触点检查表.xlsx"}
    written = sorted(p.name for p in out.iterdir())
    assert written and all(name.endswith("_评分结果.xlsx") for name in written)
    assert {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()} == before  # inputs untouched


def test_score_several_files_needs_an_existing_output_folder(folder, tmp_path):
    files = sorted(p for p in folder.iterdir() if p.suffix == ".xlsx" and not p.name.startswith("~$"))[:2]
    result = run("score", *files, "-o", tmp_path / "nope")
    assert result.exit_code == 2
    assert_handled(result)
    assert "文件夹" in result.output
