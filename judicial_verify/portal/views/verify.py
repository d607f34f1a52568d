"""The verify page (/): a file hashed in the browser, a typed SHA-256, or a record number.

Without JavaScript the page still answers a typed SHA-256 (optionally with the
record number it should match); with it, files are hashed on the device and
only their hashes are sent (static/portal/js/).
"""


from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from judicial_verify.ledger import read
from judicial_verify.records.codes import CodeError, code_normalize
from judicial_verify.records.selectors import entry_view, verification_by_sha256
from judicial_verify.tlog.entry import SHA256_HEX


@require_safe
def verify_page(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("code", "").strip()
    if code:
        try:
            return redirect("portal:served", code=code_normalize(code))
        except CodeError as e:
            return render(request, "portal/verify.html", {"code_error": str(e), "code": code})
    sha256 = request.GET.get("sha256", "").strip()
    if not sha256:
        return render(request, "portal/verify.html")
    if not SHA256_HEX.fullmatch(sha256.lower()):
        return render(request, "portal/verify.html", {"sha256_error": True, "sha256": sha256})
    return _result(request, sha256.lower(), request.GET.get("index", "").strip())


def _result(request: HttpRequest, sha256: str, index_text: str) -> HttpResponse:
    context: dict[str, object] = {"sha256": sha256}
    if index_text:
        # The visitor named a record: the file either is that record's document or differs.
        if not index_text.isdigit() or len(index_text) > 18:
            return render(request, "portal/verify.html", {"index_error": True, "sha256": sha256})
        try:
            named = entry_view(int(index_text))
        except read.NotFound:
            return render(
                request, "portal/verify.html", {"index_missing": index_text, "sha256": sha256}
            )
        if named.entry.sha256 != sha256:
            context.update(outcome="content_differs", named=named)
            return render(request, "portal/result.html", context)
    proven = verification_by_sha256(sha256).entries
    context.update(outcome="verified" if proven else "not_anchored", proven=proven)
    return render(request, "portal/result.html", context)
