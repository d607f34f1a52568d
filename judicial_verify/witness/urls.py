from django.urls import path, re_path

from . import views

app_name = "witness"

urlpatterns = [
    path("add-checkpoint", views.add_checkpoint, name="add-checkpoint"),
    re_path(r"^(?P<origin_hash>[0-9a-f]{64})/checkpoint$", views.checkpoint, name="checkpoint"),
]
