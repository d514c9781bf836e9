"""The shopper messages of customer care, registered as notification triggers."""

from notifications.triggers import DefaultText, Trigger, register_trigger

SUPPORT_REPLY = "support_reply"
SUPPORT_RECEIVED = "support_received"


SAMPLE = {
    "case_reference": "C-1042",
    "case_subject": "Can I change the delivery address?",
    "case_url": "http://127.0.0.1:8000/casa-verde/help/case/preview/",
    "reply": "Yes: we have changed it, the parcel leaves tomorrow.",
}


def register_support_triggers() -> None:
    register_trigger(
        Trigger(
            SUPPORT_REPLY,
            "Support reply",
            sample=SAMPLE,
            texts={
                "en": DefaultText(
                    "Re: {{ case_subject }} [{{ case_reference }}]",
                    "{{ brand_name }} support: {{ reply }}\n\nSee the conversation or answer: {{ case_url }}",
                ),
                "ro": DefaultText(
                    "Re: {{ case_subject }} [{{ case_reference }}]",
                    "Asistență {{ brand_name }}: {{ reply }}\n\nVezi conversația sau răspunde: {{ case_url }}",
                ),
                "pl": DefaultText(
                    "Re: {{ case_subject }} [{{ case_reference }}]",
                    "Obsługa {{ brand_name }}: {{ reply }}\n\nZobacz rozmowę lub odpowiedz: {{ case_url }}",
                ),
                "ru": DefaultText(
                    "Re: {{ case_subject }} [{{ case_reference }}]",
                    "Поддержка {{ brand_name }}: {{ reply }}\n\nПереписка и ответ: {{ case_url }}",
                ),
            },
        )
    )
    register_trigger(
        Trigger(
            SUPPORT_RECEIVED,
            "Support request received",
            channels=("email",),
            sample=SAMPLE,
            texts={
                "en": DefaultText(
                    "We have your message [{{ case_reference }}]",
                    "Thank you, {{ first_name }}. {{ brand_name }} has your message "
                    "“{{ case_subject }}” and will answer by email. Follow it here: {{ case_url }}",
                ),
                "ro": DefaultText(
                    "Am primit mesajul tău [{{ case_reference }}]",
                    "Mulțumim, {{ first_name }}. {{ brand_name }} a primit mesajul "
                    "„{{ case_subject }}” și îți va răspunde prin email. Urmărește-l aici: {{ case_url }}",
                ),
                "pl": DefaultText(
                    "Mamy Twoją wiadomość [{{ case_reference }}]",
                    "Dziękujemy, {{ first_name }}. {{ brand_name }} otrzymał wiadomość "
                    "„{{ case_subject }}” i odpowie e-mailem. Śledź ją tutaj: {{ case_url }}",
                ),
                "ru": DefaultText(
                    "Мы получили ваше сообщение [{{ case_reference }}]",
                    "Спасибо, {{ first_name }}. {{ brand_name }} получил сообщение "
                    "«{{ case_subject }}» и ответит по email. Статус обращения: {{ case_url }}",
                ),
            },
        )
    )
