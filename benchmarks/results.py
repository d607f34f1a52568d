"""RESULTS.md as the scripts rewrite it: the table of current figures, where each script owns
the rows whose first cell names it, and sections between `<!-- KEY -->` and `<!-- /KEY -->`
lines, each replaced whole by its owner. Pure text in, text out: no Django, no I/O.
"""

from collections.abc import Sequence

FIGURES = "figures"


def _markers(key: str) -> tuple[str, str]:
    return f"<!-- {key} -->", f"<!-- /{key} -->"


def _bounds(lines: list[str], key: str) -> tuple[int, int] | None:
    """The line numbers of `key`'s two markers, or None when the text has neither."""
    start, end = _markers(key)
    if start not in lines:
        return None
    first = lines.index(start)
    return first, lines.index(end, first)


def section_put(text: str, key: str, body: Sequence[str]) -> str:
    """Replaces what lies between `key`'s markers with `body`; a section the text lacks is
    added at its end."""
    lines = text.splitlines()
    bounds = _bounds(lines, key)
    if bounds is None:
        start, end = _markers(key)
        return "\n".join([*lines, "", start, *body, end]) + "\n"
    first, last = bounds
    return "\n".join([*lines[: first + 1], *body, *lines[last:]]) + "\n"


def row_key(line: str) -> tuple[str, ...]:
    """A row of the figures table is keyed by its first two cells: benchmark and figure."""
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|")[:2])


def rows_put(text: str, rows: Sequence[str]) -> str:
    """Puts rows into the figures table: each replaces the row of the same benchmark and
    figure, or else follows its benchmark's last row, or else ends the table."""
    lines = text.splitlines()
    bounds = _bounds(lines, FIGURES)
    if bounds is None:
        raise ValueError(f"the text has no {FIGURES} table")
    first, last = bounds
    table = lines[first + 1 : last]
    for row in rows:
        keys = [row_key(line) if line.startswith("|") else () for line in table]
        if row_key(row) in keys:
            table[keys.index(row_key(row))] = row
            continue
        owner = row_key(row)[0]
        mine = [i for i, key in enumerate(keys) if key[:1] == (owner,)]
        at = mine[-1] + 1 if mine else len(table)
        table.insert(at, row)
    return "\n".join([*lines[: first + 1], *table, *lines[last:]]) + "\n"


def rows_retire(text: str, benchmark: str, figures: Sequence[str]) -> str:
    """Removes the rows of `benchmark` in the figures table whose figure is not one of
    `figures`: a figure its script no longer measures leaves with its next recorded run."""
    lines = text.splitlines()
    bounds = _bounds(lines, FIGURES)
    if bounds is None:
        raise ValueError(f"the text has no {FIGURES} table")
    first, last = bounds

    table = []
    for line in lines[first + 1 : last]:
        cells = row_key(line) if line.startswith("|") else ()
        if cells[:1] != (benchmark,) or cells[1] in figures:
            table.append(line)
    return "\n".join([*lines[: first + 1], *table, *lines[last:]]) + "\n"
