"""The shopper messages of the returns lifecycle, registered as notification triggers."""

from notifications.triggers import DefaultText, Trigger, register_trigger

# trigger → locale → what happened, in plain words.
PHRASES: dict[str, dict[str, str]] = {
    "return_requested": {
        "en": "we have your request",
        "ro": "am primit cererea ta",
        "pl": "otrzymaliśmy Twoje zgłoszenie",
        "ru": "мы получили вашу заявку",
    },
    "return_approved": {
        "en": "approved: send the parcel back with the slip",
        "ro": "aprobat: trimite coletul înapoi cu formularul",
        "pl": "zaakceptowany: odeślij paczkę z etykietą",
        "ru": "одобрен: отправьте посылку обратно с бланком",
    },
    "return_rejected": {
        "en": "we could not accept it{{ reason }}",
        "ro": "nu l-am putut accepta{{ reason }}",
        "pl": "nie mogliśmy go przyjąć{{ reason }}",
        "ru": "мы не смогли его принять{{ reason }}",
    },
    "return_in_transit": {
        "en": "your parcel is on its way to us",
        "ro": "coletul tău este pe drum spre noi",
        "pl": "Twoja paczka jest w drodze do nas",
        "ru": "ваша посылка едет к нам",
    },
    "return_received": {
        "en": "we received your parcel",
        "ro": "am primit coletul tău",
        "pl": "otrzymaliśmy Twoją paczkę",
        "ru": "мы получили вашу посылку",
    },
    "return_refunded": {
        "en": "refunded: {{ amount }} {{ currency }}",
        "ro": "rambursat: {{ amount }} {{ currency }}",
        "pl": "zwrócono: {{ amount }} {{ currency }}",
        "ru": "возвращено: {{ amount }} {{ currency }}",
    },
    "return_credited": {
        "en": "store credit issued: {{ amount }} {{ currency }}",
        "ro": "credit în magazin: {{ amount }} {{ currency }}",
        "pl": "środki w sklepie: {{ amount }} {{ currency }}",
        "ru": "начислен кредит магазина: {{ amount }} {{ currency }}",
    },
    "return_exchanged": {
        "en": "your exchange is on its way",
        "ro": "produsul de schimb este pe drum",
        "pl": "wymieniony produkt jest w drodze",
        "ru": "товар на обмен уже в пути",
    },
    "return_closed": {"en": "closed", "ro": "închis", "pl": "zamknięty", "ru": "закрыт"},
}
WORD_RETURN = {"en": "Return", "ro": "Returul", "pl": "Zwrot", "ru": "Возврат"}
WORD_ORDER = {"en": "order #", "ro": "comanda #", "pl": "zamówienie #", "ru": "заказ №"}


SAMPLE = {
    "rma": "RMA-1042",
    "return_url": "http://127.0.0.1:8000/casa-verde/returns/r/preview/",
    "amount": "49.90",
    "currency": "RON",
    "rejection_reason": "The item was worn.",
}
# The rejection reason follows the phrase only when there is one (API rejections may have none).
REASON = "{% if rejection_reason %}: {{ rejection_reason }}{% endif %}"


def register_return_triggers() -> None:
    for trigger, raw_phrases in PHRASES.items():
        phrases = {locale: phrase.replace("{{ reason }}", REASON) for locale, phrase in raw_phrases.items()}
        texts = {
            locale: DefaultText(
                subject=f"{WORD_RETURN[locale]} {{{{ rma }}}}: {phrase}",
                body=(
                    f"{{{{ brand_name }}}}: {WORD_RETURN[locale]} {{{{ rma }}}} ({WORD_ORDER[locale]}"
                    f"{{{{ order_number }}}}) — {phrase}. {{{{ return_url }}}}"
                ),
            )
            for locale, phrase in phrases.items()
        }
        register_trigger(Trigger(trigger, trigger.replace("_", " ").capitalize(), texts=texts, sample=SAMPLE))
