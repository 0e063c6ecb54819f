"""The registry of the kinds of workbook: the one place that names them.

    KINDS        every kind, in the order the help, its option panels and messages list them
    FALLBACK     the kind a workbook of no known kind is read as (its reader says what it misses)

Adding a kind = a package with a `kind.py` whose object satisfies kpicli.core.kind.Kind, plus one line in KINDS.
kpicli.api and kpicli.cli reach the kinds only through the functions here.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kpicli.checklist.kind import CHECKLIST
from kpicli.core.errors import DataError, InputError, KpiError, Problem
from kpicli.core.kind import Kind, KindDataError, KindOption, KindResult
from kpicli.scorecard.kind import SCORECARD

if TYPE_CHECKING:
    from kpicli.io.workbook import Grid, RawWorkbook
    from kpicli.rules.files import RulesLookup
    from kpicli.rules.sections import RulesSection

KINDS: tuple[Kind, ...] = (
    CHECKLIST,
    SCORECARD,
)
FALLBACK: Kind = CHECKLIST

__all__ = ["FALLBACK", "KINDS", "Kind", "KindDataError", "KindOption", "KindResult", "OPTION_SPELLING", "by_name", "detect",
           "empty_json", "flag_owner", "kind_of", "named", "not_collected", "offered", "option", "refuse_foreign_options",
           "result_sheets", "rule_sections", "rules_lookup"]


def rule_sections() -> tuple[RulesSection, ...]:
    """Every kind's own section of kpicli.toml (Kind.rules_section), in the order of KINDS."""
    return tuple(kind.rules_section for kind in KINDS if kind.rules_section is not None)


def rules_lookup(rules_path: Path | None = None) -> RulesLookup:
    """Where the rules in force come from (rules_path: --rules), with every kind's section: what a kind is given
    to resolve beside its workbook, and what `rules init` / `rules show` write."""
    from kpicli.rules.files import RulesLookup

    return RulesLookup(rules_path, rule_sections())


def by_name(name: str) -> Kind:
    return next(k for k in KINDS if k.name == name)


def year_result(book: object) -> bool:
    """Whether a kpicli result workbook whose record names `book` (a kind's name) is an input of `annual`."""
    return any(k.name == book and k.year_results for k in KINDS)


def kind_of(result: KindResult) -> Kind:
    """The kind that made a result (check, rank, score) or a year."""
    return by_name(result.kind) if result.kind in {k.name for k in KINDS} else FALLBACK


def named(text: str) -> Kind:
    """The kind a user names (kpicli template 检查表 …): its label or one of its aliases; KpiError otherwise."""
    key = text.strip().lower()
    for kind in KINDS:
        if key in {a.lower() for a in (kind.label, *kind.aliases)}:
            return kind
    choices = "、".join(k.aliases[0] for k in KINDS)
    raise KpiError(f"不认识的工作簿种类「{text}」：请写 {choices} 之一")


def option(flag: str, key: str | None = None) -> tuple[Kind, KindOption]:
    """The kind that declares an option (by flag, and key when one flag has several uses)."""
    for kind in KINDS:
        for opt in kind.options:
            if opt.flag == flag and (key is None or opt.key == key):
                return kind, opt
    raise KeyError(flag)


def offered(command: str) -> list[tuple[Kind, KindOption]]:
    """The options kinds declare for a command to offer by itself (KindOption.commands), in KINDS order; read
    each time the command line is built, so a kind registered later is offered too."""
    return [(kind, opt) for kind in KINDS for opt in kind.options if command in opt.commands]


def flag_owner(key: str) -> tuple[Kind, KindOption] | None:
    for kind in KINDS:
        for opt in kind.options:
            if opt.key == key:
                return kind, opt
    return None


def _given(value: object) -> bool:
    return value is not None and value is not False and value != [] and value != ()


# How a refusal names an option: by its keyword of the kpicli.api functions (a library caller), or by its
# command-line flag while the command line runs a command (it sets "flag": kpicli.cli.common).
OPTION_SPELLING: ContextVar[str] = ContextVar("kpicli_option_spelling", default="keyword")


def refuse_foreign_options(kind: Kind, options: dict[str, Any], subject: str) -> None:
    """A usage error (exit 2) for options that only another kind has, naming that kind: one line. The options are
    named as the caller wrote them (OPTION_SPELLING): --year on the command line, year in a library call.
    subject: what is of `kind` ("考核表.xlsx ", "要生成的")."""
    own = {o.key for o in kind.options}
    foreign: dict[str, list[KindOption]] = {}
    for key, value in options.items():
        owner = flag_owner(key)
        if key in own or owner is None or not _given(value):
            continue
        foreign.setdefault(owner[0].name, []).append(owner[1])
    for owner_name, opts in foreign.items():
        owner = by_name(owner_name)
        why = next((kind.instead[o.key] for o in opts if o.key in kind.instead), "") or next(
            (o.why for o in opts if o.why), "")  # how this kind does without it, else what the option is for
        if OPTION_SPELLING.get() == "flag":
            names = list(dict.fromkeys(o.flag for o in opts))
            fix = f"请去掉 {' '.join(names)} 再运行"
        else:
            names = list(dict.fromkeys(o.key for o in opts))
            fix = f"请去掉关键字参数 {'、'.join(names)} 再调用"
        raise KpiError(f"{'、'.join(names)} 只用于{owner.label}{f'（{why}）' if why else ''}；{subject}是{kind.label}，{fix}")


def own_options(kind: Kind, options: dict[str, Any]) -> dict[str, Any]:
    """The options a kind's methods receive: its own and the common ones (no other kind's)."""
    return {k: v for k, v in options.items() if k in {o.key for o in kind.options} or flag_owner(k) is None}


def owners(grid: Grid) -> list[Kind]:
    """The kinds a sheet belongs to, by each kind's own header row (Kind.header_row), in KINDS order. A kind that
    looks for its header in a sheet's first rows only (header_rows) owns every sheet it finds it in; a kind that
    looks through the whole sheet owns one only when no other kind's header lies above its own (the sheet starts
    as another kind's table). A sheet two kinds own makes a workbook of two kinds: detect refuses it."""
    rows = {kind: row for kind in KINDS if kind.header_rows is not None and (row := kind.header_row(grid)) is not None}
    limit = min(rows.values()) + 1 if rows else None  # a header below every one of these owns nothing
    rows |= {kind: row for kind in KINDS if kind.header_rows is None and (row := kind.header_row(grid, limit)) is not None}
    return [kind for kind in KINDS if kind in rows and (
        kind.header_rows is not None or all(rows[kind] <= row for other, row in rows.items() if other is not kind))]


def sheets_by_kind(raw: RawWorkbook) -> dict[Kind, list[str]]:
    """Each kind's sheets in the workbook (owners), in workbook order; only the kinds that own any, in KINDS order."""
    found: dict[Kind, list[str]] = {}
    for name in raw.sheet_names:
        if name in raw.grids:
            for kind in owners(raw.grids[name]):
                found.setdefault(kind, []).append(name)
    return {kind: found[kind] for kind in KINDS if kind in found}


def detect(raw: RawWorkbook) -> Kind | None:
    """The kind of a workbook by its headers; None when it has sheets of no kind. A workbook with sheets of two
    kinds raises DataError naming the sheets of each (and the file)."""
    found = list(sheets_by_kind(raw).items())
    if len(found) > 1:
        listed = "和".join(f"{kind.label}（{'、'.join(sheets)}）" for kind, sheets in found)
        count = "两" if len(found) == 2 else str(len(found))
        message = f"工作簿同时含有{listed}；请把{count}类表分成{count}个工作簿"
        raise DataError(f"{raw.path.name}：{message}", [Problem("error", None, None, message, file=raw.path.name)])
    return found[0][0] if found else None


def assess(path: Path, raw: RawWorkbook, rules_path: Path | None, options: dict[str, Any]) -> KindResult:
    """One workbook read: assessed by its kind (FALLBACK for none: its error then says what each kind misses)."""
    kind = detect(raw)
    refuse_foreign_options(kind or FALLBACK, options, f"{Path(path).name} ")
    if kind is not None:
        return kind.assess(path, raw, rules_lookup(rules_path), own_options(kind, options))
    try:
        return FALLBACK.assess(path, raw, rules_lookup(rules_path), own_options(FALLBACK, options))
    except InputError as exc:
        if not exc.message.startswith(f"{Path(path).name} 不是"):
            raise
        first, _, rest = exc.message.partition("\n")  # neither kind: say what every other kind misses too
        others = "".join(f"\n  {k.not_this}" for k in KINDS if k is not FALLBACK)
        raise InputError(f"{first}{others}\n{rest}".rstrip()) from exc


def require_clean(result: KindResult) -> KindResult:
    """The result, or its kind's DataError with the problems when it has errors (nothing may be scored then)."""
    if result.has_errors:
        raise kind_of(result).data_error(result)
    return result


def empty_json(error: DataError, file: str | None = None) -> dict:
    """The JSON of a workbook (or group) that was not scored: its kind's keys (FALLBACK's when unknown)."""
    kind = by_name(error.kind) if isinstance(error, KindDataError) else FALLBACK
    return kind.empty_json(error.problems, file)


def result_sheets() -> set[str]:
    """Every kind's result sheets: never read as input."""
    return {name for kind in KINDS for name in kind.result_sheets()}


def optional_sheet(names: Sequence[str], name: str) -> bool:
    return any(kind.optional_sheet(names, name) for kind in KINDS)


def year_kind(raws: Sequence[RawWorkbook]) -> Kind:
    """The kind whose year these workbooks are (FALLBACK when none claims them): the first that claims them, each
    shown only the sheets no other kind owns."""
    owned = [{name: owners(grid) for name, grid in raw.grids.items()} for raw in raws]
    return next((kind for kind in KINDS if kind.claims_year([_seen_by(kind, raw, sheets)
                                                             for raw, sheets in zip(raws, owned)])), FALLBACK)


def _seen_by(kind: Kind, raw: RawWorkbook, owned: dict[str, list[Kind]]) -> RawWorkbook:
    """The workbook without the sheets where `kind` finds its header but another kind owns them (owners)."""
    import dataclasses

    theirs = {name for name, kinds_ in owned.items()
              if kinds_ and kind not in kinds_ and kind.header_row(raw.grids[name]) is not None}
    if not theirs:
        return raw
    return dataclasses.replace(raw, sheet_names=[n for n in raw.sheet_names if n not in theirs],
                               grids={n: g for n, g in raw.grids.items() if n not in theirs})


def other_kinds(kind: Kind, raws: Sequence[RawWorkbook]) -> list[dict[str, str]]:
    """For each workbook of a year of `kind`: its sheets that other kinds own and `kind` does not (owners), each
    with the label of its first owner; the kind's annual refuses such a file naming that kind."""
    found = []
    for raw in raws:
        found.append({name: ks[0].label for name in raw.sheet_names
                      if name in raw.grids and (ks := owners(raw.grids[name])) and kind not in ks})
    return found


def annual_refused_json(error: DataError) -> dict | None:
    return next((data for kind in KINDS if (data := kind.annual_refused_json(error)) is not None), None)


def prepare(options: dict[str, Any]) -> None:
    """Every kind's check of its options before anything is read."""
    for kind in KINDS:
        kind.prepare(options)


def allocating() -> Any:
    """The kind whose results hand rewards to teams (`score --per-team`, `kpicli payout`): the one that reads
    allocation files back."""
    return next(kind for kind in KINDS if hasattr(kind, "read_allocations"))


def collecting() -> Any:
    """The kind whose submissions `kpicli collect` merges into one workbook (the one with a collect method)."""
    return next(kind for kind in KINDS if hasattr(kind, "collect"))


def not_collected(path: Path) -> str | None:
    """Why `kpicli collect` passes over a workbook of another kind, naming that kind by its label; None when the
    workbook is of no other kind (or cannot be read): the collecting kind's own refusal says what it misses."""
    from kpicli.io.workbook import read_workbook

    try:
        raw = read_workbook(Path(path), optional=lambda _name: True)  # a sheet too large is no form
        kind = detect(raw)
    except KpiError:
        return None
    collector = collecting()
    if kind is None or kind is collector:
        return None
    return (f"{Path(path).name}：这是{kind.label}，collect 只汇总{collector.label}；"
            f"请只放入各项目填报的{collector.label}")
