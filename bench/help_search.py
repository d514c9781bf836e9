"""Help-centre search speed, as a ratio to fetching one answer by its primary key.

Runs in one process against a real Postgres database of its own (created and migrated here):
a brand with N answers in each of en, ro, pl and ru (the starter answers plus generated ones),
then Q searches per language — accent-free, multi-word and no-hit queries — through the
selector the help-centre page uses, next to Q primary-key reads of an answer. Prints searches
per second, the ratio, and the page's query count for a search.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postpurchase_bench .venv/bin/python -m bench.help_search
"""

import os
import random
import sys
import time

N = int(os.environ.get("BENCH_ANSWERS", "2000"))
Q = int(os.environ.get("BENCH_QUERIES", "300"))
QUERIES = {
    "en": ["late parcel", "returning", "damaged item", "refund card", "nothing-matches-this"],
    "ro": ["colet intarzie", "retur", "deteriorat", "rambursare card", "nimicnuseporiveste"],
    "pl": ["spozniona paczka", "zwrot", "uszkodzony", "zwrot pieniedzy", "nicniepasuje"],
    "ru": ["посылка задерживается", "вернуть товар", "повреждён", "возврат денег", "ничегоненайдено"],
}
WORDS = {
    "en": [
        "delivery",
        "parcel",
        "courier",
        "refund",
        "exchange",
        "size",
        "colour",
        "warranty",
        "invoice",
        "address",
        "pickup",
    ],
    "ro": [
        "livrare",
        "colet",
        "curier",
        "rambursare",
        "schimb",
        "mărime",
        "culoare",
        "garanție",
        "factură",
        "adresă",
        "ridicare",
    ],
    "pl": [
        "dostawa",
        "paczka",
        "kurier",
        "zwrot",
        "wymiana",
        "rozmiar",
        "kolor",
        "gwarancja",
        "faktura",
        "adres",
        "odbiór",
    ],
    "ru": [
        "доставка",
        "посылка",
        "курьер",
        "возврат",
        "обмен",
        "размер",
        "цвет",
        "гарантия",
        "счёт",
        "адрес",
        "самовывоз",
    ],
}


def main() -> None:
    from bench.webhook_ingest import _ensure_database

    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postpurchase_bench")
    if not url.startswith("postgres"):
        sys.exit("This benchmark needs Postgres (DATABASE_URL=postgres://…).")
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "postpurchase.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call_command("migrate", verbosity=0)
    from brands.models import Brand
    from support import selectors, services
    from support.models import FaqArticle, FaqCategory

    brand = Brand.objects.create(
        slug="bench", name="Bench", default_locale="en", enabled_locales=["en", "ro", "pl", "ru"]
    )
    services.help_centre_starter_install(brand=brand)
    rng = random.Random(7)
    for locale, words in WORDS.items():
        category = FaqCategory.objects.get(brand=brand, locale=locale, slug="delivery")
        for index in range(N):
            title = " ".join(rng.choices(words, k=5)).capitalize() + f" {index}?"
            body = "".join(f"<p>{' '.join(rng.choices(words, k=30))}.</p>" for _ in range(3))
            services.faq_article_save(
                article=FaqArticle(brand=brand, category=category, locale=locale, title=title, body=body)
            )
    total = FaqArticle.objects.filter(brand=brand).count()
    ids = list(FaqArticle.objects.filter(brand=brand).values_list("id", flat=True))

    started = time.perf_counter()
    for index in range(Q):
        FaqArticle.objects.filter(brand=brand, id=ids[index % len(ids)]).first()
    baseline = Q / (time.perf_counter() - started)

    print(f"{total} answers ({N + 6} per language), {Q} searches per language")
    print(f"{'primary-key read (baseline)':<34} {baseline:>8.0f}/s  ratio 1")
    for locale, queries in QUERIES.items():
        started = time.perf_counter()
        hits = 0
        for index in range(Q):
            hits += len(selectors.faq_search(brand=brand, locale=locale, query=queries[index % len(queries)]))
        rate = Q / (time.perf_counter() - started)
        print(
            f"{'search ' + locale:<34} {rate:>8.0f}/s  ratio {rate / baseline:.3f}  ({hits / Q:.1f} hits per search)"
        )
    with CaptureQueriesContext(connection) as captured:
        selectors.faq_search(brand=brand, locale="ro", query="colet intarzie")
    print(f"queries per search: {len(captured)}")
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN SELECT id FROM support_faqarticle WHERE search_vector @@ plainto_tsquery('romanian', unaccent('colet'))"
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    print("plan uses the GIN index:", "faqarticle_search" in plan)


if __name__ == "__main__":
    main()
