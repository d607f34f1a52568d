"""The API's rate limits: DRF throttles counting with judicial_verify.rate_limits, in Django's
cache (Redis in production) so every web node shares them."""

import logging
import time
from typing import TYPE_CHECKING

from django.conf import settings
from redis import RedisError
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from judicial_verify.rate_limits import client_address, code_lookup_wait, rate_parse, window_count
from judicial_verify.records.credentials import Credential

if TYPE_CHECKING:
    # Only for the type checker: rest_framework.views imports this module (as a default
    # throttle class) while it is being imported itself.
    from rest_framework.views import APIView

logger = logging.getLogger(__name__)


class CodeLookupThrottle(BaseThrottle):
    """Verification codes: the distinct codes a client names in a window (the view's `code`),
    found or not, counted together with the portal's /v/CODE pages
    (judicial_verify.rate_limits.code_lookup_wait), at CODE_LOOKUP_RATE (THROTTLE_CODE)."""

    def __init__(self) -> None:
        self.retry_after: float | None = None

    def allow_request(self, request: Request, view: "APIView") -> bool:
        code = str(view.kwargs["code"])
        self.retry_after = code_lookup_wait(request, code=code, rate=settings.CODE_LOOKUP_RATE)
        return self.retry_after is None

    def wait(self) -> float | None:
        return self.retry_after


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
    return "anon", client_address(request)


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
            count = window_count(f"throttle:{role}:{ident}:{seconds}:{window}", seconds)
        except RedisError:
            logger.warning("throttle: the cache does not answer; not counting %s requests", role)
            return True
        if count <= limit:
            return True
        self.retry_after = (window + 1) * seconds - now
        return False

    def wait(self) -> float | None:
        return self.retry_after
