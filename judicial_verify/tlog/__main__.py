"""python -m judicial_verify.tlog: the offline verifier (see cli.py)."""

import io
import sys

from .cli import main

if __name__ == "__main__":
    # A console that cannot show Chinese gets replacement characters, not a
    # UnicodeEncodeError halfway through the result.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
