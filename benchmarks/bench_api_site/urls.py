"""The product's URLconf with one benchmark-only view added: GET /bench/bare, a DRF view that
returns a constant. It goes through what every API view does (DRF's request, the
authentication classes, the role throttle counted in Redis, the JSON renderer) and nothing
else, so GET /api/v1/verify's rate divided by its rate is the cost of verification itself.
"""

from django.urls import URLPattern, URLResolver, path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from judicial_verify import urls as product


class BareView(APIView):
    def get(self, request: Request) -> Response:
        return Response({"ok": True})


urlpatterns: list[URLPattern | URLResolver] = [
    path("bench/bare", BareView.as_view(), name="bench-bare"),
    *product.urlpatterns,
]

handler400 = product.handler400
handler403 = product.handler403
handler404 = product.handler404
handler500 = product.handler500
