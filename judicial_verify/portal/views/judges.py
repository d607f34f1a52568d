"""Judges: sign in, search their court's records by case number, open one with its full
metadata, and print its verification report.

Only a judge sees a court's records, and only their own court's: a lawyer or any other
signed-in person is refused whatever they ask for (403), and a record of another court is
the same 404 as a record number the log does not have, so nothing is revealed by asking.
"""

from collections.abc import Callable, Iterable

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
    EntryView,
    Viewer,
    court_records_by_case_number,
    judge_court,
    person_role,
    receipts_of,
)

from ..form_input import FormErrors, Refused, typed_case_number
from .record_numbers import proven_record_or_404

SIGN_IN_ATTEMPTS = 10
SIGN_IN_WINDOW_SECONDS = 15 * 60
# Failed sign-ins per client address, the judges' and the admin's together.
SIGN_IN_LIMIT = AddressLimit("sign-in", SIGN_IN_ATTEMPTS, SIGN_IN_WINDOW_SECONDS)
SEARCH_RESULTS_MAX = 200


def _throttled_context(request: HttpRequest) -> dict[str, object]:
    # An unbound form, with the user name typed: a bound form would check the password as it
    # shows its errors.
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    message = _("Too many failed attempts from this address. Please wait 15 minutes and try again.")
    return {"form": form, "errors": {"": message}}


def _sign_in_errors(form: AuthenticationForm) -> FormErrors:
    """What to put right in a refused sign-in, by field."""
    if not form.is_bound or form.is_valid():
        return {}
    errors: FormErrors = {}
    if "username" in form.errors:
        errors["id_username"] = _("Enter your user name.")
    if "password" in form.errors:
        errors["id_password"] = _("Enter your password.")
    if not errors:  # both given: the pair is wrong (or the account inactive); say not which
        errors["id_password"] = _(
            "The user name or password is not correct. Check both (the password is "
            "case-sensitive) and try again; your court's administrator can reset a forgotten "
            "password."
        )
    return errors


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

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["errors"] = _sign_in_errors(context["form"])
        return context

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
                context=_throttled_context(request),
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
            context=_throttled_context(request),
        ),
    )


def _judge_sees(court: Node | None, view: EntryView) -> bool:
    """Whether a judge of `court` may open the record on their court's pages."""
    if court is None or view.record is None or view.kind is None:
        return False
    return Viewer(court=court).sees_all_of(view)


def judge_opens(request: HttpRequest, views: Iterable[EntryView]) -> set[int]:
    """The indices, of these, of records the signed-in judge may open on their court's pages:
    those their own court anchored; none for anyone else."""
    court = judge_court(user=request.user)
    return {view.index for view in views if _judge_sees(court, view)}


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
    typed = request.GET.get("case_number")
    case_number, errors, results = "", {}, []
    if typed is not None:
        try:
            case_number = typed_case_number(typed)
        except Refused as e:
            errors = {"case_number": e.message}
        else:
            results = court_records_by_case_number(
                court=court, case_number=case_number, limit=SEARCH_RESULTS_MAX + 1
            )
    context = {
        "court": court,
        "typed": typed or "",
        "errors": errors,
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
    if not _judge_sees(court, view) or view.record is None or view.kind is None:
        raise Http404("no such record")
    context = {
        "view": view,
        "checkpoint": proof.checkpoint,
        "metadata": metadata_labelled(view.kind, view.record.metadata),
        "case_number": view.record.metadata.get("case_number", ""),
        "receipts": receipts_of(view) if view.kind.issues_code else [],
    }
    return _private(render(request, "portal/judge_record.html", context))
