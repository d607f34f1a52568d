"""Rate limits, counted in Django's cache (Redis in production) so every web node shares them."""

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView


class CodeLookupThrottle(SimpleRateThrottle):
    """Verification codes by client IP, whoever asks: every request that names a code counts,
    found or not, so guessing one of 2**95 codes stays hopeless however it is spread over
    the code endpoints. The rate is REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["code"]."""

    scope = "code"

    def get_cache_key(self, request: Request, view: APIView) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
