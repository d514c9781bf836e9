"""Words for shoppers: refusals, amounts and the policy page, all from the same rule objects."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from returns import policy
from returns.models import ReturnMethod
from returns.statuses import Resolution


def _language() -> str:
    return (translation.get_language() or "en").split("-")[0]


def day(value: date) -> str:
    """3 March 2027 · 3 martie 2027 · 3 marca 2027 · 3 марта 2027."""
    return format_date(value, "d MMMM y", locale=_language())


def money(amount: Decimal, currency: str) -> str:
    return format_currency(amount, currency, locale=_language())


def refusal_text(verdict: policy.Verdict) -> str:
    """Why a line cannot be returned, in the active language."""
    if verdict.refusal == policy.Refusal.FINAL_SALE:
        return _("Final sale: this item cannot be returned.")
    if verdict.refusal == policy.Refusal.WINDOW_CLOSED:
        return _("The return window closed on %(day)s.") % {"day": day(verdict.window_closes_on)}
    if verdict.refusal == policy.Refusal.NOTHING_LEFT:
        return _("Already being returned.")
    if verdict.refusal == policy.Refusal.CANCELLED:
        return _("This order was cancelled.")
    return _("Returnable until %(day)s.") % {"day": day(verdict.window_closes_on)}


def resolution_label(resolution: str) -> str:
    return str(Resolution(resolution).label)


def category_title(category: str) -> str:
    return category.replace("-", " ").replace("_", " ").strip().capitalize()


@dataclass(frozen=True)
class PolicySection:
    title: str
    window: str
    actions: list[str]
    costs: list[str]
    conditions: list[str]


def _window_sentence(rule: policy.Rule) -> str:
    if rule.final_sale:
        return _("Final sale: these items cannot be returned.")
    return ngettext(
        "You can return these items within %(days)s day of delivery (of your order, until it is delivered).",
        "You can return these items within %(days)s days of delivery (of your order, until it is delivered).",
        rule.window_days,
    ) % {"days": rule.window_days}


def policy_section(rule: policy.Rule, *, title: str, currency: str, bonus_percent: Decimal) -> PolicySection:
    """One category of the policy page, in plain words, from the rule that decides eligibility."""
    actions: list[str] = []
    costs: list[str] = []
    conditions: list[str] = []
    if not rule.final_sale:
        for resolution in Resolution:
            if resolution.value in rule.resolutions:
                actions.append(str(resolution.label))
        if bonus_percent > 0 and rule.resolutions & {Resolution.STORE_CREDIT, Resolution.EXCHANGE}:
            actions.append(
                _("Choose store credit or an exchange and get %(percent)s%% extra.")
                % {"percent": f"{bonus_percent.normalize():f}"}
            )
        if rule.return_shipping_fee > 0:
            costs.append(
                _("Return shipping costs %(fee)s, taken from your refund.")
                % {"fee": money(rule.return_shipping_fee, currency)}
            )
        else:
            costs.append(_("Return shipping is free."))
        if rule.restocking_fee_percent > 0:
            costs.append(
                _("A restocking fee of %(percent)s%% of the item price applies.")
                % {"percent": f"{rule.restocking_fee_percent.normalize():f}"}
            )
        if rule.return_shipping_fee > 0 or rule.restocking_fee_percent > 0:
            costs.append(_("No fees when the item is faulty, damaged or not what you ordered."))
        if rule.keep_it_threshold > 0:
            costs.append(
                _("Items worth up to %(amount)s: keep them, we refund you without a return.")
                % {"amount": money(rule.keep_it_threshold, currency)}
            )
        if rule.must_be_unused:
            conditions.append(_("Items must be unused and in their original condition."))
        if rule.tags_required:
            conditions.append(_("Tags must still be attached."))
    return PolicySection(
        title=title, window=_window_sentence(rule), actions=actions, costs=costs, conditions=conditions
    )


def policy_sections(book: policy.PolicyBook, *, currency: str) -> list[PolicySection]:
    sections = [
        policy_section(
            book.by_category[name],
            title=category_title(name),
            currency=currency,
            bonus_percent=book.credit_bonus_percent,
        )
        for name in sorted(book.by_category)
    ]
    sections.append(
        policy_section(
            book.default,
            title=_("Everything else") if book.by_category else _("All items"),
            currency=currency,
            bonus_percent=book.credit_bonus_percent,
        )
    )
    return sections


def method_sentence(method: str) -> str:
    if method == ReturnMethod.PICKUP:
        return _("A courier picks the parcel up from your address; we tell you when.")
    if method == ReturnMethod.EITHER:
        return _("Drop the parcel off at a carrier point, or ask for a courier pickup.")
    return _("Drop the parcel off at any point of our return carrier, with the return slip inside.")


def processing_sentence(days: int) -> str:
    return ngettext(
        "Once your return arrives we check it and refund you within %(days)s working day.",
        "Once your return arrives we check it and refund you within %(days)s working days.",
        days,
    ) % {"days": days}
