"""The REST API, version 1. One view per operation, in views/."""

from django.urls import path, re_path

from .errors import json_not_found
from .views.entries_submit import EntrySubmitView

app_name = "api"

urlpatterns = [
    path("v1/entries", EntrySubmitView.as_view(), name="entries-submit"),
    # Last: any other /api/ path answers in the API's error shape.
    re_path(r"^.*$", json_not_found),
]
