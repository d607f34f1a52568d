"""Judges: sign in, search their court's records by case number, see full metadata."""

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from judicial_verify.records.models import Profile, Record

SIGN_IN_ATTEMPTS = 10
SIGN_IN_WINDOW_SECONDS = 15 * 60


def _attempts_key(request: HttpRequest) -> str:
    return f"portal:sign-in-failures:{request.META.get('REMOTE_ADDR', '')}"


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


def _court_of(request: HttpRequest) -> Profile:
    profile = Profile.objects.select_related("court").filter(user__pk=request.user.pk or 0).first()
    if profile is None or profile.role != Profile.Role.JUDGE or profile.court is None:
        raise PermissionDenied(_("Only judges can search court records."))
    return profile


@require_safe
@login_required(login_url="portal:sign-in")
def judge_search(request: HttpRequest) -> HttpResponse:
    profile = _court_of(request)
    case_number = request.GET.get("case_number", "").strip()[:100]
    records = []
    if case_number:
        records = list(
            Record.objects.filter(node=profile.court, metadata__case_number=case_number).order_by(
                "created"
            )
        )
    return render(
        request,
        "portal/judge_search.html",
        {"court": profile.court, "case_number": case_number, "records": records},
    )
