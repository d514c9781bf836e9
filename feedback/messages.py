"""The NPS question as a notification trigger, with its default wording in every shopper language."""

from typing import Final

NPS_REQUEST: Final = "nps_request"

# locale → (subject, body); Jinja2 placeholders as the notifications templates use them.
NPS_TEXTS: Final[dict[str, tuple[str, str]]] = {
    "en": (
        "How likely are you to recommend {{ brand_name }}?",
        "Hi {{ first_name }}, order #{{ order_number }} arrived a few days ago. How likely are you to "
        "recommend {{ brand_name }} to a friend? One tap: {{ nps_url }}",
    ),
    "ro": (
        "Ne-ai recomanda? {{ brand_name }} vrea părerea ta",
        "Bună, {{ first_name }}! Comanda #{{ order_number }} a ajuns acum câteva zile. Cât de probabil "
        "este să recomanzi {{ brand_name }} unui prieten? Răspunde aici: {{ nps_url }}",
    ),
    "pl": (
        "Czy poleciłbyś {{ brand_name }}?",
        "Cześć {{ first_name }}! Zamówienie #{{ order_number }} dotarło kilka dni temu. Jak bardzo "
        "prawdopodobne jest, że polecisz {{ brand_name }} znajomym? Odpowiedz tutaj: {{ nps_url }}",
    ),
    "ru": (
        "Вы бы порекомендовали {{ brand_name }}?",
        "Здравствуйте, {{ first_name }}! Заказ №{{ order_number }} доставлен несколько дней назад. "
        "Насколько вероятно, что вы порекомендуете {{ brand_name }} друзьям? Ответ: {{ nps_url }}",
    ),
}


def register_feedback_triggers() -> None:
    from notifications.triggers import DefaultText, Trigger, register_trigger

    register_trigger(
        Trigger(
            NPS_REQUEST,
            "Recommendation question (NPS)",
            texts={locale: DefaultText(subject=s, body=b) for locale, (s, b) in NPS_TEXTS.items()},
        )
    )
