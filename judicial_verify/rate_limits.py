"""Rate limits by client address, counted in Django's cache (Redis in production) so every web
node shares them.

The API's throttles (api/throttles.py) and the portal's views count with the same pieces: the
client's address (`client_address`), windows counted with the cache's atomic add and incr
(`window_count`), a limit a view counts a request against (`AddressLimit`, answered over it
with `too_many_requests`), and the verification codes an address may name
(`code_lookup_wait`). When the cache does not answer, requests pass: losing the limit for a
while beats losing the site.
"""

import functools
import hashlib
import ipaddress
import logging
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from redis import RedisError

logger = logging.getLogger(__name__)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


class HasMeta(Protocol):
    """A Django request or a DRF one: both carry the WSGI environ as META."""

    @property
    def META(self) -> Mapping[str, Any]: ...  # noqa: N802 (Django's name)


@functools.cache
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def _address(text: str) -> Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request: HasMeta) -> str:
    """The client's address: REMOTE_ADDR, unless that is a proxy named in TRUSTED_PROXIES;
    then the right-most X-Forwarded-For address that is no such proxy, the one the nearest
    untrusted hop was seen from. What lies left of it anyone may have written."""
    remote = str(request.META.get("REMOTE_ADDR", ""))
    proxies = _networks(tuple(settings.TRUSTED_PROXIES))
    address = _address(remote)
    if address is None or not any(address in network for network in proxies):
        return remote
    for hop in reversed(str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")):
        address = _address(hop)
        if address is None:
            break  # not written by a proxy we trust: the nearest trusted hop is the client
        remote = str(address)
        if not any(address in network for network in proxies):
            break
    return remote


@functools.cache
def rate_parse(rate: str) -> tuple[int, int]:
    """(requests, seconds) of a rate such as `30/minute`."""
    count, period = rate.split("/")
    return int(count), {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]


def window_count(key: str, seconds: int) -> int:
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


@dataclass(frozen=True)
class Counted:
    """A request counted against a limit: `wait` is the seconds until its client may ask
    again when it went over the limit, else None."""

    key: str
    wait: int | None


@dataclass(frozen=True)
class AddressLimit:
    """At most `requests` of one kind (`scope`) from one client address in a window of
    `seconds` that begins at its first request: no window's edge lets a burst of twice as
    many through, as fixed windows would."""

    scope: str
    requests: int
    seconds: int

    @classmethod
    def of_rate(cls, scope: str, rate: str) -> "AddressLimit":
        requests, seconds = rate_parse(rate)
        return cls(scope, requests, seconds)

    def count(self, request: HasMeta) -> Counted:
        """Counts `request` before it is answered, so that parallel requests cannot all slip
        under the limit."""
        key = f"limit:{self.scope}:{client_address(request)}:{self.seconds}"
        try:
            count = window_count(key, self.seconds)
        except RedisError:
            logger.warning("limit: the cache does not answer; not counting %s", self.scope)
            return Counted(key, None)
        # The cache does not tell when the window began: a whole one is the longest wait.
        return Counted(key, None if count <= self.requests else self.seconds)

    def forgive(self, counted: Counted) -> None:
        """Takes back a request counted in the window: a sign-in that succeeded."""
        try:
            caches["default"].decr(counted.key)
        except ValueError:  # the window has ended since: its count is gone
            pass
        except RedisError:
            logger.warning("limit: the cache does not answer; not forgiving %s", self.scope)


def too_many_requests(
    request: HttpRequest,
    wait: float,
    *,
    template: str = "429.html",
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """The portal's 429 page, saying when to retry."""
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(max(1, math.ceil(wait)))
    return response


def code_lookup_wait(request: HasMeta, *, code: str, rate: str) -> int | None:
    """Counts a request naming verification code `code` from the client; returns the
    seconds until it may name another when it is over `rate`, else None.

    The portal's /v/CODE page and the API's code endpoints share the count. What is counted
    is the distinct codes a client names in a window (as AddressLimit's, from its first
    request), found or not: the holder of a code opens its page, checks files there and
    fetches its QR code, all for one code, while guessing one of 2**95 codes takes distinct
    ones, a rate of which leaves it hopeless. A code the client was allowed in the last
    window's time is allowed again without counting.
    """
    requests, seconds = rate_parse(rate)
    address = client_address(request)
    # The key holds a digest, not the code: a cache's keys are no place for a secret.
    compact = "".join(code.split()).replace("-", "").upper()
    digest = hashlib.sha256(compact.encode(errors="surrogatepass")).hexdigest()[:32]
    allowed_key = f"limit:code-allowed:{address}:{digest}:{seconds}"
    cache = caches["default"]
    try:
        if cache.get(allowed_key):
            return None
        if window_count(f"limit:codes:{address}:{seconds}", seconds) > requests:
            return seconds
        cache.set(allowed_key, 1, timeout=seconds)
    except RedisError:
        logger.warning("limit: the cache does not answer; not counting verification codes")
    return None
