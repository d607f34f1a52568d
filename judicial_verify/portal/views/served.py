"""A served document's page (/v/CODE), where its QR code leads: the service record,
receipt status, and a check of a file against the document that was served."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from judicial_verify.records.served_documents import (
    served_document_check,
    service_record_by_code,
)

from .verify import SHA256_HEX


@require_safe
def served_page(request: HttpRequest, code: str) -> HttpResponse:
    record = service_record_by_code(code)
    if record is None:
        # The same page for every code that names nothing: it reveals nothing.
        raise Http404("no served document has this verification code")
    context: dict[str, object] = {"record": record}
    sha256 = request.GET.get("sha256", "").strip()
    if sha256:
        if SHA256_HEX.fullmatch(sha256):
            context["check"] = served_document_check(code=code, sha256=sha256)
        else:
            context["sha256_error"] = True
        context["sha256"] = sha256
    return render(request, "portal/served.html", context)
