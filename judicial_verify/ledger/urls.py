from django.urls import path, re_path

from . import views

app_name = "ledger"

urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    re_path(r"^(?P<path>tile/.*)$", views.tile, name="tile"),
    path("key", views.key, name="key"),
    path("keys", views.keys, name="keys"),
]
