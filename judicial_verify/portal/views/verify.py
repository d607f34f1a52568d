"""The verify page (/): a file hashed in the browser, a typed SHA-256, or a record number.

Without JavaScript the page still answers a typed SHA-256 (optionally with the
record number it should match); with it, files are hashed on the device and
only their hashes are sent (static/portal/js/). A form that is refused comes back
with what was typed and an error summary at its top (judicial_verify/portal/form_input.py).
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from judicial_verify.ledger import read
from judicial_verify.ledger.positions import MAX_POSITION
from judicial_verify.records.selectors import EntryView, entry_view, verification_by_sha256

from ..form_input import (
    Refused,
    record_number_missing,
    typed_code,
    typed_record_number,
    typed_sha256,
)
from .judges import judge_opens


@require_safe
def verify_page(request: HttpRequest) -> HttpResponse:
    if "code" in request.GET:
        code = request.GET["code"]
        try:
            return redirect("portal:served", code=typed_code(code))
        except Refused as e:
            return _refused(request, {"code": e.message}, code=code)
    if "sha256" not in request.GET:
        return render(request, "portal/verify.html")
    typed = {"sha256": request.GET["sha256"], "index": request.GET.get("index", "")}
    try:
        sha256 = typed_sha256(typed["sha256"])
    except Refused as e:
        return _refused(request, {"sha256": e.message}, **typed)
    if not typed["index"].strip():
        return _result(request, sha256, None)
    # The visitor named a record: the file either is that record's document or differs.
    try:
        named = _entry_view(typed_record_number(typed["index"]))
    except Refused as e:
        return _refused(request, {"index": e.message}, **typed)
    except read.NotFound:
        return _refused(request, {"index": record_number_missing(typed["index"])}, **typed)
    return _result(request, sha256, named)


def _refused(request: HttpRequest, errors: dict[str, str], **typed: str) -> HttpResponse:
    """The verify page again, with what was typed and why it was refused."""
    return render(request, "portal/verify.html", {"errors": errors, **typed})


def _entry_view(index: int) -> EntryView:
    if index > MAX_POSITION:  # no log has it, and the database could not be asked for it
        raise read.NotFound(f"no entry {index}")
    return entry_view(index)


def _result(request: HttpRequest, sha256: str, named: EntryView | None) -> HttpResponse:
    context: dict[str, object] = {"sha256": sha256}
    if named is not None and named.entry.sha256 != sha256:
        context.update(outcome="content_differs", named=named)
        context["judge_opens"] = judge_opens(request, [named])
        return render(request, "portal/result.html", context)
    proven = verification_by_sha256(sha256).entries
    context.update(outcome="verified" if proven else "not_anchored", proven=proven)
    context["judge_opens"] = judge_opens(request, [p.view for p in proven])
    return render(request, "portal/result.html", context)
