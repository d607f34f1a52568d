"""Judges: sign in, search their court's records by case number, open one with its full
metadata, and print its verification report.

Only a judge sees a court's records, and only their own court's: a lawyer or any other
signed-in person is refused whatever they ask for (403), and a record of another court is
the same 404 as a record number the log does not have, so nothing is revealed by asking.
"""

from collections.abc import Callable

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_safe

from judicial_verify.rate_limits import AddressLimit, too_many_requests
from judicial_verify.records.kinds import metadata_labelled
from judicial_verify.records.models import Node, Profile
from judicial_verify.records.selectors import (
    Viewer,
    court_records_by_case_number,
    judge_court,
    person_role,
    receipts_of,
)

from .record_numbers import proven_record_or_404

SIGN_IN_ATTEMPTS = 10
SIGN_IN_WINDOW_SECONDS = 15 * 60
# Failed sign-ins per client address, the judges' and the admin's together.
SIGN_IN_LIMIT = AddressLimit("sign-in", SIGN_IN_ATTEMPTS, SIGN_IN_WINDOW_SECONDS)
SEARCH_RESULTS_MAX = 200


def _refused_form(request: HttpRequest) -> AuthenticationForm:
    # Unbound, with the user name typed: a bound form would check the password as it shows
    # its errors.
    return AuthenticationForm(request, initial={"username": request.POST.get("username", "")})


def _sign_in_limited(
    request: HttpRequest,
    sign_in: Callable[[], HttpResponse],
    refused: Callable[[float], HttpResponse],
) -> HttpResponse:
    """Answers a sign-in POST with `sign_in`, counted against SIGN_IN_LIMIT before the
    password is checked, so parallel guesses cannot all slip under the limit; `refused`
    answers one over it. A sign-in that succeeds (a redirect) is not counted."""
    counted = SIGN_IN_LIMIT.count(request)
    if counted.wait is not None:
        return refused(counted.wait)
    response = sign_in()
    if response.status_code == 302:
        SIGN_IN_LIMIT.forgive(counted)
    return response


class SignInView(auth_views.LoginView):
    """Django's sign-in, refusing an address after SIGN_IN_ATTEMPTS failures in the window."""

    template_name = "portal/sign_in.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Where a person goes when no `next` says otherwise: a judge to their court's
        records, anyone else to their API tokens (which tells a person with no role so)."""
        if person_role(user=self.request.user) == Profile.Role.JUDGE:
            return reverse("portal:judge-search")
        return reverse("portal:tokens")

    def post(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        return _sign_in_limited(
            request,
            lambda: super(SignInView, self).post(request, *args, **kwargs),
            lambda wait: too_many_requests(
                request,
                wait,
                template=self.template_name,
                context={"form": _refused_form(request), "throttled": True},
            ),
        )


@csrf_protect  # before counting: another site's forged posts must not use up the limit
def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """The admin's sign-in (ADMIN_URL/login/), limited as the judges' is: an admin can reset
    any judge's password."""
    if request.method != "POST":
        return admin.site.login(request)
    return _sign_in_limited(
        request,
        lambda: admin.site.login(request),
        lambda wait: too_many_requests(
            request,
            wait,
            template="portal/sign_in.html",
            context={"form": _refused_form(request), "throttled": True},
        ),
    )


def _court_or_403(request: HttpRequest) -> Node:
    court = judge_court(user=request.user)
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
    proven = proven_record_or_404(index)
    view, proof = proven.view, proven.proof
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
