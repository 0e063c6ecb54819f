"""Distinct cell values, told apart as a spreadsheet tells them apart, for code that handles each distinct value
once (pandas.factorize): pandas takes TRUE for 1 and FALSE for 0 (equal, with one hash), so a column holding both
would give every such cell the reading — or the written form — of whichever came first. A 1 typed as a result is
a result; a TRUE is an error to fix: they must never borrow each other's reading."""

from __future__ import annotations

from numbers import Number

import numpy as np
import pandas as pd
from pandas.api.types import infer_dtype

__all__ = ["factorize_cells"]


class _Truth:
    """A boolean cell value (bool or numpy.bool_, kept as it was) as a key no number equals."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, _Truth) and type(other.value) is type(self.value)
                and bool(other.value) == bool(self.value))

    def __hash__(self) -> int:
        return hash((_Truth, type(self.value), bool(self.value)))


def _is_truth(value: object) -> bool:
    return isinstance(value, bool | np.bool_)


def _may_merge(distinct: list[object]) -> bool:
    """Whether these distinct values may stand for a boolean and a number that pandas took for one."""
    return any(_is_truth(v) or (isinstance(v, Number) and v in (0, 1)) for v in distinct)


def _as_list(uniques: object) -> list[object]:
    """pd.factorize's distinct values as a list (a pandas string array converted in one step, not value by value)."""
    if isinstance(uniques, pd.Index | pd.api.extensions.ExtensionArray):
        return uniques.to_numpy(dtype=object).tolist() if uniques.dtype == object or isinstance(
            uniques.dtype, pd.StringDtype) else list(uniques)
    return np.asarray(uniques, dtype=object).tolist()


def factorize_cells(values: pd.Series | np.ndarray) -> tuple[np.ndarray, list[object]]:
    """pd.factorize(values) — codes, with -1 for a missing value, and the distinct values as a list — except that a
    boolean and the number it equals stay two values. Only a column of objects can mix them; only when its distinct
    values include a boolean, 0 or 1 are its cells looked at one by one."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    distinct = _as_list(uniques)
    if getattr(values, "dtype", None) != np.dtype(object) or infer_dtype(uniques, skipna=True) == "string":
        return codes, distinct  # no boolean beside a number (the type is told in C: a column of 50,000 texts)
    if not _may_merge(distinct):
        return codes, distinct
    cells = np.asarray(values, dtype=object)
    truths = np.fromiter((_is_truth(v) for v in cells), dtype=bool, count=len(cells))
    if not truths.any() or truths.all():
        return codes, distinct
    keyed = cells.copy()
    keyed[truths] = [_Truth(v) for v in cells[truths]]
    codes, uniques = pd.factorize(keyed, use_na_sentinel=True)
    return codes, [v.value if isinstance(v, _Truth) else v for v in _as_list(uniques)]
