"""The verification report of one record (/report/INDEX.pdf), for the case file.

Anyone may download it; a judge of the anchoring court gets the record's full metadata in
it. `?sha256=` names a file that was checked against the record, so a file whose content
differs gets a report that says so; for a PDF, `&content=` (its content fingerprint) and
`&revision=` (each earlier revision's SHA-256, docs/pdf-text-v1.md) let the report tell
an update of the record's document, or a copy of its text, from one that differs. With the
log's witness policy (WITNESS_POLICY), the report checks the checkpoint's cosignatures
against it and lists the witnesses that cosigned.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.views.decorators.http import require_safe

from judicial_verify.ledger.witnessing import witness_policy
from judicial_verify.rate_limits import AddressLimit, too_many_requests
from judicial_verify.records.copies import MAX_REVISIONS
from judicial_verify.records.selectors import Viewer, judge_court, metadata_visible
from judicial_verify.tlog.entry import CONTENT, SHA256_HEX

from ..alliance import institution_names
from ..report import CheckedFile, verification_report
from .record_numbers import proven_record_or_404


def _institutions_in_both_languages() -> dict[str, str]:
    """Each witness's institution as the bilingual report names it: Chinese, then English."""
    zh, en = institution_names(language="zh-hans"), institution_names(language="en")
    return {w: name if en.get(w, name) == name else f"{name}  {en[w]}" for w, name in zh.items()}


@require_safe
def report_pdf(request: HttpRequest, index: str) -> HttpResponse:
    counted = AddressLimit.of_rate("report", settings.REPORT_RATE).count(request)
    if counted.wait is not None:
        return too_many_requests(request, counted.wait)
    checked = request.GET.get("sha256", "").strip().lower()
    if checked and not SHA256_HEX.fullmatch(checked):
        raise Http404("not a SHA-256 fingerprint")
    content = request.GET.get("content") or None
    revisions = request.GET.getlist("revision")
    if (content is not None and not CONTENT.fullmatch(content)) or (
        len(revisions) > MAX_REVISIONS or not all(SHA256_HEX.fullmatch(r) for r in revisions)
    ):
        raise Http404("not a content fingerprint or SHA-256 fingerprints of revisions")
    proven = proven_record_or_404(index)
    view = proven.view
    viewer = Viewer(court=judge_court(user=request.user))
    query = urlencode({"sha256": view.entry.sha256, "index": view.index})
    loaded = witness_policy()
    pdf = verification_report(
        view=view,
        proof=proven.proof,
        viewer=viewer,
        record_url=request.build_absolute_uri(f"{reverse('portal:verify')}?{query}"),
        offline_url=request.build_absolute_uri(
            f"{reverse('portal:log')}?{urlencode({'record': view.index})}#offline"
        ),
        generated=timezone.now(),
        checked=CheckedFile(checked, content, revisions) if checked else None,
        policy=None if loaded is None else loaded.policy,
        institutions=_institutions_in_both_languages(),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="verification-report-{view.index}.pdf"'
    # Who asks decides whether metadata is in it: no shared cache may serve it to another.
    patch_vary_headers(response, ("Cookie",))
    if metadata_visible(view, viewer) is not None:
        patch_cache_control(response, private=True, no_store=True)
    return response
