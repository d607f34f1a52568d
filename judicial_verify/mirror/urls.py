from django.urls import re_path

from judicial_verify.ledger.urls import TILE_PATH_MAX

from . import views

app_name = "mirror"

urlpatterns = [
    re_path(r"^(?P<origin_hash>[0-9a-f]{64})/checkpoint$", views.checkpoint, name="checkpoint"),
    re_path(
        rf"^(?P<origin_hash>[0-9a-f]{{64}})/(?P<path>tile/.{{1,{TILE_PATH_MAX - len('tile/')}}})$",
        views.tile,
        name="tile",
    ),
]
