"""An operating-system error about a path the user gave, in Chinese: the user's problem (exit 2), never an internal
error. A file name too long for the file system, a folder without write permission, a full disk, a name with
characters the system refuses: each message names the path and says what to do.
"""

from __future__ import annotations

import errno
from pathlib import Path

from kpicli.core.errors import KpiError

# errno → (what is wrong, what to do)
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENAMETOOLONG: ("文件名或路径太长", "请换一个短一些的文件名，或放到层级较浅的文件夹"),
    errno.EACCES: ("没有访问权限", "请关闭正在打开它的 Excel/WPS，或换一个有写入权限的位置"),
    errno.EPERM: ("操作不被允许", "请检查文件和文件夹的权限，或换一个位置"),
    errno.ENOSPC: ("磁盘已满", "请腾出磁盘空间，或换一个位置"),
    errno.EDQUOT: ("超出磁盘配额", "请腾出空间，或换一个位置"),
    errno.EROFS: ("所在位置是只读的", "请换一个可以写入的位置"),
    errno.ENOENT: ("路径不存在", "请检查路径是否正确，文件夹需要先创建"),
    errno.ENOTDIR: ("路径中的某一级不是文件夹", "请检查路径是否正确"),
    errno.EISDIR: ("这是一个文件夹", "请给出文件名"),
    errno.EEXIST: ("已存在同名的文件或文件夹", "请换一个名称"),
    errno.EINVAL: ("文件名含有系统不允许的字符", "请去掉 \\ / : * ? \" < > | 等字符后重试"),
    errno.EILSEQ: ("文件名含有系统不支持的字符", "请换一个文件名"),
    errno.ELOOP: ("路径中的符号链接形成了循环", "请检查路径"),
    errno.EIO: ("磁盘或网络盘读写失败", "请把文件放到本机磁盘后重试"),
    errno.EBUSY: ("文件正被占用", "请关闭正在使用它的程序后重试"),
    errno.ETXTBSY: ("文件正被占用", "请关闭正在使用它的程序后重试"),
}


def path_problem(exc: OSError, path: Path | str | None = None, *, doing: str = "访问", after: str = "") -> KpiError:
    """The KpiError (exit 2) for `exc`, an OSError about `path` (default: the file name the error carries):
    "无法<doing> <path>：<reason>；<advice>。<after>"."""
    where = path if path is not None else (exc.filename if exc.filename is not None else "")
    where = where.decode(errors="replace") if isinstance(where, bytes) else str(where)
    reason, advice = _REASONS.get(exc.errno or -1, (None, "请检查路径后重试"))
    if reason is None:
        reason = f"操作系统报告：{exc.strerror or type(exc).__name__}"
    return KpiError(f"无法{doing} {where}：{reason}；{advice}。{after}")
