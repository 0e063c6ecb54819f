"""Distinct cell values as a spreadsheet tells them apart (kpicli.io.distinct): pandas.factorize takes TRUE for 1
and FALSE for 0; the result columns and the large result tables map each distinct value once, so TRUE must never
borrow the reading or the written form of a 1 in the same column (or the 1 TRUE's)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpicli.io.distinct import factorize_cells


def test_a_boolean_and_the_number_it_equals_are_two_values_in_either_order():
    for values in ([1, True, 0, False, None, "完成", 1.0], [True, 1, False, 0]):
        codes, distinct = factorize_cells(pd.Series(values, dtype=object))
        read = [None if c < 0 else distinct[c] for c in codes]
        for value, got in zip(values, read, strict=True):
            if value is None:
                assert got is None
            else:  # the same value, and a boolean stays a boolean (1 and 1.0, equal numbers, may share one)
                assert got == value and isinstance(got, bool) == isinstance(value, bool), (value, got)


def test_numpy_booleans_stay_as_they_were_and_plain_columns_are_untouched():
    codes, distinct = factorize_cells(np.array([np.True_, True, 1], dtype=object))
    assert list(codes) == [0, 1, 2] and type(distinct[0]) is np.bool_ and distinct[1] is True and distinct[2] == 1
    texts = pd.Series(["完成", "未完成", None, "完成"], dtype="str")
    assert (list(factorize_cells(texts)[0]), factorize_cells(texts)[1]) == ([0, 1, -1, 0], ["完成", "未完成"])
    numbers = pd.Series([1.0, 0.0, float("nan"), 1.0])
    assert list(factorize_cells(numbers)[0]) == [0, 1, -1, 0]
    only_truths = pd.Series([True, False, True], dtype=object)
    assert factorize_cells(only_truths)[1] == [True, False]
