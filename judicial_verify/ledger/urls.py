from django.urls import path, re_path

from . import views

app_name = "ledger"

# The longest tile path a log of 2**64 entries has is under 50 characters. Past the bound
# the path is no tile (404) and never reaches int(), which refuses numbers of thousands of
# digits with a ValueError.
TILE_PATH_MAX = 80

urlpatterns = [
    path("checkpoint", views.checkpoint, name="checkpoint"),
    re_path(rf"^(?P<path>tile/.{{1,{TILE_PATH_MAX - len('tile/')}}})$", views.tile, name="tile"),
    path("key", views.key, name="key"),
    path("keys", views.keys, name="keys"),
    path("policy", views.policy, name="policy"),
]
