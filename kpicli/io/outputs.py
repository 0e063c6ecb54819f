"""Writing files safely: a temporary file in the target folder, then an atomic rename.

A crash leaves either the old file or the new one, never half of one. A file kpicli did not write
is only replaced with --force.
"""

from __future__ import annotations

import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from kpicli.core.errors import KpiError

MARK_PROPERTY = "kpicli"  # custom document property set on every workbook kpicli writes
# Its value says which kind of workbook kpicli wrote; folder runs skip kpicli's own outputs by it.
RESULT_KINDS = frozenset({"评分结果", "年度汇总"})
COLLECTED_KIND = "汇总检查表"
HANDOUT_KIND, PAYOUT_KIND = "奖惩分配表", "发放清单"  # score --per-team files; the payout list
OWN_OUTPUTS = RESULT_KINDS | {HANDOUT_KIND, PAYOUT_KIND}  # skipped in folders by the commands that score
_UNTOUCHED = "已写入的临时文件已删除，原有文件未受影响"


def default_output(source: Path) -> Path:
    """Where `kpicli score` writes the result of `source` unless told otherwise."""
    return source.with_name(f"{source.stem}_评分结果.xlsx")


def _custom_properties(path: Path) -> str | None:
    """The head of docProps/custom.xml (where mark_workbook's property is saved), or None without one."""
    try:
        with zipfile.ZipFile(path) as archive:
            if "docProps/custom.xml" not in archive.namelist():
                return None
            return archive.open("docProps/custom.xml").read(65536).decode("utf-8", "replace")
    except (OSError, zipfile.BadZipFile, KeyError):
        return None


def kpicli_kind(path: Path) -> str | None:
    """What kpicli wrote the workbook as (评分结果, 模板, 汇总检查表 …; "" when the mark has no readable kind), or
    None for a file kpicli did not write. The reader of what mark_workbook writes."""
    text = _custom_properties(path)
    if text is None or f'name="{MARK_PROPERTY}"' not in text:
        return None
    match = re.search(rf'name="{MARK_PROPERTY}"[^>]*>\s*<vt:\w+>([^<]*)<', text)
    return match.group(1) if match else ""


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


def ensure_writable(path: Path, *, force: bool, source: Path | None = None) -> None:
    """Refuse to overwrite the input, a folder, or a file kpicli did not write (unless force)."""
    if source is not None and path.resolve() == Path(source).resolve():
        raise KpiError(f"输出文件不能与输入文件相同（{path.name}）；输入工作簿不会被修改，请换一个输出文件名")
    if path.is_dir():
        raise KpiError(f"输出路径 {path} 是一个文件夹；请给出文件名，例如 {path / '结果.xlsx'}")
    if not path.parent.exists():
        raise KpiError(f"输出文件夹不存在：{path.parent}；请先创建它")
    if path.exists() and not force and not written_by_kpicli(path):
        raise KpiError(f"{path.name} 已存在且不是 kpicli 生成的文件，为避免覆盖他人的文件已停止；"
                       "确认要覆盖请加 --force，或用 -o 指定其他文件名")


def atomic_write(path: Path, write: Callable[[Path], None]) -> Path:
    """Call write(tmp) on a temporary file beside `path`, then move it into place."""
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=".~kpicli-", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, _target_mode(path))  # mkstemp makes 0600; the result should be shareable like any file
        os.replace(tmp, path)
    except PermissionError as exc:
        raise KpiError(f"无法写入 {path.name}：文件可能正在 Excel/WPS 中打开，或没有该文件夹的写入权限；"
                       "请关闭文件或换一个位置后重试") from exc
    except OSError as exc:  # disk full, path too long, network drive gone …
        reason = exc.strerror or type(exc).__name__
        raise KpiError(f"无法写入 {path.name}：{reason}（例如磁盘已满或网络盘断开）；"
                       f"{_UNTOUCHED}") from exc
    except Exception as exc:
        # Whatever broke while the file was being written, the target is untouched and the user must hear so in
        # plain words; the cause stays chained for --debug.
        raise KpiError(f"无法写入 {path.name}：保存时出错（{type(exc).__name__}）；{_UNTOUCHED}。"
                       "请重试；如果反复出现，请加 --debug 重新运行并把输出反馈给维护者") from exc
    finally:
        if tmp.exists():
            tmp.unlink()
    return path


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
    return target


def save_workbook(workbook: object, path: Path, after: list[Callable[[Path], None]] | None = None) -> Path:
    """Save an openpyxl workbook atomically; `after` steps post-process the saved temporary file."""

    def write(tmp: Path) -> None:
        workbook.save(tmp)
        for step in after or []:
            step(tmp)

    return atomic_write(path, write)
