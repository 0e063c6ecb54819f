"""kpicli — scores the quarterly customer-touchpoint checklist (客户触点分级管理检查表)."""

__version__ = "0.1.0"
