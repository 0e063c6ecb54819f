"""Grades, competition ranks, rewards and penalties: shared by both kinds of workbook."""
