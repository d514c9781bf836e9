"""Static files as production serves them: DEBUG off, collectstatic run, WhiteNoise in front.

The rest of the suite renders plain static names (tests/conftest.py), so it needs no collectstatic;
here collectstatic runs once for the module into a temporary STATIC_ROOT with the product's own
storage, and pages and files are fetched through the whole middleware stack.
"""

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import brotli
import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import Client, override_settings

from postpurchase import settings as product_settings

ROOT = Path(__file__).resolve().parents[2]
HASHED = re.compile(r"\.[0-9a-f]{12}\.(css|js)$")
A_YEAR = "max-age=31536000"


@pytest.fixture(scope="module")
def static_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("staticfiles")
    # Every file is hashed as in production; scripts are left uncompressed here only to keep the
    # run short (brotli over the API-docs bundles takes most of a build's time).
    skip = (*product_settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS, "js")
    with override_settings(
        STATIC_ROOT=root, STORAGES=product_settings.STORAGES, WHITENOISE_SKIP_COMPRESS_EXTENSIONS=skip
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def served(settings: Any, static_root: Path) -> Client:
    """A client of the product configured as in production after collectstatic."""
    settings.STATIC_ROOT = static_root
    settings.STORAGES = product_settings.STORAGES
    return Client()  # a new handler: WhiteNoise reads STATIC_ROOT when its middleware is built


def stylesheets(html: str) -> list[str]:
    return re.findall(r'<link[^>]+href="(/static/[^"]+\.css)"', html)


def body(response: Any) -> bytes:
    return b"".join(response.streaming_content)


def test_production_storage_is_the_compressed_manifest_when_debug_is_off() -> None:
    script = "from django.conf import settings; print(settings.STORAGES['staticfiles']['BACKEND'])"
    clean = {k: v for k, v in os.environ.items() if k != "DEBUG"}
    backends = [
        subprocess.run(
            [sys.executable, "-c", f"import django; django.setup(); {script}"],
            cwd=ROOT,
            env={**clean, "DJANGO_SETTINGS_MODULE": "postpurchase.settings", "DEBUG": debug},
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout.strip()
        for debug in ("0", "1")
    ]
    assert backends == [
        "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "django.contrib.staticfiles.storage.StaticFilesStorage",
    ]
    assert "common.static.StaticFilesMiddleware" in django_settings.MIDDLEWARE


def test_collectstatic_writes_a_manifest_and_gzip_and_brotli_copies(static_root: Path) -> None:
    assert (static_root / "staticfiles.json").exists()
    hashed = [p for p in static_root.rglob("shopper/shopper.*.css") if HASHED.search(p.name)]
    assert len(hashed) == 1
    original = hashed[0].read_bytes()
    assert gzip.decompress(Path(f"{hashed[0]}.gz").read_bytes()) == original
    assert brotli.decompress(Path(f"{hashed[0]}.br").read_bytes()) == original


@pytest.mark.django_db
def test_a_shopper_page_links_hashed_stylesheets_served_compressed_for_a_year(
    served: Client, brand: Any, static_root: Path
) -> None:
    page = served.get(f"/{brand.slug}/track/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    links = stylesheets(page.content.decode())
    assert any("/shopper/shopper." in link for link in links)
    for link in links:
        assert HASHED.search(link), link
        on_disk = (static_root / link.removeprefix("/static/")).read_bytes()

        as_brotli = served.get(link, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
        assert as_brotli.status_code == 200
        assert as_brotli["Content-Encoding"] == "br"
        assert A_YEAR in as_brotli["Cache-Control"]
        assert "immutable" in as_brotli["Cache-Control"]
        assert "Accept-Encoding" in as_brotli["Vary"]
        assert as_brotli["Content-Type"].startswith("text/css")
        assert brotli.decompress(body(as_brotli)) == on_disk

        as_gzip = served.get(link, HTTP_ACCEPT_ENCODING="gzip")
        assert as_gzip["Content-Encoding"] == "gzip"
        assert A_YEAR in as_gzip["Cache-Control"]
        assert gzip.decompress(body(as_gzip)) == on_disk

        plain = served.get(link)
        assert "Content-Encoding" not in plain
        assert body(plain) == on_disk


@pytest.mark.django_db
def test_the_console_login_page_stylesheets_and_scripts_are_hashed_and_served(served: Client) -> None:
    page = served.get("/admin/login/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = stylesheets(html) + re.findall(r'<script[^>]+src="(/static/[^"]+\.js)"', html)
    assert any("/unfold/" in asset for asset in assets)
    for asset in assets:
        assert HASHED.search(asset), asset
        answer = served.get(asset, HTTP_ACCEPT_ENCODING="gzip")
        assert answer.status_code == 200, asset
        assert A_YEAR in answer["Cache-Control"]
        assert "immutable" in answer["Cache-Control"]


@pytest.mark.django_db
def test_a_plain_name_is_still_served_but_only_briefly_cached(served: Client) -> None:
    answer = served.get("/static/shopper/shopper.css", HTTP_ACCEPT_ENCODING="gzip")
    assert answer.status_code == 200
    assert answer["Cache-Control"] == f"max-age={product_settings.WHITENOISE_MAX_AGE}, public"
    assert "immutable" not in answer["Cache-Control"]
