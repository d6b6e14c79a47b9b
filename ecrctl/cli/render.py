"""Rendering at the edge: JSON for scripts, rich tables for people.

Data goes to stdout, notices and progress to stderr. rich is imported only
when a table is actually drawn.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from itertools import zip_longest
from typing import IO, TYPE_CHECKING, Any

from ecrctl.errors import ExitCode, InvalidInput, error_line
from ecrctl.redact import printable

if TYPE_CHECKING:
    from rich.console import Console

    from ecrctl.cli.app import App
    from ecrctl.policy.report import ValidationReport


@dataclass
class Table:
    """A table for people: column headers and rows of already formatted cells."""

    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    title: str | None = None
    justify: dict[str, str] = field(default_factory=dict)
    empty: str | None = None  # with no rows: said on stderr instead of a bare header


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return value.decode("utf-8", "replace")
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def to_json(data: Any) -> str:
    return json.dumps(data, indent=2, default=_json_default, ensure_ascii=False)


def compile_query(query: str) -> Any:
    """The compiled JMESPath expression, or InvalidInput naming it."""
    import jmespath
    from jmespath.exceptions import JMESPathError

    try:
        return jmespath.compile(query)
    except JMESPathError as exc:
        first = " ".join(str(exc).split())
        raise InvalidInput(
            f"invalid --query {query!r}: {first}", hint="see https://jmespath.org for the syntax"
        ) from None


def apply_query(data: Any, query: str) -> Any:
    from jmespath.exceptions import JMESPathError

    try:
        return compile_query(query).search(json.loads(to_json(data)))
    except JMESPathError as exc:
        first = " ".join(str(exc).split())
        raise InvalidInput(f"--query {query!r} failed: {first}") from None


def _text_cell(value: Any) -> str:
    if isinstance(value, bool):
        return "True" if value else "False"
    if value is None:
        return "None"
    return str(value)


def _text_lines(value: Any, key: str | None, lines: list[str]) -> None:
    """The AWS CLI's text output: scalars of one object or list on one
    tab-separated line (an object's in key order), nested values on the lines
    after it, prefixed with their key in capitals."""
    prefix = [key.upper()] if key else []
    if isinstance(value, dict):
        scalars = [_text_cell(value[k]) for k in sorted(value) if not _nested(value[k])]
        if scalars:
            lines.append("\t".join(prefix + scalars))
        for k in sorted(value):
            if _nested(value[k]):
                _text_lines(value[k], k, lines)
    elif isinstance(value, list):
        if not any(_nested(item) for item in value):
            if value:
                lines.append("\t".join(prefix + [_text_cell(item) for item in value]))
            return
        for item in value:
            _text_lines(item, key, lines)
    else:
        lines.append("\t".join([*prefix, _text_cell(value)]))


def _nested(value: Any) -> bool:
    return isinstance(value, dict | list)


def to_text(data: Any) -> str:
    """``data`` (JSON-like) as the AWS CLI's tab-separated text output."""
    lines: list[str] = []
    _text_lines(json.loads(to_json(data)), None, lines)
    return "".join(line + "\n" for line in lines)


def color_enabled(app: App, stream: IO[str]) -> bool:
    if not app.out.color or "NO_COLOR" in os.environ:
        return False
    return stream.isatty()


def console(app: App, *, stderr: bool = False) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    tty = stream.isatty()
    return Console(
        file=stream,
        no_color=not color_enabled(app, stream),
        highlight=False,
        markup=False,
        emoji=False,
        force_terminal=None if tty else False,
        soft_wrap=not tty,
        width=None if tty else int(os.environ.get("COLUMNS", "200")),
    )


# Above this many rows, a table written to a pipe or file is laid out here
# instead of by rich, which needs ~0.3 ms per row (3 s for 10,000 images).
FAST_PLAIN_ROWS = 500


def plain_table_text(table: Table) -> str:
    """The layout rich gives a SIMPLE table without a terminal: columns three
    spaces apart, every cell padded to its column, a rule under the header.

    Written without rich for tables too long for it: print_table's past
    FAST_PLAIN_ROWS, and the lifecycle preview's longest ones even on a
    terminal. Columns are never narrowed to fit the width.
    """
    names = table.columns
    widths = [len(name) for name in names]
    if table.rows:
        for index, cells in enumerate(zip_longest(*table.rows, fillvalue="")):
            widths[index] = max(widths[index], *map(len, cells))
    # one format per column: 100,000 rows are laid out in a fraction of a second
    formats = [
        f"{{:{'>' if table.justify.get(name) == 'right' else '<'}{width}}}"
        for name, width in zip(names, widths, strict=True)
    ]
    full_row = "   ".join(formats).format

    def line(cells: Sequence[str]) -> str:
        if len(cells) == len(formats):
            return full_row(*cells)
        return "   ".join(f.format(cell) for f, cell in zip(formats, cells, strict=False))

    rule = "\u2500" * (sum(widths) + 3 * (len(widths) - 1))
    lines = [table.title] if table.title else []
    lines += [line(names), rule, *(line(row) for row in table.rows)]
    return "\n".join(lines) + "\n"


def print_table(app: App, table: Table) -> None:
    plain = not sys.stdout.isatty()
    if plain:  # never narrowed to a width: a pipe keeps every cell whole (and loads no rich)
        sys.stdout.write(plain_table_text(table))
        return
    from rich import box
    from rich.table import Table as RichTable

    out = console(app)
    rich_table = RichTable(
        title=table.title,
        box=box.SIMPLE_HEAD if not plain else box.SIMPLE,
        show_edge=False,
        pad_edge=False,
        header_style="bold" if not plain else "",
    )
    for name in table.columns:
        rich_table.add_column(
            name,
            justify=table.justify.get(name, "left"),  # type: ignore[arg-type]
            overflow="fold",
            no_wrap=plain,
        )
    for row in table.rows:  # a registry's text (labels, messages) may carry ESC
        rich_table.add_row(*(printable(c, lines=True) if isinstance(c, str) else c for c in row))
    out.print(rich_table)


def emit(
    app: App,
    data: Any,
    *,
    table: Table | Callable[[], Table] | None = None,
    text: str | Callable[[], str] | None = None,
) -> None:
    """Print a command's result: JSON (``-o json`` or --query), tab-separated
    text (``-o text``), else a table or text; an empty table says so on stderr."""
    if app.out.output == "text":
        sys.stdout.write(to_text(apply_query(data, app.out.query) if app.out.query else data))
        return
    if app.out.output == "yaml":
        from ecrctl.cli.yamlout import to_yaml

        data = apply_query(data, app.out.query) if app.out.query else data
        sys.stdout.write(to_yaml(json.loads(to_json(data))))
        return
    if app.out.output == "json" or app.out.query:
        if app.out.query:
            data = apply_query(data, app.out.query)
        sys.stdout.write(to_json(data) + "\n")
        return
    if app.out.quiet and text is None and table is None:
        return
    if table is not None:
        built = table() if callable(table) else table
        if built.rows or built.empty is None:
            print_table(app, built)
        else:
            notice(app, built.empty)
    elif text is not None:
        sys.stdout.write((text() if callable(text) else text).rstrip("\n") + "\n")
    else:
        sys.stdout.write(to_json(data) + "\n")


def notice(app: App, message: str) -> None:
    """A line for people on stderr; silent with -q."""
    if not app.out.quiet:
        sys.stderr.write(printable(message.rstrip("\n"), lines=True) + "\n")


def error(message: str) -> None:
    """An error line on stderr: ``ecrctl: error: ...`` (the CLI's only writer of one)."""
    sys.stderr.write(error_line(message) + "\n")


def warn(app: App, message: str) -> None:
    """A warning on stderr, shown even with -q."""
    sys.stderr.write(f"ecrctl: warning: {printable(message)}\n")


# -- cell formatting ------------------------------------------------------------


def report_validation(
    app: App, report: ValidationReport, source: str, *, count_warnings: bool = True
) -> int:
    """A policy lint's findings on stderr, its JSON or a "valid" line; exit 0 or 2."""
    for finding in report.warnings:
        warn(app, str(finding))
    for finding in report.errors:
        error(str(finding))
    shown = "stdin" if source == "-" else source
    if not app.out.as_table:
        emit(app, report.to_dict())
    elif report.valid:
        n = len(report.warnings)
        counted = f" ({n} warning{'' if n == 1 else 's'})" if n and count_warnings else ""
        notice(app, f"{shown}: valid{counted}")
    return int(ExitCode.OK if report.valid else ExitCode.USAGE)


def fmt_time(value: datetime | None) -> str:
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def fmt_age(value: datetime | None, now: datetime | None = None) -> str:
    if value is None:
        return "-"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    seconds = max(0, int((now - value).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit} ago"
    return f"{seconds}s ago"


def fmt_digest(digest: str) -> str:
    """The short form of a digest in tables: ``sha256:`` and its first 12 hex digits."""
    return digest[:19] if digest.startswith("sha256:") else digest


def fmt_tags(detail: dict[str, Any]) -> str:
    """An image's tags, comma-separated, or ``<untagged>``."""
    return ", ".join(detail.get("imageTags") or []) or "<untagged>"


def fmt_mib(size: int | None) -> str:
    if size is None:
        return "-"
    return f"{size / (1024 * 1024):.2f}"


def fmt_bool(value: bool | None) -> str:
    if value is None:
        return "-"
    return "yes" if value else "no"
