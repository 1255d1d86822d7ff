import os
import secrets
import subprocess
import sys

import pytest
from django.conf import settings

from newsreader.settings.base import parse_email_url

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "newsreader.settings.production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(60),
    "DJANGO_ALLOWED_HOSTS": "news.example",
    "EMAIL_URL": "smtp+tls://newsroom:secret@mail.example:587",
    "NEWSREADER_SITE_URL": "https://news.example",
}


def python(*args, env):
    """Python in a process of its own, with `env` and none of this one's settings."""
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "EMAIL_", "NEWSREADER_SITE_URL"))
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=clean | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def manage(*args, env):
    return python("manage.py", *args, env=env)


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "EMAIL_URL", "NEWSREADER_SITE_URL"])
def test_production_refuses_to_start_without_its_secrets(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert missing in result.stderr


def test_email_url_parsing():
    mailer = parse_email_url("smtp+tls://user%40site:p%40ss@mail.example:587")
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] | {"timeout": None} == {
        "host": "mail.example",
        "port": 587,
        "username": "user@site",
        "password": "p@ss",
        "use_tls": True,
        "use_ssl": False,
        "timeout": None,
    }
    assert parse_email_url("console://")["BACKEND"].endswith("console.EmailBackend")


def test_the_admin_path_comes_from_the_environment():
    """DJANGO_ADMIN_PATH, with or without its slashes, is where the admin lives."""
    script = "from django.urls import reverse; print(reverse('admin:index'))"
    env = {"DJANGO_SETTINGS_MODULE": "newsreader.settings.test", "DJANGO_ADMIN_PATH": "/redaction-privee"}
    result = manage("shell", "--no-imports", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "/redaction-privee/"


def test_the_wsgi_entry_point_leaves_what_it_loaded_out_of_garbage_collection():
    """A full collection walking everything Django loaded paused a worker 90-105 ms, seen at
    p99 (newsreader/wsgi.py). Checked in a process of its own, with production settings."""
    result = python("-c", "import gc, newsreader.wsgi; print(gc.get_freeze_count())", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 10_000
