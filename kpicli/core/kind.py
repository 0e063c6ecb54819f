"""What a kind of workbook is to the rest of kpicli: the `Kind` interface, its result, its options.

A kind is one package that reads, validates, scores, explains and renders its
own workbooks. It offers one object satisfying `Kind` in its `kind.py`; kpicli.kinds lists those objects, and the
API and the command line reach every kind through that list only. Nothing here imports pandas or a kind.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from kpicli.core.errors import DataError, Problem

if TYPE_CHECKING:
    from rich.console import Console

# kpicli.io.workbook.RawWorkbook: the one read of a workbook (io is a layer above core, so it is not imported here).
RawWorkbook = Any
# kpicli.io.workbook.Grid: the values of one sheet of that read.
Grid = Any
# kpicli.rules.files.RulesLookup: where the rules in force come from (--rules, else a kpicli.toml beside the
# workbook, else the defaults) with every kind's section of kpicli.toml; a kind resolves it beside its workbook.
RulesLookup = Any
# kpicli.rules.sections.RulesSection: a kind's own table of kpicli.toml ([name]), or None for a kind without one.
RulesSection = Any

__all__ = ["Kind", "KindDataError", "KindOption", "KindResult"]


@runtime_checkable
class KindResult(Protocol):
    """What check, rank and score return for a workbook of any kind: one set of names for every kind."""

    kind: str  # the Kind.name that made it; "kind" in its JSON too

    @property
    def has_errors(self) -> bool: ...

    @property
    def period_label(self) -> str: ...  # 2026年第1季度, as shown to a user

    problems: list[Problem]

    def to_json(self) -> dict: ...  # the machine-readable result (numbers as JSON numbers), with "kind"


@dataclass(frozen=True)
class KindOption:
    """An option that only some kinds have. key: the keyword of the kpicli.api functions; flag: the command-line
    spelling; help: its help text; why: what it is for, said when it is given for a workbook of another kind
    (that kind's Kind.instead, when it has a word for this key, is said instead).

    commands: the commands (score, rank, check, explain, template …) the command line offers it on by itself,
    under the kind's panel in -h, typed by `type` (str, int, Path, or bool for a switch) and `many` (repeatable);
    its value reaches the kpicli.api function as the keyword `key`. A kind's new option needs nothing more. Empty
    for the options the command modules declare themselves (kpicli.cli.common.kind_option). short: a one-letter
    spelling besides flag (-p); parser: what reads the typed text instead of `type` (kpicli.core.period.year_option
    …), shown as metavar. One key may have several entries (one per use: the same option reads differently on
    `template`); kpicli.kinds.option finds the first."""

    key: str
    flag: str
    help: str = ""
    why: str = ""
    commands: tuple[str, ...] = ()
    type: type = str
    many: bool = False
    short: str = ""
    parser: Callable[[Any], Any] | None = None
    metavar: str = ""


class KindDataError(DataError):
    """A DataError about workbooks of one kind (errors in them, files refused): its JSON is that kind's."""

    def __init__(self, kind: str, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message, problems)
        self.kind = kind


class Kind(Protocol):
    """One kind of workbook, from the one raw read to every rendering. Implementations import their heavy parts
    inside the methods, so listing the kinds costs nothing at start-up.

    Attributes: name (identifier, the "kind" of its results' JSON; its package's name), label (what a user calls
    it, in the help and in messages), aliases (what `kpicli template` accepts for it, the first one shown there),
    options (the options only this kind has), instead (what to say when an option another kind has is given for a
    workbook of this kind, by the option's key: how this kind does without it), command_help (what this kind adds
    to a command's -h, by command name: a paragraph on what the command does with its workbooks and an example
    line; kpicli.cli.kind_text puts it in), groups (whether
    several files of this kind are scored together as one group, rather than each on its own), year_results
    (whether kpicli's result workbooks of this kind found in a folder are inputs of `annual`: what was published),
    rules_section (its own table of kpicli.toml, a kpicli.rules.sections.RulesSection, or None: the registry
    hands every kind's section to the rules loader, so any kind's Rules carry them all)."""

    name: str
    label: str
    aliases: tuple[str, ...]
    options: tuple[KindOption, ...]
    instead: Mapping[str, str]
    command_help: Mapping[str, str]
    groups: bool
    year_results: bool
    rules_section: RulesSection | None

    # --- detect and read -------------------------------------------------------------------------------------
    # How many first rows of a sheet this kind looks in for its header; None: the whole sheet (notes may stand
    # above its table). The registry (kpicli.kinds.owners) decides whose a sheet is from every kind's header row.
    header_rows: int | None

    def header_row(self, grid: Grid, limit: int | None = None) -> int | None:
        """The zero-based row of this kind's header in a sheet, told by header cells alone (no value is parsed);
        None when the sheet shows none. limit: look at the rows before it only (the registry knows a header of
        another kind lies there)."""

    def optional_sheet(self, names: Sequence[str], name: str) -> bool:
        """Whether sheet `name` of a workbook with `names` may be left out when too large to read."""

    def result_sheets(self) -> tuple[str, ...]:
        """The sheets this kind's result workbook adds (never read as input)."""

    not_this: str  # one line saying why a workbook is not of this kind (for a workbook of no kind)

    # --- validate and score ----------------------------------------------------------------------------------
    def assess(self, path: Path, raw: RawWorkbook, rules: RulesLookup, options: dict[str, Any]) -> KindResult:
        """Read, validate and score one workbook with the rules in force beside it (rules.resolve(path)); data
        problems are in the result, never raised."""

    def assess_group(self, raws: Sequence[RawWorkbook], rules: RulesLookup,
                     options: dict[str, Any]) -> KindResult:
        """Several files of this kind as one group (only for a kind that groups)."""

    def data_error(self, result: KindResult) -> KindDataError:
        """The error raised when `result` has errors and nothing may be scored."""

    def empty_json(self, problems: Sequence[Problem], file: str | None) -> dict:
        """The JSON of a workbook of this kind that was not scored: its keys, no scores, the problems."""

    # --- explain ---------------------------------------------------------------------------------------------
    def explain(self, result: KindResult, options: dict[str, Any]) -> Any:
        """One unit's (or person's) score item by item; `options` holds this kind's explain options."""

    # --- render ----------------------------------------------------------------------------------------------
    def write_result(self, result: KindResult, sources: Sequence[Path], target: Path) -> Path:
        """The result workbook: result sheets in front of the input's sheets."""

    def print_result(self, result: KindResult, out: Console | None, *, book: bool = True) -> None:
        """Rankings and the like on the terminal; book: a result workbook was written (score), so point to it."""

    def check_heading(self, name: str, result: KindResult) -> str:
        """What `check` prints above a workbook's problems."""

    def print_explanation(self, explanation: Any, result: KindResult) -> None:
        """An explanation on the terminal."""

    def write_extras(self, result: KindResult, sources: Sequence[Path], options: dict[str, Any], *, force: bool,
                     raws: Sequence[RawWorkbook] | None = None, target: Path | None = None) -> None:
        """Further files `score` writes for this kind's options (one workbook per person, per team …), before
        the result workbook `target`."""

    def print_extras(self, result: KindResult, options: dict[str, Any], out: Console) -> None:
        """What `score` says on the terminal of the further files write_extras wrote (options as it got them)."""

    def prepare(self, options: dict[str, Any]) -> None:
        """Check this kind's options before anything is read (a folder that cannot be made, …)."""

    def payout_part(self, result: KindResult, path: Path,
                    rows: Any) -> tuple[list[Any] | None, list[Any], list[Problem]]:
        """What `kpicli payout` takes from a result workbook at path: its teams (None for a kind without), its
        payout lines, problems. rows(sheet) gives a sheet's values as dense rows (None without the sheet)."""

    def payout_year(self, path: Path, rows: Any) -> tuple[list[Any], list[Problem]] | None:
        """What `kpicli payout` takes from this kind's annual workbook at path (lines, problems); None when this
        kind's year pays nobody directly or the workbook is not of this kind."""

    # --- template --------------------------------------------------------------------------------------------
    def template(self, out: Path | None, options: dict[str, Any], *, company: str | None, force: bool,
                 rules: RulesLookup) -> tuple[list[Path], list[str]]:
        """Blank workbooks of this kind: the files written and warnings (rules: the rules in force where they are
        written, for settings a template records)."""

    # --- the year --------------------------------------------------------------------------------------------
    def claims_year(self, raws: Sequence[RawWorkbook]) -> bool:
        """Whether these workbooks are a year of this kind (the registry shows a kind only the sheets no other
        kind owns)."""

    def annual(self, paths: Sequence[Path], raws: Sequence[RawWorkbook], rules: RulesLookup,
               options: dict[str, Any]) -> Any:
        """The year's result (its to_json is the machine-readable year). options["other_kinds"]: for each of the
        raws, its sheets that another kind owns, with that kind's label (kpicli.kinds.other_kinds), to refuse by name."""

    def write_annual(self, year: Any, out: Path) -> Path:
        """The annual workbook."""

    def print_annual(self, year: Any, out: Console | None) -> None:
        """The year on the terminal."""

    def annual_refused_json(self, error: DataError) -> dict | None:
        """The JSON of a year refused with `error`, when the error is this kind's; else None."""
