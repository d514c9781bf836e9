"""Birthday and anniversary offers as notification triggers, with default wording in every language."""

from typing import Final

# trigger → locale → (subject, body); Jinja2 placeholders as the notifications templates use them.
DEFAULT_TEXTS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "offer_birthday": {
        "en": (
            "Happy birthday from {{ brand_name }}!",
            "Happy birthday, {{ first_name }}! Here is {{ percent }}% off your next order with the code "
            "{{ promo_code }}, valid for 30 days.",
        ),
        "ro": (
            "La mulți ani de la {{ brand_name }}!",
            "La mulți ani, {{ first_name }}! Ai {{ percent }}% reducere la următoarea comandă cu codul "
            "{{ promo_code }}, valabil 30 de zile.",
        ),
        "pl": (
            "Wszystkiego najlepszego od {{ brand_name }}!",
            "Wszystkiego najlepszego, {{ first_name }}! Masz {{ percent }}% rabatu na kolejne zamówienie z kodem "
            "{{ promo_code }}, ważnym 30 dni.",
        ),
        "ru": (
            "С днём рождения от {{ brand_name }}!",
            "С днём рождения, {{ first_name }}! Дарим скидку {{ percent }}% на следующий заказ по коду "
            "{{ promo_code }}, он действует 30 дней.",
        ),
    },
    "offer_anniversary": {
        "en": (
            "A year together with {{ brand_name }}",
            "{{ first_name }}, it is a year since your first order with {{ brand_name }}. Thank you! "
            "Here is {{ percent }}% off with the code {{ promo_code }}, valid for 30 days.",
        ),
        "ro": (
            "Un an împreună cu {{ brand_name }}",
            "{{ first_name }}, a trecut un an de la prima ta comandă la {{ brand_name }}. Mulțumim! "
            "Ai {{ percent }}% reducere cu codul {{ promo_code }}, valabil 30 de zile.",
        ),
        "pl": (
            "Rok razem z {{ brand_name }}",
            "{{ first_name }}, minął rok od Twojego pierwszego zamówienia w {{ brand_name }}. Dziękujemy! "
            "Masz {{ percent }}% rabatu z kodem {{ promo_code }}, ważnym 30 dni.",
        ),
        "ru": (
            "Год вместе с {{ brand_name }}",
            "{{ first_name }}, прошёл год с вашего первого заказа в {{ brand_name }}. Спасибо! "
            "Дарим скидку {{ percent }}% по коду {{ promo_code }}, он действует 30 дней.",
        ),
    },
}


def register_offer_triggers() -> None:
    try:
        from notifications.triggers import DefaultText, Trigger, register_trigger
    except ImportError:  # pragma: no cover - notifications ships with the project
        return
    for name, texts in DEFAULT_TEXTS.items():
        register_trigger(
            Trigger(
                name,
                name.replace("_", " ").capitalize(),
                channels=("email",),
                texts={locale: DefaultText(subject=s, body=b) for locale, (s, b) in texts.items()},
            )
        )
