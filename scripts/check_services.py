"""Before the suite: are Postgres and Redis reachable? One clear line if not, not a wall of tracebacks."""

import os
import sys
from urllib.parse import urlsplit

import psycopg2
import redis

HOW_TO_START = (
    "Start them with `docker compose up -d postgres redis`, or with your system's service manager "
    "(e.g. `pg_ctlcluster 15 main start`, `redis-server --daemonize yes`)."
)


def unreachable(*, database_url: str, redis_url: str) -> str | None:
    """Why the suite cannot run against these services, or None when both answer."""
    if not database_url.startswith(("postgres://", "postgresql://")):
        return f"DATABASE_URL must name Postgres for the tests (got {database_url!r}); run `make test`."
    if not redis_url.startswith("redis://"):
        return f"REDIS_URL must name Redis for the tests (got {redis_url!r}); run `make test`."
    parts = urlsplit(database_url)
    try:
        psycopg2.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 5432,
            user=parts.username or "postgres",
            password=parts.password or "",
            dbname=(parts.path or "/postgres").lstrip("/") or "postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as exc:
        first_line = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
        return f"Postgres is not reachable at {database_url}: {first_line}\n{HOW_TO_START}"
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        return f"Redis is not reachable at {redis_url}: {exc}\n{HOW_TO_START}"
    return None


def main() -> int:
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    problem = unreachable(database_url=database_url, redis_url=redis_url)
    if problem:
        print(problem, file=sys.stderr)
        return 2
    print(f"Postgres at {database_url} and Redis at {redis_url} are up.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
