"""Template helpers for the returns portal."""

from decimal import Decimal
from typing import Any

from django import template

from returns import presentation

register = template.Library()


@register.filter
def money(amount: Decimal | None, currency: str) -> str:
    """An amount in the active language: 57,00 RON · RON 57.00 · 57,00 zł."""
    return "" if amount is None else presentation.money(amount, currency)


@register.filter
def field(form: Any, line_id: int) -> Any:
    """The bound exchange field of one order line."""
    return form[f"exchange_{line_id}"]
