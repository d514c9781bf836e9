"""Uploaded media served by the application with DEBUG off: fixed types, no sniffing, SVG without script."""

from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    settings.DEBUG = False
    settings.MEDIA_ROOT = tmp_path
    logos = tmp_path / "brands" / "logos"
    logos.mkdir(parents=True)
    (logos / "abc.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (logos / "abc.svg").write_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"/>')
    (logos / "notes.html").write_bytes(b"<script>alert(1)</script>")
    (tmp_path.parent / "secret.png").write_bytes(b"outside")
    return tmp_path


def test_a_logo_is_served_with_its_type_a_long_cache_and_nosniff(client: Any, media: Path) -> None:
    response = client.get("/media/brands/logos/abc.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"\x89PNG\r\n\x1a\n"
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Content-Security-Policy" not in response


def test_an_svg_logo_may_draw_but_never_run_script(client: Any, media: Path) -> None:
    response = client.get("/media/brands/logos/abc.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"


@pytest.mark.parametrize(
    "path",
    [
        "/media/brands/logos/notes.html",  # not an image type: never served as a page
        "/media/brands/logos/missing.png",
        "/media/../secret.png",
        "/media/brands/logos/..%2f..%2f..%2fsecret.png",
        "/media/%2e%2e/secret.png",
        "/media/brands/logos/abc.png%00.html",
        "/media/brands/logos/",
    ],
)
def test_anything_else_is_not_found(client: Any, media: Path, path: str) -> None:
    assert client.get(path).status_code == 404


def test_only_reads_are_allowed(client: Any, media: Path) -> None:
    assert client.post("/media/brands/logos/abc.png").status_code == 405
    assert client.head("/media/brands/logos/abc.png").status_code == 200


def test_compose_keeps_uploads_on_a_named_volume() -> None:
    import yaml

    compose = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())
    assert "media" in compose["volumes"]
    for service in ("web", "worker", "migrate"):
        assert "media:/app/media" in compose["services"][service]["volumes"]
        assert compose["services"][service]["environment"]["MEDIA_ROOT"] == "/app/media"
