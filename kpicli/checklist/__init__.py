"""The checklist (客户触点分级管理检查表): reading, scoring, explaining, the year, collecting submissions."""
