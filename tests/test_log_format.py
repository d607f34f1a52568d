"""Log records: one line each, UTC times."""

import logging
import re
import sys

from judicial_verify.log_format import OneLineFormatter


def record_with_traceback() -> logging.LogRecord:
    try:
        raise ValueError("first line\nsecond line")
    except ValueError:
        return logging.LogRecord("ledger", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())


def test_it_writes_a_record_with_a_traceback_on_one_line() -> None:
    line = OneLineFormatter("%(levelname)s %(message)s").format(record_with_traceback())
    assert "\n" not in line
    assert line.startswith("ERROR failed\\nTraceback")
    assert "ValueError: first line\\nsecond line" in line


def test_it_stamps_records_in_utc() -> None:
    line = OneLineFormatter("%(asctime)s").format(record_with_traceback())
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line)
