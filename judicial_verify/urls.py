from django.conf import settings
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from judicial_verify.health import health
from judicial_verify.portal.views.judges import admin_sign_in
from judicial_verify.status import status

# Where ADMIN_URL is off, the admin has no URL at all (settings.ADMIN_URL).
admin_urls: list[URLPattern | URLResolver] = (
    [
        # Before the admin's own: its sign-in, limited as the judges' is.
        path(f"{settings.ADMIN_URL}login/", admin_sign_in),
        path(settings.ADMIN_URL, admin.site.urls),
    ]
    if settings.ADMIN_URL
    else []
)

urlpatterns: list[URLPattern | URLResolver] = [
    # Django tries these in order: the API, the busiest, first. No two of them overlap.
    path("api/", include("judicial_verify.api.urls")),
    path("health", health, name="health"),
    path("status", status, name="status"),
    *admin_urls,
    path("log/", include("judicial_verify.ledger.urls")),
    path("witness/", include("judicial_verify.witness.urls")),
    path("mirror/", include("judicial_verify.mirror.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("judicial_verify.portal.urls")),
]

# Under /api/ every failure answers in the API's error shape (judicial_verify.api.errors).
handler400 = "judicial_verify.api.errors.bad_request"
handler403 = "judicial_verify.api.errors.permission_denied"
handler404 = "judicial_verify.api.errors.page_not_found"
handler500 = "judicial_verify.api.errors.server_error"
