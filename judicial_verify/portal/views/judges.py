"""Judges: sign in, search their court's records by case number, open one with its full
metadata, and print its verification report.

Only a judge sees a court's records, and only their own court's: a lawyer or any other
signed-in person is refused whatever they ask for (403), and a record of another court is
the same 404 as a record number the log does not have, so nothing is revealed by asking.
"""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rest_framework.request import Request
from rest_framework.throttling import BaseThrottle

from judicial_verify.ledger import read
from judicial_verify.records.kinds import metadata_labelled
from judicial_verify.records.models import Node, Profile
from judicial_verify.records.selectors import (
    Viewer,
    court_records_by_case_number,
    entry_view,
    receipts_of,
)

from .record_numbers import record_number_or_404

SIGN_IN_ATTEMPTS = 10
SIGN_IN_WINDOW_SECONDS = 15 * 60
SEARCH_RESULTS_MAX = 200


def _attempts_key(request: HttpRequest) -> str:
    # The client's address as the API's throttles see it: behind the production proxy, the
    # hop it added to X-Forwarded-For, so one person's failures do not lock out everyone.
    address = BaseThrottle().get_ident(Request(request))
    return f"portal:sign-in-failures:{address}"


class SignInView(auth_views.LoginView):
    """Django's sign-in, refusing an address after SIGN_IN_ATTEMPTS failures in the window."""

    template_name = "portal/sign_in.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if cache.get(_attempts_key(request), 0) >= SIGN_IN_ATTEMPTS:
            response = render(
                request,
                self.template_name,
                {"form": self.get_form(), "throttled": True},
                status=429,
            )
            response["Retry-After"] = str(SIGN_IN_WINDOW_SECONDS)
            return response
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        key = _attempts_key(self.request)
        cache.add(key, 0, SIGN_IN_WINDOW_SECONDS)
        cache.incr(key)
        return super().form_invalid(form)


def judge_court(request: HttpRequest) -> Node | None:
    """The court of the signed-in judge, or None for anyone else."""
    if not request.user.is_authenticated:
        return None
    profile = (
        Profile.objects.select_related("court")
        .filter(user__pk=request.user.pk, role=Profile.Role.JUDGE)
        .first()
    )
    return profile.court if profile else None


def _court_or_403(request: HttpRequest) -> Node:
    court = judge_court(request)
    if court is None:
        raise PermissionDenied(_("Only judges can see court records."))
    return court


def _private(response: HttpResponse) -> HttpResponse:
    # Full metadata is for this judge only: no cache, shared or the browser's, keeps it.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
@login_required(login_url="portal:sign-in")
def judge_search(request: HttpRequest) -> HttpResponse:
    court = _court_or_403(request)
    case_number = request.GET.get("case_number", "").strip()[:100]
    results = []
    if case_number:
        results = court_records_by_case_number(
            court=court, case_number=case_number, limit=SEARCH_RESULTS_MAX + 1
        )
    context = {
        "court": court,
        "case_number": case_number,
        "results": [
            {
                "found": found,
                "metadata": metadata_labelled(found.kind, found.record.metadata)
                if found.kind
                else [],
            }
            for found in results[:SEARCH_RESULTS_MAX]
        ],
        "more": len(results) > SEARCH_RESULTS_MAX,
        "results_max": SEARCH_RESULTS_MAX,
    }
    return _private(render(request, "portal/judge_search.html", context))


@require_safe
@login_required(login_url="portal:sign-in")
def judge_record(request: HttpRequest, index: str) -> HttpResponse:
    court = _court_or_403(request)
    position = record_number_or_404(index)
    try:
        view = entry_view(position)
        proof = read.inclusion_proof_published(position)
    except read.NotFound:
        raise Http404("no such record") from None
    if not Viewer(court=court).sees_all_of(view) or view.record is None or view.kind is None:
        raise Http404("no such record")
    context = {
        "view": view,
        "checkpoint": proof.checkpoint,
        "metadata": metadata_labelled(view.kind, view.record.metadata),
        "case_number": view.record.metadata.get("case_number", ""),
        "receipts": receipts_of(view) if view.kind.issues_code else [],
    }
    return _private(render(request, "portal/judge_record.html", context))
