"""The collector paused for a block, and running again after it."""

import gc
from collections.abc import Iterator

import pytest

from judicial_verify.collector import collector_paused


@pytest.fixture
def collector_running() -> Iterator[None]:
    """The collector running for the test, and as it was after it."""
    running = gc.isenabled()
    gc.enable()
    yield
    if not running:
        gc.disable()


@pytest.mark.usefixtures("collector_running")
def test_it_pauses_the_collector_for_the_block_and_resumes_it() -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_running")
def test_it_resumes_the_collector_when_the_block_fails() -> None:
    with pytest.raises(ValueError, match="failed"), collector_paused():
        raise ValueError("failed")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_running")
def test_it_leaves_a_paused_collector_paused() -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()
