"""Settings come from the environment, and a bad value stops the start with an error that
names the variable. Each test starts a fresh interpreter: settings are read once, at import."""

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SETTINGS_VARIABLES = (
    "ADMIN_URL",
    "ALLOWED_HOSTS",
    "CHECKPOINT_INTERVAL",
    "DATABASE_URL",
    "DEBUG",
    "DEPLOYMENT",
    "LOG_LEVEL",
    "LOG_ORIGIN",
    "LOG_SIGNING_KEY",
    "LOG_SIGNING_KEY_FILE",
    "REDIS_URL",
    "SECRET_KEY",
    "SECRET_KEY_FILE",
    "SESSION_HOURS",
    "STATE_DIR",
    "THROTTLE_ANON",
    "THROTTLE_CODE",
    "THROTTLE_JUDGE",
    "THROTTLE_LAWYER",
    "THROTTLE_NODE",
    "THROTTLE_REPORT",
    "TIME_ZONE",
    "TRUSTED_PROXIES",
    "VERIFY_UPLOAD_MAX_BYTES",
    "WITNESS_NAME",
    "WITNESS_POLICY",
    "WITNESS_SIGNING_KEY",
    "WITNESS_SIGNING_KEY_FILE",
    "WITNESS_TIMEOUT",
)

PRODUCTION = {
    "DEPLOYMENT": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "verify.court.example",
}


def run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs the interpreter with `args` in the repository, with none of the settings
    variables set but `env`, and STATE_DIR in tmp_path unless `env` names another."""
    # Nor the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE, set for their session: `check --deploy`
    # rightly warns about it.
    inherited = set(os.environ) - set(SETTINGS_VARIABLES) - {"DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {name: os.environ[name] for name in inherited}
    environ["DJANGO_SETTINGS_MODULE"] = "judicial_verify.settings"
    environ["STATE_DIR"] = str(tmp_path / "state")
    environ.update(env)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def django(tmp_path: Path, code: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs `code` after django.setup() (see `run`)."""
    return run(tmp_path, "-c", f"import django\ndjango.setup()\n{code}", **env)


def printed(tmp_path: Path, expression: str, **env: str) -> str:
    """The repr of what `expression` evaluates to once Django is set up (see `run`)."""
    code = f"from django.conf import settings\nprint(repr(({expression})))"
    result = django(tmp_path, code, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_it_runs_on_sqlite_in_the_state_dir_by_default(tmp_path: Path) -> None:
    database = printed(tmp_path, "str(settings.DATABASES['default']['NAME'])")
    assert database == repr(str(tmp_path / "state" / "db.sqlite3"))


def test_it_uses_a_local_memory_cache_by_default(tmp_path: Path) -> None:
    backend = printed(tmp_path, "settings.CACHES['default']['BACKEND']")
    assert backend == "'django.core.cache.backends.locmem.LocMemCache'"


def test_it_is_not_in_debug_mode_by_default(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.DEBUG") == "False"


def test_it_names_the_log_by_default(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.LOG_ORIGIN") == "'judicial-verify.localhost/log'"


def test_it_creates_the_state_dir_readable_by_the_owner_only(tmp_path: Path) -> None:
    printed(tmp_path, "settings.STATE_DIR")
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700


def test_it_refuses_a_state_dir_others_may_read(tmp_path: Path) -> None:
    state = tmp_path / "shared"
    state.mkdir(mode=0o755)
    state.chmod(0o755)
    result = django(tmp_path, "", STATE_DIR=str(state))
    assert result.returncode != 0
    assert "ImproperlyConfigured: STATE_DIR" in result.stderr
    assert "0755" in result.stderr


def test_it_creates_the_sqlite_database_readable_by_the_owner_only(tmp_path: Path) -> None:
    result = run(tmp_path, "manage.py", "migrate", "--verbosity", "0")
    assert result.returncode == 0, result.stderr
    database = tmp_path / "state" / "db.sqlite3"
    assert database.stat().st_size > 0
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_it_makes_an_existing_sqlite_database_readable_by_the_owner_only(tmp_path: Path) -> None:
    (tmp_path / "state").mkdir(mode=0o700)
    database = tmp_path / "state" / "db.sqlite3"
    database.touch(mode=0o644)
    database.chmod(0o644)
    printed(tmp_path, "settings.DATABASES['default']['NAME']")
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_it_generates_a_secret_key_file_readable_by_the_owner_only(tmp_path: Path) -> None:
    key = printed(tmp_path, "settings.SECRET_KEY").strip("'")
    key_file = tmp_path / "state" / "secret_key"
    assert key_file.read_text().strip() == key
    assert len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_it_keeps_the_generated_secret_key_across_starts(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.SECRET_KEY") == printed(tmp_path, "settings.SECRET_KEY")


def test_it_reads_the_secret_key_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text("a-secret-key-from-a-file\n")
    key = printed(tmp_path, "settings.SECRET_KEY", SECRET_KEY_FILE=str(key_file))
    assert key == "'a-secret-key-from-a-file'"
    assert not (tmp_path / "state" / "secret_key").exists()


def test_it_has_no_log_signing_key_unless_given_one(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.LOG_SIGNING_KEY") == "None"


def test_it_reads_the_log_signing_key_from_a_file(tmp_path: Path) -> None:
    key = "PRIVATE+KEY+judicial-verify.localhost/log+0a1b2c3d+AQIDBA=="
    key_file = tmp_path / "signing-key"
    key_file.write_text(key + "\n")
    signing_key = printed(tmp_path, "settings.LOG_SIGNING_KEY", LOG_SIGNING_KEY_FILE=str(key_file))
    assert signing_key == repr(key)


def test_it_names_the_witness_after_the_logs_host_by_default(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.WITNESS_NAME") == "'judicial-verify.localhost/witness'"
    name = printed(tmp_path, "settings.WITNESS_NAME", LOG_ORIGIN="court.example/log/2026")
    assert name == "'court.example/witness'"


def test_it_takes_the_witness_name_it_is_given(tmp_path: Path) -> None:
    name = printed(tmp_path, "settings.WITNESS_NAME", WITNESS_NAME="notary.example/w1")
    assert name == "'notary.example/w1'"


def test_it_reads_the_witness_signing_key_from_a_file(tmp_path: Path) -> None:
    key = "PRIVATE+KEY+judicial-verify.localhost/witness+0a1b2c3d+BAIDBA=="
    key_file = tmp_path / "witness-key"
    key_file.write_text(key + "\n")
    signing_key = printed(
        tmp_path, "settings.WITNESS_SIGNING_KEY", WITNESS_SIGNING_KEY_FILE=str(key_file)
    )
    assert signing_key == repr(key)


def test_it_has_no_witness_policy_and_waits_5_seconds_for_a_witness_by_default(
    tmp_path: Path,
) -> None:
    assert printed(tmp_path, "settings.WITNESS_POLICY, settings.WITNESS_TIMEOUT") == "(None, 5.0)"


def test_it_shows_times_in_beijing_time_by_default(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.TIME_ZONE") == "'Asia/Shanghai'"


def test_it_takes_the_court_s_time_zone_from_the_environment(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.TIME_ZONE", TIME_ZONE="Asia/Urumqi") == "'Asia/Urumqi'"


def test_it_reads_the_witness_policy_and_timeout_from_the_environment(tmp_path: Path) -> None:
    env = {"WITNESS_POLICY": "/etc/judicial-verify/court.policy", "WITNESS_TIMEOUT": "0.5"}
    expression = "str(settings.WITNESS_POLICY), settings.WITNESS_TIMEOUT"
    assert printed(tmp_path, expression, **env) == "('/etc/judicial-verify/court.policy', 0.5)"


def test_the_system_check_refuses_a_witness_policy_without_the_log_s_key(tmp_path: Path) -> None:
    made = run(tmp_path, "manage.py", "log_key")
    assert made.returncode == 0, made.stderr
    policy = tmp_path / "log.policy"
    other = "judicial-verify.localhost/log+c752d5b0+Aa2usu20W23ZB3VGmrsQlPu/82rJ8pyfsYmW+LqDxhnY"
    policy.write_text(f"log {other}\nquorum none\n")
    result = run(tmp_path, "manage.py", "check", WITNESS_POLICY=str(policy))
    assert result.returncode != 0
    assert (
        f"(ledger.E004) WITNESS_POLICY: it does not name the log's key {made.stdout.strip()} "
        in (result.stderr)
    )


def test_it_selects_postgresql_through_psycopg_3_with_database_url(tmp_path: Path) -> None:
    url = "postgres://jv:pw@db.internal:5433/judicial_verify"
    expression = (
        "[settings.DATABASES['default'][k] for k in ('ENGINE', 'NAME', 'HOST', 'PORT',"
        " 'CONN_MAX_AGE')], __import__('django.db.backends.postgresql.psycopg_any',"
        " fromlist=['x']).is_psycopg3"
    )
    assert printed(tmp_path, expression, DATABASE_URL=url) == (
        "(['django.db.backends.postgresql', 'judicial_verify', 'db.internal', 5433, 60], True)"
    )


def test_it_uses_redis_as_the_cache_with_redis_url(tmp_path: Path) -> None:
    expression = "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']"
    assert printed(tmp_path, expression, REDIS_URL="redis://cache.internal:6380/2") == (
        "('django.core.cache.backends.redis.RedisCache', 'redis://cache.internal:6380/2')"
    )


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("LOG_ORIGIN", "judicial verify/log"),
        ("LOG_ORIGIN", "judicial+verify/log"),
        ("LOG_ORIGIN", ""),
        ("DATABASE_URL", "mysql://root@127.0.0.1/judicial_verify"),
        ("DATABASE_URL", "sqlite:///tmp/db.sqlite3"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:port/judicial_verify"),
        ("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/"),
        ("REDIS_URL", "http://127.0.0.1:6379/0"),
        ("DEPLOYMENT", "prod"),
        ("DEBUG", "maybe"),
        ("LOG_LEVEL", "chatty"),
        ("STATE_DIR", "relative/state"),
        ("SECRET_KEY_FILE", "/nonexistent/secret"),
        ("LOG_SIGNING_KEY_FILE", "/nonexistent/signing-key"),
        ("THROTTLE_ANON", "lots"),
        ("THROTTLE_LAWYER", "0/minute"),
        ("THROTTLE_NODE", "100/fortnight"),
        ("VERIFY_UPLOAD_MAX_BYTES", "100MB"),
        ("VERIFY_UPLOAD_MAX_BYTES", "0"),
        ("VERIFY_UPLOAD_MAX_BYTES", "-1"),
        ("SESSION_HOURS", "0"),
        ("TRUSTED_PROXIES", "proxy.internal"),
        ("TRUSTED_PROXIES", "10.0.0.1,10.0.0.300"),
        ("ADMIN_URL", "api/"),
        ("ADMIN_URL", "../admin/"),
        ("ADMIN_URL", "/"),
        ("THROTTLE_CODE", "30"),
        ("SESSION_HOURS", "8h"),
        ("CHECKPOINT_INTERVAL", "-1"),
        ("CHECKPOINT_INTERVAL", "1s"),
        ("CHECKPOINT_INTERVAL", "nan"),
        ("WITNESS_POLICY", "relative/court.policy"),
        ("WITNESS_TIMEOUT", "0"),
        ("WITNESS_TIMEOUT", "-1"),
        ("WITNESS_TIMEOUT", "soon"),
        ("WITNESS_TIMEOUT", "inf"),
        ("WITNESS_TIMEOUT", "nan"),
        ("TIME_ZONE", "Beijing"),
        ("TIME_ZONE", "../etc/passwd"),
    ],
)
def test_it_refuses_a_bad_value_naming_the_variable(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = django(tmp_path, "", **{variable: value})
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {variable}" in result.stderr


def test_it_keeps_a_sign_in_for_a_working_day_by_default(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.SESSION_COOKIE_AGE") == str(8 * 3600)


def test_it_reads_how_long_a_sign_in_lasts_from_the_environment(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.SESSION_COOKIE_AGE", SESSION_HOURS="2") == str(2 * 3600)


def test_it_believes_no_forwarded_for_header_by_default(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.TRUSTED_PROXIES", **PRODUCTION) == "[]"


def test_it_reads_the_trusted_proxies_from_the_environment(tmp_path: Path) -> None:
    proxies = printed(tmp_path, "settings.TRUSTED_PROXIES", TRUSTED_PROXIES="10.0.0.1, fd00::/8")
    assert proxies == "['10.0.0.1', 'fd00::/8']"


RESOLVED = (
    "from django.urls import Resolver404, resolve\n"
    "def resolved(path):\n"
    "    try:\n"
    "        return resolve(path).view_name\n"
    "    except Resolver404:\n"
    "        return None\n"
)


def test_it_serves_the_admin_at_admin_by_default(tmp_path: Path) -> None:
    code = RESOLVED + "print(resolved('/admin/'), resolved('/admin/login/') is not None)"
    result = django(tmp_path, code)
    assert result.stdout.split() == ["admin:index", "True"], result.stderr


def test_it_serves_the_admin_at_the_admin_url(tmp_path: Path) -> None:
    code = RESOLVED + "print(resolved('/staff/panel/'), resolved('/admin/'))"
    result = django(tmp_path, code, ADMIN_URL="staff/panel")
    assert result.stdout.split() == ["admin:index", "None"], result.stderr


def test_it_serves_no_admin_when_the_admin_url_is_off(tmp_path: Path) -> None:
    code = RESOLVED + "print(resolved('/admin/'), resolved('/admin/login/'))"
    result = django(tmp_path, code, ADMIN_URL="off")
    assert result.stdout.split() == ["None", "None"], result.stderr


def test_it_publishes_a_checkpoint_at_most_once_a_second_by_default(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.CHECKPOINT_INTERVAL") == "1.0"


def test_it_reads_the_checkpoint_interval_from_the_environment(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.CHECKPOINT_INTERVAL", CHECKPOINT_INTERVAL="0.25") == "0.25"
    assert printed(tmp_path, "settings.CHECKPOINT_INTERVAL", CHECKPOINT_INTERVAL="0") == "0.0"


def test_it_verifies_uploads_of_up_to_100_mib_by_default(tmp_path: Path) -> None:
    assert printed(tmp_path, "settings.VERIFY_UPLOAD_MAX_BYTES") == str(100 * 1024 * 1024)


def test_it_reads_the_upload_limit_from_the_environment(tmp_path: Path) -> None:
    limit = printed(tmp_path, "settings.VERIFY_UPLOAD_MAX_BYTES", VERIFY_UPLOAD_MAX_BYTES="5000")
    assert limit == "5000"


def test_it_reads_throttle_rates_per_role_from_the_environment(tmp_path: Path) -> None:
    rates = printed(
        tmp_path,
        "settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']",
        THROTTLE_ANON="5/second",
        THROTTLE_LAWYER="50/second",
        THROTTLE_JUDGE="20/hour",
        THROTTLE_NODE="9000/day",
    )
    for role, rate in [
        ("anon", "5/second"),
        ("lawyer", "50/second"),
        ("judge", "20/hour"),
        ("node", "9000/day"),
    ]:
        assert f"'{role}': '{rate}'" in rates


def test_it_refuses_a_secret_given_both_directly_and_as_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text("from-a-file")
    env = {"SECRET_KEY": "direct", "SECRET_KEY_FILE": str(key_file)}
    result = django(tmp_path, "", **env)
    assert result.returncode != 0
    assert "SECRET_KEY and SECRET_KEY_FILE are both set" in result.stderr


def test_it_refuses_an_empty_secret_file(tmp_path: Path) -> None:
    key_file = tmp_path / "secret"
    key_file.write_text("\n")
    result = django(tmp_path, "", SECRET_KEY_FILE=str(key_file))
    assert result.returncode != 0
    assert "SECRET_KEY_FILE" in result.stderr
    assert "empty" in result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_it_requires_a_value_in_production(tmp_path: Path, missing: str) -> None:
    env = {name: value for name, value in PRODUCTION.items() if name != missing}
    result = django(tmp_path, "", **env)
    assert result.returncode != 0
    assert f"ImproperlyConfigured: {missing}" in result.stderr


def test_it_refuses_a_secret_key_shorter_than_50_characters_in_production(
    tmp_path: Path,
) -> None:
    result = django(tmp_path, "", **{**PRODUCTION, "SECRET_KEY": "k" * 49})
    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY: 49 characters" in result.stderr


def test_it_accepts_a_secret_key_of_50_characters_in_production(tmp_path: Path) -> None:
    env = {**PRODUCTION, "SECRET_KEY": "k" * 50}
    assert printed(tmp_path, "len(settings.SECRET_KEY)", **env) == "50"


def test_it_refuses_debug_in_production(tmp_path: Path) -> None:
    result = django(tmp_path, "", **PRODUCTION, DEBUG="1")
    assert result.returncode != 0
    assert "ImproperlyConfigured: DEBUG" in result.stderr


def test_it_passes_the_deployment_checks_in_production(tmp_path: Path) -> None:
    check = ("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    result = run(tmp_path, *check, **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_it_redirects_plain_http_to_https_in_production(tmp_path: Path) -> None:
    code = (
        "from django.test import Client\n"
        "response = Client().get('/admin/', HTTP_HOST='verify.court.example')\n"
        "print(response.status_code, response['Location'])"
    )
    result = django(tmp_path, code, **PRODUCTION)
    assert result.stdout.strip() == "301 https://verify.court.example/admin/", result.stderr


def test_it_answers_the_containers_health_check_over_plain_http_in_production(
    tmp_path: Path,
) -> None:
    code = (
        "from django.test import Client\n"
        "response = Client().get('/health', HTTP_HOST='127.0.0.1:8000')\n"
        "print(response.status_code, response.content.decode())"
    )
    result = django(tmp_path, code, **PRODUCTION)
    assert result.stdout.strip() == "200 ok", result.stderr
