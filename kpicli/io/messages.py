"""What the gatekeeper (io.safety) says when it refuses a file: one Chinese template per kind of bad input, and its
builders. Each message names the file and says what to do.

Fields of the templates: {name} the file's name, {path} its full path, {note} an optional parenthetical (given as
plain text; the builder adds the full-width brackets, or nothing when absent), and kind-specific ones ({what},
{member}, {program}, {original}, {prefix}, {error}) passed by the caller.
"""

from __future__ import annotations

from pathlib import Path

from kpicli.core.errors import InputError

_RESAVE = "请在 Excel/WPS 中打开它，另存为 Excel 工作簿（.xlsx）后再试。"
_ASK_SENDER = "请向发送人索取原工作簿。"

MESSAGES: dict[str, str] = {
    "missing": "文件不存在：{path}，请检查路径和文件名是否正确。",
    "folder": "{name}：这是一个文件夹，不是工作簿。请指定文件夹中的工作簿（.xlsx）。",
    "lock_file": "{name}：这是 {program} 打开工作簿时生成的临时锁文件，不是工作簿。"
                 "请选择原文件（同一文件夹中名称以 {original} 结尾、不带 {prefix} 前缀的工作簿）。",
    "not_regular": "{name}：不是普通文件（可能是设备或管道），请指定工作簿文件（.xlsx）。",
    "empty": "{name}：文件是空的（0 字节），不是工作簿。可能没有保存成功或附件未下载完整，请重新获取后再试。",
    "csv": "{name}：这是 CSV 文本文件，kpicli 需要 Excel 工作簿（.xlsx）。请使用原始的 .xlsx 工作簿；"
           "如果只有 CSV，请在 Excel 中打开它，并「另存为」Excel 工作簿（.xlsx）后再试。",
    "ods": "{name}：这是 OpenDocument 表格（.ods），kpicli 只读取 Excel 工作簿。"
           "请在 LibreOffice/WPS 中打开它，另存为 Excel 工作簿（.xlsx）后再试。",
    "encrypted": "{name}：工作簿设置了打开密码，无法读取。请在 Excel 中打开它，"
                 "依次点击 文件→信息→保护工作簿→用密码进行加密，清除密码后另存，再试。",
    "legacy_xls": "{name}：这是旧版 Excel 97-2003 工作簿（.xls），kpicli 只读取 .xlsx。" + _RESAVE,
    "xlsb": "{name}：这是 Excel 二进制工作簿（.xlsb），kpicli 只读取 .xlsx。" + _RESAVE,
    "not_workbook_file": "{name}：不是有效的 Excel 工作簿（.xlsx），可能是改了扩展名的其他文件{note}。"
                         "请在 Excel/WPS 中打开它并另存为 Excel 工作簿（.xlsx）；如果打不开，" + _ASK_SENDER,
    "not_workbook_zip": "{name}：不是 Excel 工作簿{note}。请选择 Excel 工作簿（.xlsx）；如果工作簿在压缩包里，请先解压。",
    "corrupt": "{name}：文件已损坏或不完整{note}，例如附件未下载完整或复制中断。"
               "请重新获取该文件（重新下载或向发送人索取）后再试。",
    "bomb": "{name}：{what}，可能是恶意构造的压缩包（zip 炸弹），已拒绝读取。请确认文件来源，必要时向发送人索取原工作簿。",
    "xml_entities": "{name}：工作簿含有不允许的 XML 实体声明{note}，可能是恶意构造的文件，已拒绝读取。"
                    "Excel/WPS 保存的工作簿不会有这种内容，" + _ASK_SENDER,
    "xml_prolog": "{name}：工作簿中的 {member} 开头格式异常（不是 Excel/WPS 写出的 XML），可能是恶意构造的文件，已拒绝读取。"
                  + _ASK_SENDER,
    "missing_part": "{name}：工作簿缺少部件 {member}，文件不完整或不是 Excel 工作簿。"
                    "请在 Excel 中打开它并另存为 .xlsx，或重新获取该文件后再试。",
    "occupied": "{name}：文件被占用或无权限读取。请关闭 Excel/WPS 中打开的这个工作簿后重试；"
                "如果仍然不行，请检查文件权限或先复制到本机。",
    "os_error": "{name}：读取文件时出错（磁盘、网络盘或同步盘读取失败）。请把文件复制到本机后重试。",
    "too_large": "{name}：工作簿太大，内存不足，无法读取。请删除多余的工作表或行列后另存再试。",
    "unreadable": "无法读取工作簿 {name}：请确认它能在 Excel 中正常打开，另存为 .xlsx 后再试。{note}",
}


def refusal(kind: str, path: Path, note: str | None = None, **fields: object) -> InputError:
    """The InputError for `kind` about `path`; `note` becomes a bracketed aside where the template has one."""
    path = Path(path)
    text = MESSAGES[kind].format(name=path.name or str(path), path=path, note=f"（{note}）" if note else "", **fields)
    return InputError(text)


def not_workbook_file(path: Path, kind: str | None = None) -> InputError:
    """The refusal of a file that is no workbook; kind: what it looks like instead (PDF, 图片 …), when known."""
    return refusal("not_workbook_file", path, note=f"看起来是{kind}" if kind else None)
