"""Deployment artefacts: production settings pass `check --deploy`; compose and Dockerfile match the code."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k3Q9-xv7_pLr2Zt8wNc5Hy1Ue6Ba4Md0Gs3Jf9Vq2Wk7Xo5Pi8Rl1Tn6Cb4Ez",
    "ALLOWED_HOSTS": "track.example.com",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_SSL_REDIRECT": "1",
}


def manage_check_deploy(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", *PRODUCTION_ENV}
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy_without_warnings():
    result = manage_check_deploy(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_refuses_the_embedded_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = manage_check_deploy(env)
    assert result.returncode != 0
    assert "postpurchase.E001" in result.stderr


def settings_env_names() -> set[str]:
    """Every environment variable settings.py reads (env.str("NAME"…), env.bool(…), env.db_url(…)…)."""
    source = (ROOT / "postpurchase" / "settings.py").read_text()
    return set(re.findall(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_settings_env_names_are_found():
    names = settings_env_names()
    assert {
        "DATABASE_URL",
        "REDIS_URL",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DEBUG",
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "EMAIL_URL",
    } <= names


def test_compose_has_the_services_of_the_design(compose):
    services = compose["services"]
    assert {"postgres", "redis", "web", "worker", "beat"} <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    web = " ".join(services["web"]["command"])
    assert web.startswith("gunicorn postpurchase.wsgi")
    worker = " ".join(services["worker"]["command"])
    assert worker.startswith("celery -A postpurchase worker")
    queues = worker.split("-Q ")[1].split()[0].split(",")
    assert set(queues) == {"default", "ingest", "notifications", "scheduled"}
    assert " ".join(services["beat"]["command"]).startswith("celery -A postpurchase beat")
    images = {services[name].get("image") for name in ("web", "worker", "beat")}
    assert len(images) == 1  # one image for all three
    assert all(services[name].get("build") == "." for name in ("web", "worker", "beat"))


@pytest.mark.parametrize("service", ["web", "worker", "beat"])
def test_compose_environment_matches_settings(compose, service):
    environment = compose["services"][service]["environment"]
    names = set(environment)
    unknown = names - settings_env_names()
    assert not unknown, f"compose sets variables the settings never read: {unknown}"
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"} <= names
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert environment["DATABASE_URL"].split("@")[1].startswith("postgres:5432/")
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")


def test_compose_runs_every_queue_the_code_routes_to(compose):
    worker = " ".join(compose["services"]["worker"]["command"])
    queues = set(worker.split("-Q ")[1].split()[0].split(","))
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    assert routed | {settings.CELERY_TASK_DEFAULT_QUEUE} <= queues


def test_dockerfile_one_slim_image_non_root_with_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    instructions = [
        line.strip() for line in dockerfile.splitlines() if line.strip() and not line.startswith("#")
    ]
    assert instructions[0] == "FROM python:3.11-slim"
    assert "collectstatic --noinput" in dockerfile
    users = [line.split()[1] for line in instructions if line.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}
    assert any(
        line.startswith("CMD") and "gunicorn" in line and "postpurchase.wsgi" in line for line in instructions
    )
    # collectstatic runs before the switch to the unprivileged user, so the user cannot rewrite the assets.
    assert dockerfile.index("collectstatic") < dockerfile.index("\nUSER ")


def test_readme_documents_the_commands_and_every_setting():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme
    assert "make test" in readme
    undocumented = sorted(name for name in settings_env_names() if f"`{name}`" not in readme)
    assert not undocumented, f"add these to README.md's configuration table: {undocumented}"
    for link in re.findall(r"\]\(((?:docs/)[^)]+)\)", readme):
        assert (ROOT / link).exists(), link


def test_demo_mode_is_read_from_the_environment():
    script = "import django; django.setup(); from django.conf import settings; print(settings.DEMO_MODE)"
    clean = {k: v for k, v in os.environ.items() if k not in {"DEMO_MODE", "DEBUG"}}
    answers = [
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**clean, "DJANGO_SETTINGS_MODULE": "postpurchase.settings", **extra},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for extra in ({}, {"DEMO_MODE": "1"})
    ]
    assert answers == ["False", "True"]


def test_web_processes_load_the_code_once_before_forking(compose):
    """gunicorn --preload with the hooks that keep memory shared, wherever the web tier starts."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    command = next(line for line in dockerfile.splitlines() if line.startswith("CMD"))
    assert "gunicorn" in command
    assert '"--preload"' in command
    assert '"--config=gunicorn.conf.py"' in command
    assert {"--preload", "--config=gunicorn.conf.py"} <= set(compose["services"]["web"]["command"])
    assert (ROOT / "gunicorn.conf.py").exists()


def test_gunicorn_hooks_freeze_what_the_master_loaded_and_collect_again():
    script = (
        "import gc, runpy\n"
        "hooks = runpy.run_path('gunicorn.conf.py')\n"
        "loading = gc.isenabled()\n"
        "hooks['when_ready'](None)\n"
        "print(loading, gc.isenabled(), gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["False", "True", "True"]
