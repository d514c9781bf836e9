"""Demo offers: store hosts, recommendation rules, a care guide and a banner in each language."""

from urllib.parse import urlsplit

from brands.models import Brand
from demo.seed import DEMO_BRANDS
from loyalty.models import DiscountCode
from loyalty.seed import STORE_URLS
from offers import recommendations
from offers.models import ContentBlock, OffersSettings, RecommendationRule

RULES = {"phones": ["phone-cases", "headphones"], "apparel": ["home"], "headphones": ["phone-cases"]}
# locale → (guide title, guide body, banner title, banner body, link label)
WORDS = {
    "en": (
        "Caring for your new phone",
        "<p>Charge it to 100% once, then keep it between 20% and 80%. A case and a screen protector save most repairs.</p>",
        "Welcome gift: 10% off accessories",
        "<p>Cases and headphones that fit what you bought.</p>",
        "Shop accessories",
    ),
    "ro": (
        "Cum să ai grijă de noul telefon",
        "<p>Încarcă-l o dată la 100%, apoi ține-l între 20% și 80%. O husă și o folie de protecție previn majoritatea reparațiilor.</p>",
        "Cadou de bun venit: 10% reducere la accesorii",
        "<p>Huse și căști potrivite pentru ce ai cumpărat.</p>",
        "Vezi accesoriile",
    ),
    "pl": (
        "Jak dbać o nowy telefon",
        "<p>Naładuj go raz do 100%, potem trzymaj między 20% a 80%. Etui i szkło ochronne oszczędzą większości napraw.</p>",
        "Prezent powitalny: 10% rabatu na akcesoria",
        "<p>Etui i słuchawki dopasowane do Twojego zakupu.</p>",
        "Zobacz akcesoria",
    ),
    "ru": (
        "Как ухаживать за новым телефоном",
        "<p>Зарядите его один раз до 100%, затем держите заряд между 20% и 80%. Чехол и защитное стекло избавят от большинства ремонтов.</p>",
        "Подарок: скидка 10% на аксессуары",
        "<p>Чехлы и наушники, которые подходят к вашей покупке.</p>",
        "Смотреть аксессуары",
    ),
}


def seed_offers() -> list[str]:
    """Idempotent: settings, rules and blocks are upserted; recommendations recomputed."""
    lines = ["Offers:"]
    for spec in DEMO_BRANDS:
        brand = Brand.objects.filter(slug=spec.slug).first()
        if brand is None:
            continue
        store = STORE_URLS.get(spec.slug, "https://shop.example/")
        host = urlsplit(store).hostname or ""
        OffersSettings.objects.update_or_create(
            brand=brand,
            defaults={
                "store_hosts": [host],
                "product_url_template": f"{store}p/{{sku}}",
                "thank_you_percent": 10,
                "birthday_percent": 15,
                "anniversary_percent": 10,
            },
        )
        for category, suggest in RULES.items():
            RecommendationRule.objects.update_or_create(
                brand=brand, category=category, defaults={"suggest_categories": suggest}
            )
        for locale in spec.locales:
            guide_title, guide_body, banner_title, banner_body, label = WORDS[locale]
            ContentBlock.objects.update_or_create(
                brand=brand,
                locale=locale,
                kind="guide",
                defaults={"title": guide_title, "body": guide_body, "categories": ["phones"], "priority": 10},
            )
            ContentBlock.objects.update_or_create(
                brand=brand,
                locale=locale,
                kind="discount",
                defaults={
                    "title": banner_title,
                    "body": banner_body,
                    "discount_code": "WELCOME10",
                    "link_url": f"{store}accessories",
                    "link_label": label,
                    "statuses": ["in_transit", "out_for_delivery", "delivered"],
                    "priority": 20,
                },
            )
        served = recommendations.recommendations_compute(brand_id=brand.id)
        codes = DiscountCode.objects.filter(brand=brand).count()
        lines.append(
            f"  {brand.name}: blocks in {', '.join(spec.locales)}; picks for {served} customers; {codes} codes"
        )
    return lines
