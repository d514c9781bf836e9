"""Triggers and their default wording in every shopper language.

Other apps add their own triggers (returns, feedback, support replies, offers) with
`register_trigger` from their AppConfig.ready. Templates are Jinja2 rendered in a sandbox with
only the documented context: brand_name, first_name, order_number, carrier, tracking_number,
tracking_url, eta, support_email, support_phone, promo_code and whatever plain values the caller
adds.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final


@dataclass(frozen=True)
class DefaultText:
    subject: str
    body: str


@dataclass(frozen=True)
class Trigger:
    name: str
    label: str
    channels: tuple[str, ...] = ("sms", "email")
    texts: dict[str, DefaultText] = field(default_factory=dict)  # by locale
    # Sample values of the trigger's own context keys, for checking and previewing merchant templates.
    sample: dict[str, str] = field(default_factory=dict)
    # Context keys the trigger's caller provides beyond its default texts and sample (see variables.py).
    variables: tuple[str, ...] = ()


TRIGGERS: dict[str, Trigger] = {}
CHANNEL_LABELS: Final[dict[str, str]] = {"sms": "SMS", "email": "Email"}

# Other apps add plain values to a trigger's context (offers adds "recommendations" to the
# delivered message) without notifications importing them: (trigger, customer_id) -> values.
ContextProvider = Callable[[str, int], Mapping[str, object]]
CONTEXT_PROVIDERS: list[ContextProvider] = []


def register_context_provider(provider: ContextProvider) -> None:
    if provider not in CONTEXT_PROVIDERS:
        CONTEXT_PROVIDERS.append(provider)


def register_trigger(trigger: Trigger) -> None:
    TRIGGERS[trigger.name] = trigger


def trigger_switches() -> dict[str, str]:
    """Every "trigger:channel" a brand may switch off, with a label for the console."""
    return {
        f"{name}:{channel}": f"{trigger.label} · {CHANNEL_LABELS.get(channel, channel)}"
        for name, trigger in sorted(TRIGGERS.items())
        for channel in trigger.channels
    }


# What tracking hands every parcel message (tracking.selectors.shipment_message_facts).
SHIPMENT_VARIABLES: Final = ("order_number", "carrier", "tracking_number", "tracking_url", "eta")


def _t(subject: str, body: str) -> DefaultText:
    return DefaultText(subject=subject, body=body)


register_trigger(
    Trigger(
        "order_confirmed",
        "Order confirmed",
        variables=("order_number", "tracking_url", "promo_code"),
        texts={
            "en": _t(
                "Thank you for your order #{{ order_number }}",
                "Thank you, {{ first_name }}! {{ brand_name }} has your order #{{ order_number }}."
                "{% if promo_code %} Your code for next time: {{ promo_code }}.{% endif %} Track it: {{ tracking_url }}",
            ),
            "ro": _t(
                "Mulțumim pentru comanda #{{ order_number }}",
                "Mulțumim, {{ first_name }}! {{ brand_name }} a primit comanda #{{ order_number }}."
                "{% if promo_code %} Codul tău pentru data viitoare: {{ promo_code }}.{% endif %} Urmărește: {{ tracking_url }}",
            ),
            "pl": _t(
                "Dziękujemy za zamówienie #{{ order_number }}",
                "Dziękujemy, {{ first_name }}! {{ brand_name }} przyjął zamówienie #{{ order_number }}."
                "{% if promo_code %} Twój kod na następny raz: {{ promo_code }}.{% endif %} Śledź: {{ tracking_url }}",
            ),
            "ru": _t(
                "Спасибо за заказ №{{ order_number }}",
                "Спасибо, {{ first_name }}! {{ brand_name }} получил ваш заказ №{{ order_number }}."
                "{% if promo_code %} Ваш код на следующий раз: {{ promo_code }}.{% endif %} Отслеживание: {{ tracking_url }}",
            ),
        },
    )
)
register_trigger(
    Trigger(
        "shipped",
        "Shipped",
        variables=SHIPMENT_VARIABLES,
        texts={
            "en": _t(
                "Your order #{{ order_number }} is on its way",
                "{{ brand_name }}: order #{{ order_number }} is on its way with {{ carrier }}."
                "{% if eta %} Expected {{ eta }}.{% endif %} {{ tracking_url }}",
            ),
            "ro": _t(
                "Comanda #{{ order_number }} este pe drum",
                "{{ brand_name }}: comanda #{{ order_number }} este pe drum cu {{ carrier }}."
                "{% if eta %} Estimat: {{ eta }}.{% endif %} {{ tracking_url }}",
            ),
            "pl": _t(
                "Zamówienie #{{ order_number }} jest w drodze",
                "{{ brand_name }}: zamówienie #{{ order_number }} jest w drodze z {{ carrier }}."
                "{% if eta %} Przewidywana dostawa: {{ eta }}.{% endif %} {{ tracking_url }}",
            ),
            "ru": _t(
                "Заказ №{{ order_number }} в пути",
                "{{ brand_name }}: заказ №{{ order_number }} в пути, перевозчик {{ carrier }}."
                "{% if eta %} Ожидается {{ eta }}.{% endif %} {{ tracking_url }}",
            ),
        },
    )
)
register_trigger(
    Trigger(
        "out_for_delivery",
        "Out for delivery",
        variables=SHIPMENT_VARIABLES,
        texts={
            "en": _t(
                "Arriving today: order #{{ order_number }}",
                "{{ brand_name }}: order #{{ order_number }} is out for delivery today. {{ tracking_url }}",
            ),
            "ro": _t(
                "Ajunge azi: comanda #{{ order_number }}",
                "{{ brand_name }}: comanda #{{ order_number }} este în livrare azi. {{ tracking_url }}",
            ),
            "pl": _t(
                "Dziś u Ciebie: zamówienie #{{ order_number }}",
                "{{ brand_name }}: zamówienie #{{ order_number }} jest dziś w doręczeniu. {{ tracking_url }}",
            ),
            "ru": _t(
                "Сегодня доставка: заказ №{{ order_number }}",
                "{{ brand_name }}: заказ №{{ order_number }} сегодня передан курьеру. {{ tracking_url }}",
            ),
        },
    )
)
register_trigger(
    Trigger(
        "delivered",
        "Delivered",
        variables=SHIPMENT_VARIABLES,
        texts={
            "en": _t(
                "Delivered: order #{{ order_number }}",
                "{{ brand_name }}: order #{{ order_number }} has been delivered. How did it go? {{ tracking_url }}"
                "{% if recommendations %} You may also like: {{ recommendations }}.{% endif %}",
            ),
            "ro": _t(
                "Livrată: comanda #{{ order_number }}",
                "{{ brand_name }}: comanda #{{ order_number }} a fost livrată. Cum a fost? {{ tracking_url }}"
                "{% if recommendations %} Ți-ar putea plăcea și: {{ recommendations }}.{% endif %}",
            ),
            "pl": _t(
                "Doręczono: zamówienie #{{ order_number }}",
                "{{ brand_name }}: zamówienie #{{ order_number }} zostało doręczone. Jak poszło? {{ tracking_url }}"
                "{% if recommendations %} Może Ci się spodobać: {{ recommendations }}.{% endif %}",
            ),
            "ru": _t(
                "Доставлено: заказ №{{ order_number }}",
                "{{ brand_name }}: заказ №{{ order_number }} доставлен. Как всё прошло? {{ tracking_url }}"
                "{% if recommendations %} Вам может понравиться: {{ recommendations }}.{% endif %}",
            ),
        },
    )
)
register_trigger(
    Trigger(
        "failed_attempt",
        "Delivery attempted",
        variables=SHIPMENT_VARIABLES,
        texts={
            "en": _t(
                "We missed you: order #{{ order_number }}",
                "{{ brand_name }}: {{ carrier }} could not deliver order #{{ order_number }}. What happens next: {{ tracking_url }}",
            ),
            "ro": _t(
                "Nu te-am găsit: comanda #{{ order_number }}",
                "{{ brand_name }}: {{ carrier }} nu a putut livra comanda #{{ order_number }}. Ce urmează: {{ tracking_url }}",
            ),
            "pl": _t(
                "Nie zastaliśmy Cię: zamówienie #{{ order_number }}",
                "{{ brand_name }}: {{ carrier }} nie mógł doręczyć zamówienia #{{ order_number }}. Co dalej: {{ tracking_url }}",
            ),
            "ru": _t(
                "Не застали вас: заказ №{{ order_number }}",
                "{{ brand_name }}: {{ carrier }} не смог доставить заказ №{{ order_number }}. Что дальше: {{ tracking_url }}",
            ),
        },
    )
)
register_trigger(
    Trigger(
        "available_for_pickup",
        "Ready for pickup",
        variables=SHIPMENT_VARIABLES,
        texts={
            "en": _t(
                "Ready for pickup: order #{{ order_number }}",
                "{{ brand_name }}: order #{{ order_number }} is waiting for you at the pickup point. {{ tracking_url }}",
            ),
            "ro": _t(
                "Gata de ridicare: comanda #{{ order_number }}",
                "{{ brand_name }}: comanda #{{ order_number }} te așteaptă la punctul de ridicare. {{ tracking_url }}",
            ),
            "pl": _t(
                "Do odbioru: zamówienie #{{ order_number }}",
                "{{ brand_name }}: zamówienie #{{ order_number }} czeka na Ciebie w punkcie odbioru. {{ tracking_url }}",
            ),
            "ru": _t(
                "Можно забрать: заказ №{{ order_number }}",
                "{{ brand_name }}: заказ №{{ order_number }} ждёт вас в пункте выдачи. {{ tracking_url }}",
            ),
        },
    )
)
register_trigger(
    Trigger(
        "delayed",
        "Delayed or delivery problem",
        variables=SHIPMENT_VARIABLES,
        texts={
            "en": _t(
                "An update on order #{{ order_number }}",
                "{{ brand_name }}: order #{{ order_number }} is delayed. We are on it; details: {{ tracking_url }}",
            ),
            "ro": _t(
                "Noutăți despre comanda #{{ order_number }}",
                "{{ brand_name }}: comanda #{{ order_number }} întârzie. Ne ocupăm; detalii: {{ tracking_url }}",
            ),
            "pl": _t(
                "Informacja o zamówieniu #{{ order_number }}",
                "{{ brand_name }}: zamówienie #{{ order_number }} jest opóźnione. Zajmujemy się tym: {{ tracking_url }}",
            ),
            "ru": _t(
                "Новости о заказе №{{ order_number }}",
                "{{ brand_name }}: заказ №{{ order_number }} задерживается. Мы уже разбираемся: {{ tracking_url }}",
            ),
        },
    )
)
register_trigger(
    Trigger(
        "returned_to_sender",
        "Returned to sender",
        variables=SHIPMENT_VARIABLES,
        texts={
            "en": _t(
                "Order #{{ order_number }} is coming back to us",
                "{{ brand_name }}: order #{{ order_number }} is being returned to us. We will contact you: {{ tracking_url }}",
            ),
            "ro": _t(
                "Comanda #{{ order_number }} se întoarce la noi",
                "{{ brand_name }}: comanda #{{ order_number }} se întoarce la noi. Te contactăm: {{ tracking_url }}",
            ),
            "pl": _t(
                "Zamówienie #{{ order_number }} wraca do nas",
                "{{ brand_name }}: zamówienie #{{ order_number }} wraca do nadawcy. Skontaktujemy się: {{ tracking_url }}",
            ),
            "ru": _t(
                "Заказ №{{ order_number }} возвращается к нам",
                "{{ brand_name }}: заказ №{{ order_number }} возвращается отправителю. Мы свяжемся с вами: {{ tracking_url }}",
            ),
        },
    )
)

# Which shipment status (or flag) fires which trigger.
TRIGGER_OF_STATUS: Final[dict[str, str]] = {
    "in_transit": "shipped",
    "out_for_delivery": "out_for_delivery",
    "delivered": "delivered",
    "failed_attempt": "failed_attempt",
    "available_for_pickup": "available_for_pickup",
    "exception": "delayed",
    "returned_to_sender": "returned_to_sender",
}
