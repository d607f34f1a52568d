"""The test caches' key function: every key carries the running test's prefix.

Each test gets an empty cache of its own this way (throttle counts never carry over from
another test, nor another run, and nothing is flushed from a Redis the Celery broker
shares), while the caches stay the ones Django made at the start. Swapping CACHES for each
test instead made new caches, and Django's Redis cache never closes the connections of one
it drops: a whole run left the test process with more than a thousand open sockets.
"""

import uuid

_prefix = ["session"]


def prefix_new() -> None:
    """Starts an empty cache: keys made from now on carry a prefix no earlier key had."""
    _prefix[0] = uuid.uuid4().hex


def test_key(key: str, key_prefix: str, version: int) -> str:
    """Django's default key with the running test's prefix in front (KEY_FUNCTION)."""
    return f"test-{_prefix[0]}:{key_prefix}:{version}:{key}"
