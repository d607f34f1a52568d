"""A served document's page (/v/CODE), where its QR code leads: the service record,
receipt status, and a check of a file against the document that was served."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from judicial_verify.rate_limits import code_lookup_wait, too_many_requests
from judicial_verify.records.served_documents import (
    served_document_check,
    service_record_by_code,
)

from ..form_input import Refused, typed_sha256


@require_safe
def served_page(request: HttpRequest, code: str) -> HttpResponse:
    # Counted with the API's code requests: the page reveals what they do.
    wait = code_lookup_wait(request, code=code, rate=settings.CODE_LOOKUP_RATE)
    if wait is not None:
        return too_many_requests(request, wait)
    record = service_record_by_code(code)
    if record is None:
        # The same page for every code that names nothing: it reveals nothing.
        raise Http404("no served document has this verification code")
    context: dict[str, object] = {"record": record}
    if "sha256" in request.GET:
        typed = request.GET["sha256"]
        try:
            sha256 = typed_sha256(typed)
        except Refused as e:
            context.update(errors={"sha256": e.message}, sha256=typed)
        else:
            context.update(check=served_document_check(code=code, sha256=sha256), sha256=sha256)
    return render(request, "portal/served.html", context)
