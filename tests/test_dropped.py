"""Issue #23: `kpicli FILE…` without a command (workbooks dropped on kpicli.exe) scores them as `kpicli score` does.

The samples are copied from sample_workbooks/ into folders named as Explorer users name them (spaces, Chinese).
Every comparison runs `kpicli score …` and the dropped form on the same files, so the expectation is score's own
behaviour, never a copy of printed text.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from builders import assert_handled, result_path, run
from samples import CHECKLISTS, QUARTER_NAMES, SCORECARD_NAME, SCORECARDS

from kpicli.cli import dropped, window

CHECKLIST, CHECKLIST_Q2, CHECKLIST_Q3, CHECKLIST_Q4 = (CHECKLISTS / name for name in QUARTER_NAMES)
SCORECARD = SCORECARDS / SCORECARD_NAME
COMMANDS = {"score": None, "rank": None, "check": None, "rules": None}
GLOBAL = {"--debug", "--version", "-V"}


def copied(folder: Path, *sources: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return [Path(shutil.copy(s, folder / s.name)) for s in sources]


def cells(path: Path) -> dict[str, list[tuple]]:
    """Every sheet's values, but the audit row that says when it was scored (评分时间)."""
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [row for row in ws.iter_rows(values_only=True) if row[:1] != ("评分时间",)]
                for ws in wb.worksheets}
    finally:
        wb.close()


def same_as_score(*args: object) -> tuple[str, str]:
    """Run `kpicli score ARGS` then `kpicli ARGS`; both must end alike. Returns both outputs (the dropped one
    without its first line, which must say that it is scoring)."""
    scored = run("score", *args, columns=200)
    assert_handled(scored)
    dropped_run = run(*args, columns=200)
    assert_handled(dropped_run)
    assert dropped_run.exit_code == scored.exit_code, (dropped_run.output, scored.output)
    first, _, rest = dropped_run.stdout.partition("\n")
    assert first.startswith("正在评分：") and "score" in first, first
    return scored.stdout, rest


# --- the command line rewritten (no workbook is read) ----------------------------------------------------------------


def test_an_existing_path_first_becomes_score(tmp_path: Path) -> None:
    book = tmp_path / "a.xlsx"
    book.write_bytes(b"")
    assert dropped.as_score([str(book)], COMMANDS, GLOBAL) == ["score", str(book)]
    assert dropped.as_score([str(tmp_path)], COMMANDS, GLOBAL) == ["score", str(tmp_path)]
    # kpicli's own options stay before the command; score's move after it, with their value
    assert dropped.as_score(["--debug", "--force", str(book), "-f", "json"], COMMANDS, GLOBAL) == \
        ["--debug", "score", "--force", str(book), "-f", "json"]


def test_score_options_with_a_value_before_the_path_move_with_it(tmp_path: Path) -> None:
    from typer.main import get_command

    from kpicli.cli.app import app

    commands = get_command(app).commands
    book = tmp_path / "a.xlsx"
    book.write_bytes(b"")
    out = tmp_path / "结果"  # a value that exists as a path is still -o's value, not the workbook
    out.mkdir()
    assert dropped.as_score(["-o", str(out), str(book)], commands, GLOBAL) == ["score", "-o", str(out), str(book)]
    assert dropped.as_score(["-o", "new.xlsx", str(book)], commands, GLOBAL) == ["score", "-o", "new.xlsx", str(book)]


@pytest.mark.parametrize("argv", [[], ["-h"], ["--help"], ["--version"], ["nonsense"], ["不存在.xlsx"],
                                  ["--debug", "scroe", "a.xlsx"], ["--", "a.xlsx"]])
def test_anything_but_an_existing_path_is_left_to_click(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       argv: list[str]) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.xlsx").write_bytes(b"")
    assert dropped.as_score(argv, COMMANDS, GLOBAL) is None


def test_a_file_named_like_a_command_is_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rank").write_bytes(b"")
    assert dropped.as_score(["rank"], COMMANDS, GLOBAL) is None
    assert dropped.as_score(["./rank"], COMMANDS, GLOBAL) == ["score", "./rank"]  # how to drop such a file
    result = run("rank")
    assert result.exit_code == 2 and "缺少参数" in result.output, result.output
    assert "正在评分" not in result.output


@pytest.mark.parametrize("word", ["scroe", "不存在.xlsx", "2026Q1_客户触点检查表"])
def test_an_unknown_word_that_is_no_path_is_still_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               word: str) -> None:
    monkeypatch.chdir(tmp_path)
    copied(tmp_path, CHECKLIST)  # the file exists, but under another name than the word
    result = run(word, CHECKLIST.name)
    assert result.exit_code == 2, result.output
    assert f"没有这个命令：{word}" in result.output and "正在评分" not in result.output, result.output
    assert_handled(result)
    assert not result_path(tmp_path / CHECKLIST.name).exists()


def test_long_windows_paths_get_the_long_path_prefix() -> None:
    deep = "C:\\Users\\张三\\Desktop\\" + "\\".join(["很长的文件夹名称 2026"] * 20) + "\\检查表.xlsx"
    assert len(deep) > 260
    assert dropped.long_path(deep, windows=True) == "\\\\?\\" + deep
    share = "\\\\server\\share\\" + "\\".join(["季度"] * 130) + "\\a.xlsx"
    assert dropped.long_path(share, windows=True) == "\\\\?\\UNC\\server\\share\\" + share[len("\\\\server\\share\\"):]
    assert dropped.long_path("C:\\短\\a.xlsx", windows=True) == "C:\\短\\a.xlsx"
    assert dropped.long_path("\\\\?\\" + deep, windows=True) == "\\\\?\\" + deep
    assert dropped.long_path("/" + "长" * 300, windows=False) == "/" + "长" * 300
    if sys.platform != "win32":
        assert dropped.long_path("/" + "长" * 300) == "/" + "长" * 300  # never outside Windows


# --- scoring as score does -------------------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("sample", [CHECKLIST, SCORECARD], ids=["checklist", "scorecard"])
def test_a_dropped_workbook_is_scored_as_score_scores_it(tmp_path: Path, sample: Path) -> None:
    (book,) = copied(tmp_path / "拖到 kpicli 上的 文件", sample)
    scored = run("score", book, columns=200)
    assert scored.exit_code == 0, scored.output
    by_score = cells(result_path(book))
    result_path(book).unlink()
    score_out, drop_out = same_as_score(book)  # score once more (replacing its own result), then dropped
    assert drop_out == score_out == scored.stdout
    assert cells(result_path(book)) == by_score
    assert "结果已写入" in drop_out


@pytest.mark.slow
def test_several_dropped_files_and_a_folder(tmp_path: Path) -> None:
    books = copied(tmp_path / "第一 季度", CHECKLIST, CHECKLIST_Q2)
    score_out, drop_out = same_as_score(*books)
    assert drop_out == score_out and "共 2 个文件，写出 2 个结果工作簿" in drop_out, drop_out
    assert all(result_path(b).exists() for b in books)

    quarters = tmp_path / "各季度 检查表"
    copied(quarters, CHECKLIST_Q3, CHECKLIST_Q4)
    score_out, drop_out = same_as_score(quarters)
    assert drop_out == score_out and "写出 2 个结果工作簿" in drop_out, drop_out

    folder = tmp_path / "客服部 季度考核"  # a folder of scorecards: one group, one result workbook
    copied(folder, SCORECARD)
    score_out, drop_out = same_as_score(folder)
    assert drop_out == score_out, drop_out
    assert "考核汇总" in cells(folder / f"{folder.name}_评分结果.xlsx")


@pytest.mark.slow
def test_json_stays_pure_on_stdout(tmp_path: Path) -> None:
    (book,) = copied(tmp_path / "报表 json", CHECKLIST)
    scored = run("score", book, "--format", "json")
    dropped_run = run(book, "--format", "json")
    assert dropped_run.exit_code == scored.exit_code == 0
    assert json.loads(dropped_run.stdout) == json.loads(scored.stdout)
    assert dropped_run.stderr.startswith("正在评分：")


def test_help_after_a_dropped_path_is_scores_help(tmp_path: Path) -> None:
    (book,) = copied(tmp_path, CHECKLIST)
    result = run(book, "-h")
    assert result.exit_code == 0 and "--in-place" in result.stdout, result.output
    assert not result_path(book).exists()


@pytest.mark.slow
def test_a_workbook_open_in_excel_is_scored_with_a_warning(tmp_path: Path) -> None:
    (book,) = copied(tmp_path / "打开着的", CHECKLIST)
    (book.parent / f"~${book.name}").write_bytes(b"\x08analyst" + b" " * 150)
    result = run(book, columns=200)
    assert result.exit_code == 0, result.output
    assert f"注意：{book.name} 正在 Excel/WPS 中打开" in result.output and "保存并关闭" in result.output
    assert result_path(book).exists()


def test_a_locked_input_says_close_it_and_try_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows refuses to open a workbook Excel holds (sharing violation): PermissionError, here simulated."""
    (book,) = copied(tmp_path / "被占用", CHECKLIST)
    real_open = Path.open

    def locked(self: Path, *args: object, **kwargs: object) -> object:
        if self.name == book.name:
            raise PermissionError(13, "The process cannot access the file", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", locked)
    result = run(book, columns=200)
    assert result.exit_code == 2, result.output
    assert "请关闭 Excel/WPS 中打开的这个工作簿后重试" in result.output, result.output
    assert_handled(result)
    assert not result_path(book).exists()


@pytest.mark.slow
def test_a_locked_result_workbook_says_close_it_and_try_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The result of the last drop still open in Excel: Windows refuses to replace it."""
    (book,) = copied(tmp_path / "结果 打开着", CHECKLIST)

    def refuse(source: object, target: object) -> None:
        raise PermissionError(13, "Access is denied", str(target))

    monkeypatch.setattr(os, "replace", refuse)
    result = run(book, columns=200)
    assert result.exit_code == 2, result.output
    assert "无法写入" in result.output and "Excel/WPS 中打开" in result.output and "重试" in result.output
    assert_handled(result)


# --- a real process ----------------------------------------------------------------------------------------------


def _kpicli() -> list[str]:
    script = shutil.which("kpicli", path=str(Path(sys.executable).parent))
    return [script] if script else [sys.executable, "-c", "from kpicli.cli import main; main()"]


def _process(*args: object, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([*_kpicli(), *map(str, args)], capture_output=True, timeout=300, check=False,
                          stdin=subprocess.DEVNULL, cwd=cwd, env=env)


@pytest.mark.slow
def test_a_real_process_scores_dropped_files_in_a_long_chinese_path(tmp_path: Path) -> None:
    deep = tmp_path.joinpath(*["客户触点 检查 2026 年第一季度"] * 11)
    books = copied(deep, CHECKLIST, CHECKLIST_Q2)
    (card,) = copied(deep / "绩效 考核", SCORECARD)
    assert len(str(books[0])) > 260
    done = _process(*books, cwd=tmp_path)
    out = done.stdout.decode("utf-8")
    assert done.returncode == 0, out + done.stderr.decode("utf-8")
    assert out.splitlines()[0].startswith("正在评分：2026Q1_客户触点检查表.xlsx、2026Q2_客户触点检查表.xlsx")
    assert "按回车键关闭" not in out  # never outside Windows
    assert all("评分汇总" in cells(result_path(b)) for b in books)

    done = _process(card, cwd=tmp_path)
    assert done.returncode == 0, done.stdout.decode("utf-8") + done.stderr.decode("utf-8")
    assert done.stdout.decode("utf-8").startswith(f"正在评分：{card.name}")
    assert "考核汇总" in cells(result_path(card))

    typed = _process("scroe", books[0], cwd=tmp_path)
    assert typed.returncode == 2 and "没有这个命令" in typed.stderr.decode("utf-8")


# --- the window Explorer opened --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("platform", "processes", "expected"),
                         [("win32", 1, True), ("win32", 2, False), ("win32", 3, False), ("win32", 0, False),
                          ("linux", 1, False), ("darwin", 1, False)])
def test_explorer_launch_is_a_console_of_kpicli_alone_and_only_on_windows(
        monkeypatch: pytest.MonkeyPatch, platform: str, processes: int, expected: bool) -> None:
    monkeypatch.setattr(window, "console_process_count", lambda: processes)
    assert window.started_from_explorer(platform) is expected


def test_never_active_off_windows(monkeypatch: pytest.MonkeyPatch) -> None:
    if sys.platform == "win32":
        pytest.skip("the real system here is Windows")

    def forbidden() -> int:
        raise AssertionError("the Windows console API is asked outside Windows")

    monkeypatch.setattr(window, "console_process_count", forbidden)
    assert window.started_from_explorer() is False


def test_hold_waits_for_enter_only_when_active() -> None:
    out, stdin = io.StringIO(), io.StringIO("\n还没读的\n")
    window.hold(True, stdin=stdin, out=out)
    assert out.getvalue().endswith(window.PROMPT) and "按回车键关闭" in window.PROMPT
    assert stdin.read() == "还没读的\n"  # exactly one line (the Enter) was waited for

    class Untouchable(io.StringIO):
        def readline(self, *args: object) -> str:
            raise AssertionError("read although the window is not to be kept open")

    out = io.StringIO()
    window.hold(False, stdin=Untouchable(), out=out)
    assert out.getvalue() == ""
    window.hold(True, stdin=io.StringIO(""), out=io.StringIO())  # no console left (end of input): returns


_EXPLORER = """
import sys
import kpicli.cli
sys.modules["kpicli.cli.app"].started_from_explorer = lambda: True  # stubbed: its own tests are above
{extra}
from kpicli.cli import main
sys.argv[0] = "kpicli"
main()
"""


def _as_if_from_explorer(args: list[object], cwd: Path, extra: str = "") -> tuple[subprocess.Popen[bytes], str]:
    """kpicli in a real process that believes Explorer started it: returns it still waiting, with its output
    so far (up to the prompt)."""
    script = _EXPLORER.format(extra=extra)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    process = subprocess.Popen([sys.executable, "-c", script, *map(str, args)], cwd=cwd, env=env,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    assert process.stdout is not None
    seen = b""
    while window.PROMPT.encode("utf-8") not in seen:
        chunk = os.read(process.stdout.fileno(), 65536)
        assert chunk, seen.decode("utf-8", "replace")  # ended without the prompt
        seen += chunk
    return process, seen.decode("utf-8")


def _close(process: subprocess.Popen[bytes]) -> int:
    assert process.poll() is None  # still open: waiting for Enter
    assert process.stdin is not None
    process.stdin.write(b"\n")
    process.stdin.close()
    return process.wait(timeout=60)


@pytest.mark.slow
@pytest.mark.parametrize("case", ["scored", "error", "internal"])
def test_a_window_explorer_opened_stays_open_until_enter(tmp_path: Path, case: str) -> None:
    (book,) = copied(tmp_path / "桌面 拖放", CHECKLIST)
    extra = ""
    if case == "error":
        book.write_bytes(b"not a workbook")
    if case == "internal":
        extra = "import kpicli.api\ndef broken(*a, **k):\n    raise RuntimeError('bug')\nkpicli.api.score = broken"
    process, out = _as_if_from_explorer([book], tmp_path, extra)
    code = _close(process)
    assert out.startswith("正在评分：") and out.rstrip().endswith(window.PROMPT), out
    if case == "scored":
        assert code == 0 and "结果已写入" in out and result_path(book).exists(), out
    elif case == "error":
        assert code == 2 and "不是有效的 Excel 工作簿" in out, out
    else:
        assert code != 0 and "内部错误" in out and "Traceback" not in out, out


# --- opening the result, only when asked -----------------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """What kpicli asked the desktop to open (the real opener would start Excel or a file manager)."""
    calls: list[Path] = []
    monkeypatch.setattr(window, "open_in_shell", calls.append)
    return calls


@pytest.mark.slow
def test_the_result_is_opened_only_when_asked(tmp_path: Path, opened: list[Path]) -> None:
    (book,) = copied(tmp_path / "不打开", CHECKLIST)
    assert run(book).exit_code == 0
    assert opened == []  # off by default, also when dropped
    assert run("score", book, "--open").exit_code == 0
    assert opened == [result_path(book)]

    (asked,) = copied(tmp_path / "规则 要打开", CHECKLIST)
    (asked.parent / "kpicli.toml").write_text("[output]\nopen_result = true\n", encoding="utf-8")
    assert run(asked).exit_code == 0
    assert opened[1:] == [result_path(asked)]


@pytest.mark.slow
def test_several_results_open_their_folder_and_a_failure_is_one_line(
        tmp_path: Path, opened: list[Path], monkeypatch: pytest.MonkeyPatch) -> None:
    books = copied(tmp_path / "两个 季度", CHECKLIST, CHECKLIST_Q2)
    assert run(*books, "--open").exit_code == 0
    assert opened == [books[0].parent]

    def no_program(path: Path) -> None:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(window, "open_in_shell", no_program)
    result = run(books[0], "--open", columns=200)
    assert result.exit_code == 0 and "无法自动打开" in result.output and "请手动打开" in result.output
    assert_handled(result)


def test_open_result_is_a_rules_setting_off_by_default() -> None:
    from kpicli.rules.files import parse_rules
    from kpicli.rules.model import DEFAULT_RULES, RulesError
    from kpicli.rules.text import to_toml

    assert DEFAULT_RULES.output.open_result is False
    assert "open_result = false" in to_toml(DEFAULT_RULES)
    on = parse_rules("[output]\nopen_result = true\n", "x")
    assert on.output.open_result is True and parse_rules(to_toml(on), "x") == on
    with pytest.raises(RulesError, match=r"output\.open_result"):
        parse_rules('[output]\nopen_result = "是"\n', "x")


# --- what the user is told ---------------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("page", ["packaging/使用说明.txt", "docs/install.md"])
def test_the_guides_describe_the_three_gestures(page: str) -> None:
    text = (ROOT / page).read_text(encoding="utf-8")
    for words in ("拖到 kpicli.exe", "桌面快捷方式", "shell:sendto", "发送到", "按回车键关闭", "--open", "open_result"):
        assert words in text, (page, words)


def test_the_build_puts_the_guide_beside_the_executable() -> None:
    spec = (ROOT / "packaging" / "kpicli.spec").read_text(encoding="utf-8")
    assert "使用说明.txt" in spec and "\\xef\\xbb\\xbf" in spec and "\\r\\n" in spec
    release = (ROOT / ".github" / "workflows" / "release.yml").read_text(encoding="utf-8")
    assert "kpicli.exe \"$book\"" in release and "使用说明.txt" in release


def test_opening_the_result_is_command_line_plumbing_not_a_library_function() -> None:
    """--open and [output] open_result are the command line's business: kpicli.api exports no such plumbing."""
    import kpicli.api

    assert "open_result_wanted" not in kpicli.api.__all__
    assert not hasattr(kpicli.api, "open_result_wanted")
