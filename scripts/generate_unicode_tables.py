#!/usr/bin/env python3
"""Writes judicial_verify/tlog/unicode_tables.py, the two tables pdf-text/v1 needs.

    python scripts/generate_unicode_tables.py [--ucd DIR] [--json]

DIR holds the Unicode Character Database files (Debian's unicode-data package:
/usr/share/unicode). The tables are fixed by the spec (docs/pdf-text-v1.md) at
one Unicode version, so a fingerprint does not change with the Unicode version
of whichever runtime computes it; tests/tlog/test_fingerprint.py regenerates
them and compares. --json prints the same tables as JSON, for the browser's
implementation.
"""

import argparse
import json
import re
import sys
from pathlib import Path

REMOVED_CATEGORIES = ("Cc", "Cf", "Zs", "Zl", "Zp")
_VERSION = re.compile(r"#\s*EquivalentUnifiedIdeograph-(\d+\.\d+\.\d+)\.txt")

Ranges = list[tuple[int, int]]


def equivalent_unified_ideographs(ucd: Path) -> tuple[str, list[tuple[int, int, int]]]:
    """Returns the Unicode version and the (first, last, target) mappings of the file."""
    text = (ucd / "EquivalentUnifiedIdeograph.txt").read_text(encoding="utf-8")
    match = _VERSION.search(text)
    if match is None:
        raise SystemExit("EquivalentUnifiedIdeograph.txt names no version in its first line")
    mappings = []
    for line in text.splitlines():
        data = line.split("#", 1)[0].strip()
        if not data:
            continue
        source, target = (field.strip() for field in data.split(";"))
        first, _, last = source.partition("..")
        mappings.append((int(first, 16), int(last or first, 16), int(target, 16)))
    return match.group(1), sorted(mappings)


def _merge(code_points: list[int]) -> Ranges:
    ranges: Ranges = []
    for cp in sorted(code_points):
        if ranges and ranges[-1][1] == cp - 1:
            ranges[-1] = (ranges[-1][0], cp)
        else:
            ranges.append((cp, cp))
    return ranges


def removed_code_points(ucd: Path) -> Ranges:
    """Returns the ranges removed by pdf-text/v1: categories Cc Cf Zs Zl Zp and noncharacters."""
    removed = []
    for line in (ucd / "UnicodeData.txt").read_text(encoding="utf-8").splitlines():
        fields = line.split(";")
        # None of these categories is given as a <..., First>/<..., Last> range.
        if fields[2] in REMOVED_CATEGORIES:
            removed.append(int(fields[0], 16))
    removed.extend(range(0xFDD0, 0xFDF0))
    for plane in range(17):
        removed.extend((plane << 16 | 0xFFFE, plane << 16 | 0xFFFF))
    return _merge(removed)


def _rows(values: list[tuple[int, ...]]) -> str:
    return "".join("    (" + ", ".join(f"0x{v:04X}" for v in row) + "),\n" for row in values)


def python_module(ucd: Path) -> str:
    """Returns the text of judicial_verify/tlog/unicode_tables.py."""
    version, mappings = equivalent_unified_ideographs(ucd)
    removed = removed_code_points(ucd)
    return (
        '"""Unicode tables of pdf-text/v1 (docs/pdf-text-v1.md), generated: do not edit.\n\n'
        "Written by scripts/generate_unicode_tables.py from the Unicode Character Database\n"
        f"{version} (EquivalentUnifiedIdeograph.txt, UnicodeData.txt).\n"
        '"""\n\n'
        f'UNICODE_VERSION = "{version}"\n\n'
        "# (first, last, unified ideograph): each code point first..last becomes the ideograph.\n"
        "EQUIVALENT_UNIFIED_IDEOGRAPH: tuple[tuple[int, int, int], ...] = (\n"
        f"{_rows(list(mappings))})\n\n"
        f"# (first, last): categories {' '.join(REMOVED_CATEGORIES)} and the 66 noncharacters.\n"
        "REMOVED: tuple[tuple[int, int], ...] = (\n"
        f"{_rows(list(removed))})\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ucd", type=Path, default=Path("/usr/share/unicode"))
    parser.add_argument("--json", action="store_true", help="print the tables as JSON")
    args = parser.parse_args()
    if args.json:
        version, mappings = equivalent_unified_ideographs(args.ucd)
        json.dump(
            {
                "unicode_version": version,
                "equivalent_unified_ideograph": mappings,
                "removed": removed_code_points(args.ucd),
            },
            sys.stdout,
        )
        return
    target = Path(__file__).resolve().parents[1] / "judicial_verify" / "tlog" / "unicode_tables.py"
    target.write_text(python_module(args.ucd), encoding="utf-8")


if __name__ == "__main__":
    main()
