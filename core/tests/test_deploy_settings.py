"""``manage.py check --deploy`` in a fresh process, as production starts it (DEBUG off, real secrets)."""

import os
import secrets
import string
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def run_check(**overrides: str) -> subprocess.CompletedProcess:
    # The variables are set, even when empty, so a developer's git-ignored .env cannot fill them in.
    # DJANGO_ALLOW_ASYNC_UNSAFE is a test-only switch (browser tests, CI); production never sets it.
    inherited = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(60)),
        "ALLOWED_HOSTS": "eventhorizon.example",
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_production_settings():
    result = run_check()

    assert result.returncode == 0, result.stdout + result.stderr


def test_check_deploy_fails_without_a_secret_key():
    result = run_check(SECRET_KEY="")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_fails_with_a_short_secret_key():
    result = run_check(SECRET_KEY="too-short")

    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_check_deploy_fails_without_allowed_hosts():
    result = run_check(ALLOWED_HOSTS="")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_check_deploy_fails_with_a_wildcard_allowed_host():
    result = run_check(ALLOWED_HOSTS="*")

    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr
