"""Where occasion offers leave the building: the notifications outbox when it is installed, otherwise
a plain email through Django's backend (the same words, rendered from the default texts)."""

from collections.abc import Mapping

from django.core.mail import send_mail

from offers.messages import DEFAULT_TEXTS
from orders.models import Customer


def occasion_message_send(
    *, brand_id: int, customer_id: int, trigger: str, subject_key: str, context: Mapping[str, object]
) -> None:
    """Write the message with the caller's transaction (outbox), at most once per subject key."""
    try:
        from notifications import services as notifications
    except ImportError:  # pragma: no cover - notifications ships with the project
        notifications = None  # type: ignore[assignment]
    if notifications is not None:
        notifications.notification_request(
            brand_id=brand_id,
            customer_id=customer_id,
            trigger=trigger,
            subject_key=subject_key,
            context=context,
            channels=("email",),
        )
        return
    customer = Customer.objects.select_related("brand").get(id=customer_id)  # pragma: no cover
    texts = DEFAULT_TEXTS[trigger].get(customer.locale or "en", DEFAULT_TEXTS[trigger]["en"])
    values = {**context, "brand_name": customer.brand.name, "first_name": customer.first_name}
    subject, body = texts[0], texts[1]
    for name, value in values.items():
        subject = subject.replace("{{ " + name + " }}", str(value))
        body = body.replace("{{ " + name + " }}", str(value))
    send_mail(subject, body, None, [customer.email])
