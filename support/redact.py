"""Take a shopper's details out of an agent's answer before it becomes a public help-centre answer.

An answer to one shopper greets them by name and quotes their order; the same words on the help
centre must not. Names, the order numbers and phone numbers known for the case go, and so does any
email address or long run of digits that reads as a phone number, whoever it belongs to.
"""

import re
from collections.abc import Iterable
from typing import Final

EMAIL: Final = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Nine digits or more with the usual separators: every phone format we ship to (ro, pl, ru, en),
# never a date (eight digits) or a price.
PHONE_LIKE: Final = re.compile(r"\+?\d[\d\s().-]{7,}\d")
PHONE_MIN_DIGITS: Final = 9
# What may stand before an order number: "#1001", "nr. 1001", "no 1001", "№ 1001".
ORDER_PREFIX: Final = r"(?:#|№|\bnr\.?|\bno\.?|\bnumer\b|\bномер\b)?\s*"


def _phone(match: re.Match[str]) -> str:
    digits = sum(character.isdigit() for character in match.group(0))
    return "" if digits >= PHONE_MIN_DIGITS else match.group(0)


def _tidy(text: str) -> str:
    """Mend what a removed word leaves: "Hi , your order  left" → "Hi, your order left"."""
    text = re.sub(r"\(\s*\)", "", text)
    text = re.sub(r"[ \t]+([,.;:!?])", r"\1", text)
    text = re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"^[ \t,;:]+", "", text, flags=re.MULTILINE)
    return re.sub(r"[ \t]+$", "", text, flags=re.MULTILINE).strip()


def redact_shopper(
    text: str,
    *,
    names: Iterable[str] = (),
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    order_numbers: Iterable[str] = (),
) -> str:
    """The text without the shopper's names, email addresses, phone numbers and order numbers."""
    for number in sorted({value.strip() for value in order_numbers if value.strip()}, key=len, reverse=True):
        text = re.sub(rf"{ORDER_PREFIX}(?<![\w-]){re.escape(number)}(?![\w-])", "", text, flags=re.IGNORECASE)
    for address in {value.strip() for value in emails if value.strip()}:
        text = re.sub(re.escape(address), "", text, flags=re.IGNORECASE)
    text = EMAIL.sub("", text)
    for phone in {value.strip() for value in phones if value.strip()}:
        text = text.replace(phone, "")
    text = PHONE_LIKE.sub(_phone, text)
    words = {part for name in names for part in re.split(r"\s+", name.strip()) if len(part) >= 2}
    for word in sorted(words, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(word)}(?!\w)", "", text, flags=re.IGNORECASE)
    return _tidy(text)
