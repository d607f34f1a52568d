"""The REST API, version 1. One view per operation, in views/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from .errors import json_not_found
from .views.entries_submit import EntrySubmitView

app_name = "api"

urlpatterns = [
    path("v1/entries", EntrySubmitView.as_view(), name="entries-submit"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    # Last: any other /api/ path answers in the API's error shape.
    re_path(r"^.*$", json_not_found),
]
