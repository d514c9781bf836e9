"""Demo help centres: the starter answers and canned replies in every language of each demo brand."""

from brands.models import Brand
from demo.seed import DEMO_BRANDS
from support import services


def seed_support() -> list[str]:
    """Idempotent: installs what is missing and leaves edited answers alone."""
    lines = ["Help centre:"]
    for spec in DEMO_BRANDS:
        brand = Brand.objects.filter(slug=spec.slug).first()
        if brand is None:
            continue
        created = services.help_centre_starter_install(brand=brand)
        lines.append(f"  {brand.name}: /{brand.slug}/help/ ({created} answers added)")
    return lines
