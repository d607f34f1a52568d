"""A signed-in judge's or lawyer's personal API tokens: create one (shown once, on the answer
to the form that created it, and stored hashed), list them, revoke one.

A person signed in with no role on the portal (an administrator, say) is told so here, with
200 rather than a 403: it is where signing in leads them.
"""

from typing import cast

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from judicial_verify.rate_limits import AddressLimit, too_many_requests
from judicial_verify.records.credentials import (
    PERSONAL_TOKENS_MAX,
    TooManyTokens,
    personal_token_issue,
    personal_token_revoke,
    personal_tokens_of,
)
from judicial_verify.records.selectors import person_role

TEMPLATE = "portal/tokens.html"
NAME_MAX = 100


def _user(request: HttpRequest) -> User:
    # login_required has let only a signed-in person through.
    return cast(User, request.user)


def _too_many_message() -> str:
    message = _(
        "You have %(n)s tokens already, the most one person may hold: revoke one you no "
        "longer use first."
    )
    return message % {"n": PERSONAL_TOKENS_MAX}


def _page(
    request: HttpRequest, *, new_token: str = "", name: str = "", too_many: bool = False
) -> HttpResponse:
    user = _user(request)
    role = person_role(user=user)
    context = {
        "role": role,
        "tokens": list(personal_tokens_of(user=user)) if role else [],
        "new_token": new_token,
        "name": name,
        "name_max": NAME_MAX,
        # Not the name's fault: the form's as a whole, so no field is marked.
        "errors": {"": _too_many_message()} if too_many else {},
    }
    response = render(request, TEMPLATE, context)
    # A token is on this page once: no cache, shared or the browser's, may keep it.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "HEAD", "POST"])
@login_required(login_url="portal:sign-in")
def tokens_page(request: HttpRequest) -> HttpResponse:
    """GET: the person's tokens and the form to create one. POST: creates one and shows it."""
    if request.method != "POST":
        return _page(request)
    if person_role(user=_user(request)) is None:
        return _page(request)
    counted = AddressLimit.of_rate("personal-token", settings.PERSONAL_TOKEN_RATE).count(request)
    if counted.wait is not None:
        return too_many_requests(request, counted.wait)
    name = " ".join(request.POST.get("name", "").split())[:NAME_MAX]
    try:
        token = personal_token_issue(user=_user(request), name=name)
    except TooManyTokens:
        return _page(request, name=name, too_many=True)
    return _page(request, new_token=token, name=name)


@require_POST
@login_required(login_url="portal:sign-in")
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    # Another person's token is the same 404 as one that does not exist.
    if not personal_token_revoke(user=_user(request), token_id=token_id):
        raise Http404("no such token")
    return redirect("portal:tokens")
