"""Numbers typed into addresses and forms by people and scanners."""


def is_plain_number(text: str) -> bool:
    """ASCII digits only: "²" and "٣" are digits to str.isdigit() but int() and the database refuse them."""
    return text.isascii() and text.isdigit()
