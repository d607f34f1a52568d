from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from judicial_verify.health import health

urlpatterns: list[URLPattern | URLResolver] = [
    path("health", health, name="health"),
    path("admin/", admin.site.urls),
    path("log/", include("judicial_verify.ledger.urls")),
    path("api/", include("judicial_verify.api.urls")),
]
