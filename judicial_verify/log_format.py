"""The log line format."""

import logging
import time
from collections.abc import Callable


class OneLineFormatter(logging.Formatter):
    """One record, one line, times in UTC: newlines in messages and tracebacks are escaped so
    a log collector never splits a record or mistakes part of one for another."""

    converter: Callable[[float | None], time.struct_time] = time.gmtime
    default_time_format = "%Y-%m-%dT%H:%M:%S"
    default_msec_format = "%s.%03dZ"

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record).replace("\n", "\\n")
