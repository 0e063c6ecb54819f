"""Writing files safely: a temporary file in the target folder, then an atomic rename.

A crash leaves either the old file or the new one, never half of one. Every workbook written here gets kpicli's
record (io.provenance) before the rename. A file kpicli did not write, or one kpicli wrote but a person has changed
since (its cell values differ from the record's fingerprints: a typed 检查, a filled 奖惩分配表 …), is only
replaced with --force, and then a timestamped backup of it is kept beside it (`<stem>_备份_<time>.xlsx`).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from kpicli.core.errors import EXIT_DATA, KpiError
from kpicli.io.oserror import path_problem
from kpicli.io.provenance import MARK_PROPERTY

__all__ = ["MARK_PROPERTY", "RESULT_KIND", "RESULT_KINDS", "TEMPLATE_KIND", "YEAR_KIND",
           "atomic_write", "backup", "changed_since_written", "default_output", "ensure_not_input", "ensure_writable",
           "kpicli_kind", "mark_workbook", "require_xlsx", "save_workbook", "written_by_kpicli"]
# Its value says which kind of workbook kpicli wrote; folder runs skip kpicli's own outputs by it.
RESULT_KIND, YEAR_KIND, TEMPLATE_KIND = "评分结果", "年度汇总", "模板"  # score; annual; template
RESULT_KINDS = frozenset({RESULT_KIND, YEAR_KIND})
HANDOUT_KIND, PAYOUT_KIND = "奖惩分配表", "发放清单"  # score --per-team files; the payout list
OWN_OUTPUTS = RESULT_KINDS | {HANDOUT_KIND, PAYOUT_KIND}  # skipped in folders by the commands that score
_UNTOUCHED = "已写入的临时文件已删除，原有文件未受影响"


def default_output(source: Path) -> Path:
    """Where `kpicli score` writes the result of `source` unless told otherwise."""
    return source.with_name(f"{source.stem}_评分结果.xlsx")


def kpicli_kind(path: Path) -> str | None:
    """What kpicli wrote the workbook as (评分结果, 模板, or what a kind marks its own outputs as …; "" when the mark has no readable kind), or
    None for a file kpicli did not write. The reader of what mark_workbook writes (kept in io.provenance)."""
    from kpicli.io.custom_props import custom_properties

    props = custom_properties(Path(path))
    if props is None or MARK_PROPERTY not in props:
        return None
    return props[MARK_PROPERTY]


def written_by_kpicli(path: Path) -> bool:
    """True when the workbook carries kpicli's custom property (docProps/custom.xml)."""
    return kpicli_kind(path) is not None


def mark_workbook(workbook: object, kind: str) -> None:
    """Tag an openpyxl workbook as written by kpicli (kind: 评分结果, 模板, 年度汇总 …)."""
    from openpyxl.packaging.custom import StringProperty

    props = workbook.custom_doc_props
    for prop in list(props.props):
        if prop.name == MARK_PROPERTY:
            props.props.remove(prop)
    props.append(StringProperty(name=MARK_PROPERTY, value=kind))


def require_xlsx(path: Path, what: str) -> None:
    """Refuse an output file name that does not end in .xlsx (`what`: 结果工作簿, 汇总表, 模板 …)."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx" and not path.is_dir():  # a folder: ensure_writable says what to do
        raise KpiError(f"{what}的文件名应以 .xlsx 结尾\uff1a{path.name}\uff08例如 {path.stem or path.name}.xlsx\uff09")


def changed_since_written(path: Path) -> list[str] | None:
    """The sheets of a workbook kpicli wrote whose values a person has changed since ([] when unchanged); None when
    it cannot be told: a file kpicli did not write, one written before kpicli kept records, or one that cannot be
    read. Remembered per file state, so a check and the write after it read the file once."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _CHANGED:
        from kpicli.io.fingerprints import unreadable_errors
        from kpicli.io.provenance import changed_sheets

        try:
            _CHANGED[key] = changed_sheets(path)
        except unreadable_errors():  # a damaged or foreign file: nothing can be compared (a backup is kept)
            _CHANGED[key] = None
    return _CHANGED[key]


_CHANGED: dict[tuple[str, int, int], list[str] | None] = {}


def _changed_message(path: Path, changed: list[str]) -> str:
    sheets = "、".join(f"「{name}」" for name in changed[:8]) + (f" 等 {len(changed)} 张" if len(changed) > 8 else "")
    return (f"{path.name} 是 kpicli 生成的文件，但生成之后有人改动过（工作表：{sheets}），覆盖会丢失这些内容，"
            "已停止；请用 -o 指定其他文件名，或确认不再需要这些改动后加 --force（原文件会先备份为 "
            f"{path.stem}_备份_<时间>{path.suffix}）")


def ensure_not_input(path: Path, source: Path) -> None:
    """Refuse an output that is the input itself."""
    try:
        same = Path(path).resolve() == Path(source).resolve()
    except OSError as exc:  # a name too long for the file system, a folder without permission …
        raise path_problem(exc, Path(path)) from exc
    if same:
        raise KpiError(f"输出文件不能与输入文件相同（{Path(path).name}）；输入工作簿不会被修改，请换一个输出文件名")


def ensure_writable(path: Path, *, force: bool, source: Path | None = None) -> None:
    """Refuse to overwrite the input, a folder, a file kpicli did not write, or one kpicli wrote that a person has
    changed since (unless force: then atomic_write keeps a backup of it). That last refusal exits 1: the changed
    sheets are the person's data, like errors in a workbook."""
    if source is not None:
        ensure_not_input(path, source)
    try:
        folder, parent, exists = path.is_dir(), path.parent.exists(), path.exists()
    except OSError as exc:  # a name too long for the file system, a folder without permission …
        raise path_problem(exc, path) from exc
    if folder:
        raise KpiError(f"输出路径 {path} 是一个文件夹；请给出文件名，例如 {path / '结果.xlsx'}")
    if not parent:
        raise KpiError(f"输出文件夹不存在：{path.parent}；请先创建它")
    if not exists or force:
        return
    if not written_by_kpicli(path):
        raise KpiError(f"{path.name} 已存在且不是 kpicli 生成的文件，为避免覆盖他人的文件已停止；"
                       "确认要覆盖请加 --force（原文件会先备份），或用 -o 指定其他文件名")
    changed = changed_since_written(path)
    if changed:
        raise KpiError(_changed_message(path, changed), exit_code=EXIT_DATA)


def needs_backup(path: Path) -> bool:
    """True when replacing `path` could lose something: a file kpicli did not write, one a person changed since
    kpicli wrote it, or one whose record cannot be compared (written by an older kpicli, damaged)."""
    path = Path(path)
    if not path.is_file():
        return False
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return not written_by_kpicli(path)
    return changed_since_written(path) != []


def atomic_write(path: Path, write: Callable[[Path], dict[str, str] | None], *,
                 record: dict | None = None) -> Path:
    """Call write(tmp) on a temporary file beside `path`, then move it into place. write may return fingerprints
    of sheets it knows from the values in memory (io.fingerprints.fingerprints_with_rows) for the stamp.

    A workbook kpicli marked (mark_workbook, or record given) gets its record and fingerprints first
    (io.provenance.stamp). An existing file that could hold a person's work (needs_backup) is copied to a
    timestamped backup before it is replaced; the caller has refused that without --force (ensure_writable).

    Only what the operating system says about the file (OSError) becomes a message for the user; any other
    failure inside `write` is a bug in kpicli and is raised as it is (the temporary file is removed either way)."""
    path = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=".~kpicli-", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise _write_error(exc, path) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        known = write(tmp)
        known = known if isinstance(known, dict) else None  # most writers return nothing
        if tmp.suffix.lower() in (".xlsx", ".xlsm") and (record is not None or written_by_kpicli(tmp)):
            from kpicli.io.provenance import stamp

            stamp(tmp, record, known=known)
        if needs_backup(path):
            backup(path)
        os.chmod(tmp, _target_mode(path))  # mkstemp makes 0600; the result should be shareable like any file
        os.replace(tmp, path)
    except OSError as exc:  # disk full, path too long, file open in Excel, network drive gone …
        raise _write_error(exc, path) from exc
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _write_error(exc: OSError, path: Path) -> KpiError:
    if isinstance(exc, PermissionError):
        return KpiError(f"无法写入 {path.name}：文件可能正在 Excel/WPS 中打开，或没有该文件夹的写入权限；"
                        f"请关闭文件或换一个位置后重试（{path}）")
    return path_problem(exc, path, doing="写入", after=f"{_UNTOUCHED}。")


def _target_mode(path: Path) -> int:
    if path.exists():
        return path.stat().st_mode & 0o777
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def backup(path: Path) -> Path:
    """Copy a file to <stem>_备份_<YYYYmmdd-HHMMSS><suffix> beside it, keeping its bytes and times."""
    import shutil
    from datetime import datetime

    path = Path(path)
    state = _state(path)
    earlier = _BACKED_UP.get(str(path.resolve()))
    if earlier is not None and earlier[0] == state and earlier[1].exists():
        return earlier[1]  # this very content was backed up a moment ago (score --in-place, then its write)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}_备份_{stamp}{path.suffix}")
    counter = 1
    while target.exists():
        counter += 1
        target = path.with_name(f"{path.stem}_备份_{stamp}_{counter}{path.suffix}")
    try:
        shutil.copy2(path, target)
    except OSError as exc:
        raise KpiError(f"无法创建备份 {target.name}：{exc.strerror or exc}；未修改原文件") from exc
    _BACKED_UP[str(path.resolve())] = (state, target)
    return target


_BACKED_UP: dict[str, tuple[tuple[int, int], Path]] = {}


def _state(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def save_workbook(workbook: object, path: Path, after: list[Callable[[Path], None]] | None = None, *,
                  record: dict | None = None) -> Path:
    """Save an openpyxl workbook atomically; `after` steps post-process the saved temporary file; `record`: what
    kpicli's record says beyond kind and fingerprints (io.provenance)."""

    def write(tmp: Path) -> None:
        workbook.save(tmp)
        for step in after or []:
            step(tmp)

    return atomic_write(path, write, record=record)
