"""`make test` explains, in one message, what is missing and how to start it."""

import pytest

from scripts.check_services import unreachable

POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"
REDIS = "redis://127.0.0.1:6379/0"


def test_both_services_up():
    assert unreachable(database_url=POSTGRES, redis_url=REDIS) is None


@pytest.mark.parametrize(
    ("database_url", "redis_url", "names"),
    [
        ("postgres://postgres@127.0.0.1:1/postgres", REDIS, "Postgres is not reachable"),
        (POSTGRES, "redis://127.0.0.1:1/0", "Redis is not reachable"),
    ],
)
def test_closed_port_names_the_service_and_the_way_out(database_url, redis_url, names):
    problem = unreachable(database_url=database_url, redis_url=redis_url)
    assert problem is not None
    assert names in problem
    assert "docker compose up -d postgres redis" in problem
    assert "Traceback" not in problem


@pytest.mark.parametrize(
    ("database_url", "redis_url"), [("", REDIS), ("sqlite:///x.db", REDIS), (POSTGRES, "")]
)
def test_tests_need_postgres_and_redis_urls(database_url, redis_url):
    assert "must name" in unreachable(database_url=database_url, redis_url=redis_url)
