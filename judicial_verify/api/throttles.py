"""Rate limits, counted in Django's cache (Redis in production) so every web node shares them."""

import functools
import logging
import time
from typing import TYPE_CHECKING

from django.core.cache import caches
from redis import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle, SimpleRateThrottle

from judicial_verify.records.credentials import Credential

if TYPE_CHECKING:
    # Only for the type checker: rest_framework.views imports this module (as a default
    # throttle class) while it is being imported itself.
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class AddressRateThrottle(SimpleRateThrottle):
    """Requests counted by client address, whoever asks; the rate is the scope's in
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]."""

    def get_cache_key(self, request: Request, view: "APIView | None") -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CodeLookupThrottle(AddressRateThrottle):
    """Verification codes: every request that names a code counts, found or not, so
    guessing one of 2**95 codes stays hopeless however it is spread over the code
    endpoints."""

    scope = "code"


class ReportThrottle(AddressRateThrottle):
    """Verification report PDFs: each takes the server up to a second to build."""

    scope = "report"


def request_role(request: Request) -> tuple[str, str]:
    """Who asks, as (role, identity): a node by its token, a lawyer by a personal token, a
    judge signed in (session), anyone else by client address."""
    auth = request.auth
    if isinstance(auth, Credential):
        if auth.node is not None:
            return "node", str(auth.node.pk)
        if auth.personal is not None:
            return "lawyer", str(auth.personal.user_id)
    if request.user.is_authenticated:
        return "judge", str(request.user.pk)
    return "anon", BaseThrottle().get_ident(request)


@functools.cache
def rate_parse(rate: str) -> tuple[int, int]:
    count, period = rate.split("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


class RoleRateThrottle(BaseThrottle):
    """Every API view: a rate per role (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] anon, lawyer,
    judge and node; THROTTLE_<ROLE> in the environment), counted per caller.

    A fixed window counted with the cache's atomic incr and add: two round trips a request,
    whatever the rate, where DRF's SimpleRateThrottle rewrites a list of every request's
    time. A caller may burst up to twice its rate across a window's edge. When the cache does
    not answer, requests pass: losing the limit for a while beats losing the API.
    """

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def allow_request(self, request: Request, view: "APIView") -> bool:
        role, ident = request_role(request)
        limit, seconds = rate_parse(api_settings.DEFAULT_THROTTLE_RATES[role])
        now = time.time()
        window = int(now // seconds)
        try:
            count = _window_count(f"throttle:{role}:{ident}:{seconds}:{window}", seconds)
        except RedisError:
            logger.warning("throttle: the cache does not answer; not counting %s requests", role)
            return True
        if count <= limit:
            return True
        self.retry_after = (window + 1) * seconds - now
        return False

    def wait(self) -> float | None:
        return self.retry_after


def _window_count(key: str, seconds: int) -> int:
    """Counts one more request in the window `key` and returns the window's count.

    incr first: all but a window's first request find its key, and Django's Redis incr
    (EXISTS, INCRBY) then makes two round trips, where add-then-incr made three.
    """
    cache = caches["default"]
    try:
        return cache.incr(key)
    except ValueError:  # the window's first request: no key yet
        pass
    if cache.add(key, 1, timeout=seconds + 1):
        return 1
    try:  # another request of the window added it first
        return cache.incr(key)
    except ValueError:  # ... and it expired since: a new window's first request after all
        cache.set(key, 1, timeout=seconds + 1)
        return 1
