"""Money reaching people (issue 22): the teams' allocations read back and checked, and one list for HR.

Kind-neutral: a kind (from its 奖惩分配表 handed out, or its result's own pay lines) turns its workbooks into the
`Team`s it handed out and the `Allocation`s that came back; this package checks them and builds the list.
"""
