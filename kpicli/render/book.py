"""What every kind's result workbook shares: the log of which way it was written (level names: core.errors)."""

from __future__ import annotations

import logging

# Which way a result workbook was written, for --debug (the CLI shows kpicli's log only then).
log = logging.getLogger("kpicli")
FAST_PATH = "结果工作簿：快速写入（输入的工作表原样复制）"
SLOW_PATH = "结果工作簿：兼容写入（{reason}；改用 openpyxl 整体读写，较慢）"
