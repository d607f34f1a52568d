from django.urls import path, re_path

from judicial_verify.tlog.entry import SHA256_HEX

from . import views

app_name = "witness"

urlpatterns = [
    path("add-checkpoint", views.add_checkpoint, name="add-checkpoint"),
    re_path(
        rf"^(?P<origin_hash>{SHA256_HEX.pattern})/checkpoint$", views.checkpoint, name="checkpoint"
    ),
]
