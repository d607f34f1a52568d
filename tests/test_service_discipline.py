"""The service discipline plugin: a test whose service is missing is skipped on a developer's
machine and fails where CI or REQUIRE_SERVICES is set. Runs the plugin in a nested pytest."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ("-p", "no:django", "-p", "tests.service_discipline")


@pytest.fixture
def suite_without_redis(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    pytester.makeini("[pytest]\nmarkers =\n    redis: needs Redis\n")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.redis
        def test_uses_redis():
            pass
        """
    )
    # Port 1 on the loopback: nothing answers there.
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv("REQUIRE_SERVICES", raising=False)
    return pytester


def test_it_skips_a_test_whose_service_is_missing(suite_without_redis: pytest.Pytester) -> None:
    result = suite_without_redis.runpytest_subprocess(*PLUGIN, "-rs")
    result.assert_outcomes(skipped=1)
    result.stdout.fnmatch_lines(["*needs Redis: REDIS_URL does not answer*"])


@pytest.mark.parametrize("variable", ["CI", "REQUIRE_SERVICES"])
def test_it_fails_a_test_whose_service_is_missing_when_services_are_required(
    suite_without_redis: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, variable: str
) -> None:
    monkeypatch.setenv(variable, "true")
    result = suite_without_redis.runpytest_subprocess(*PLUGIN)
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.assert_outcomes(errors=1)  # failed in setup, so pytest counts an error
    result.stdout.fnmatch_lines(["*needs Redis*(required: CI or REQUIRE_SERVICES is set)*"])
