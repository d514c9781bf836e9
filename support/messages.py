"""The shopper messages of customer care, registered as notification triggers."""

from notifications.triggers import DefaultText, Trigger, register_trigger

SUPPORT_REPLY = "support_reply"
SUPPORT_RECEIVED = "support_received"
# The acknowledgement to an address nobody has proven yet: none of the sender's words in it.
SUPPORT_ADDRESS_CONFIRM = "support_address_confirm"


SAMPLE = {
    "case_reference": "C-1042",
    "case_subject": "Can I change the delivery address?",
    "case_url": "http://127.0.0.1:8000/casa-verde/help/case/preview/",
    "reply": "Yes: we have changed it, the parcel leaves tomorrow.",
}
CONFIRM_SAMPLE = {
    "case_reference": "C-1042",
    "confirm_url": "http://127.0.0.1:8000/casa-verde/help/case/preview/confirm/sample/",
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
    register_trigger(
        Trigger(
            SUPPORT_ADDRESS_CONFIRM,
            "Support request received (address not yet confirmed)",
            channels=("email",),
            sample=CONFIRM_SAMPLE,
            texts={
                "en": DefaultText(
                    "We have a message for {{ brand_name }} care [{{ case_reference }}]",
                    "{{ brand_name }} customer care received a message that gives this address for the "
                    "answer. If you wrote it, confirm your address to follow the conversation: "
                    "{{ confirm_url }}\n\nIf you did not, you can ignore this email.",
                ),
                "ro": DefaultText(
                    "Am primit un mesaj pentru asistența {{ brand_name }} [{{ case_reference }}]",
                    "Asistența {{ brand_name }} a primit un mesaj care indică această adresă pentru "
                    "răspuns. Dacă tu l-ai scris, confirmă adresa ca să urmărești conversația: "
                    "{{ confirm_url }}\n\nDacă nu, poți ignora acest email.",
                ),
                "pl": DefaultText(
                    "Mamy wiadomość do obsługi {{ brand_name }} [{{ case_reference }}]",
                    "Obsługa {{ brand_name }} otrzymała wiadomość, w której podano ten adres do "
                    "odpowiedzi. Jeśli to Ty ją napisałeś, potwierdź adres, aby śledzić rozmowę: "
                    "{{ confirm_url }}\n\nJeśli nie, zignoruj tę wiadomość.",
                ),
                "ru": DefaultText(
                    "Сообщение в поддержку {{ brand_name }} [{{ case_reference }}]",
                    "Поддержка {{ brand_name }} получила сообщение, в котором для ответа указан этот "
                    "адрес. Если его написали вы, подтвердите адрес, чтобы следить за перепиской: "
                    "{{ confirm_url }}\n\nЕсли нет, просто проигнорируйте это письмо.",
                ),
            },
        )
    )
