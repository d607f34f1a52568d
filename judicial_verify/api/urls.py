"""The REST API, version 1. One view per operation, in views/."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .errors import json_not_found
from .views.codes import CodeCheckView, CodeQrView, CodeView
from .views.entries_read import EntryProofView, EntryReadView, EntryReceiptView
from .views.entries_submit import EntrySubmitView
from .views.log import LogConsistencyView, LogView
from .views.verify import VerifyView

app_name = "api"

urlpatterns = [
    # Django tries these in order: the busiest, public verification, first.
    path("v1/verify", VerifyView.as_view(), name="verify"),
    path("v1/entries", EntrySubmitView.as_view(), name="entries-submit"),
    path("v1/codes/<str:code>", CodeView.as_view(), name="codes-service-record"),
    path("v1/codes/<str:code>/check", CodeCheckView.as_view(), name="codes-check"),
    path("v1/codes/<str:code>/qr", CodeQrView.as_view(), name="codes-qr"),
    # Public, so they read no credentials: a stale token in a browser cannot break the docs.
    # The split view serves Swagger UI's start-up script as a file: the CSP allows no inline one.
    path("schema/", SpectacularAPIView.as_view(authentication_classes=[]), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema",
            template_name="api/swagger_ui.html",
            authentication_classes=[],
        ),
        name="docs",
    ),
    path("v1/entries/<str:index>", EntryReadView.as_view(), name="entries-read"),
    path("v1/entries/<str:index>/proof", EntryProofView.as_view(), name="entries-proof"),
    path("v1/entries/<str:index>/receipt", EntryReceiptView.as_view(), name="entries-receipt"),
    path("v1/log", LogView.as_view(), name="log"),
    path("v1/log/consistency", LogConsistencyView.as_view(), name="log-consistency"),
    # Last: any other /api/ path answers in the API's error shape.
    re_path(r"^.*$", json_not_found),
]
