from django.urls import re_path

from judicial_verify.ledger.urls import TILE_PATH_MAX
from judicial_verify.tlog.entry import SHA256_HEX

from . import views

app_name = "mirror"

ORIGIN = rf"(?P<origin_hash>{SHA256_HEX.pattern})"
TILE = rf"(?P<path>tile/.{{1,{TILE_PATH_MAX - len('tile/')}}})"

urlpatterns = [
    re_path(rf"^{ORIGIN}/checkpoint$", views.checkpoint, name="checkpoint"),
    re_path(rf"^{ORIGIN}/{TILE}$", views.tile, name="tile"),
]
