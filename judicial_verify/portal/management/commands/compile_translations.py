"""Compiles the committed .po catalogs under LOCALE_PATHS into the .mo files Django reads.

Django's compilemessages runs GNU gettext's msgfmt, which a fresh machine does not have;
Babel (a pinned requirement) compiles the same catalogs in Python. The set-up commands run
this, so the compiled files are never committed.
"""

import os
import re
import tempfile
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


def _catalog_read(po_path: Path) -> Catalog:
    try:
        with po_path.open("rb") as po_file:
            return read_po(po_file, abort_invalid=True)
    except (OSError, PoFileError) as exc:
        raise CommandError(f"{po_path}: {exc}") from exc


PLACEHOLDER = re.compile(r"%\((\w+)\)")


def _names(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def placeholder_errors(catalog: Catalog) -> list[str]:
    """Translations that lose a %(name)s placeholder of their message (the reader misses a
    number or a name) or add one it does not have (rendering fails). A plural message's
    translations may use the plural's placeholders: Chinese has one form, for every count."""
    errors = []
    for message in catalog:
        if not message.id or "python-format" not in message.flags:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = (
            (message.string,) if isinstance(message.string, str) else tuple(message.string or ())
        )
        needed, allowed = _names(ids[0]), set().union(*map(_names, ids))
        for string in filter(None, strings):
            if not needed <= _names(string) <= allowed:
                errors.append(f"{ids[0]!r}: placeholders {sorted(_names(string))} in {string!r}")
    return errors


def _mo_write(catalog: Catalog, mo_path: Path) -> None:
    # Written beside the target and renamed, so a running server never reads half a file.
    fd, tmp = tempfile.mkstemp(dir=mo_path.parent, prefix=".tmp-", suffix=".mo")
    try:
        with os.fdopen(fd, "wb") as mo_file:
            write_mo(mo_file, catalog)  # fuzzy translations are left out, as msgfmt does
        os.chmod(tmp, 0o644)
        os.replace(tmp, mo_path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = "Compiles every locale/*/LC_MESSAGES/*.po under LOCALE_PATHS to .mo, with Babel."

    def handle(self, *args: Any, **options: Any) -> None:
        po_paths = sorted(
            po_path
            for locale_path in settings.LOCALE_PATHS
            for po_path in Path(locale_path).glob("*/LC_MESSAGES/*.po")
        )
        if not po_paths:
            raise CommandError(f"no .po catalog under {settings.LOCALE_PATHS}")
        for po_path in po_paths:
            catalog = _catalog_read(po_path)
            errors = placeholder_errors(catalog)
            if errors:
                raise CommandError(f"{po_path}:\n" + "\n".join(errors))
            _mo_write(catalog, po_path.with_suffix(".mo"))
            if options["verbosity"] >= 1:
                self.stdout.write(f"compiled {po_path}")
