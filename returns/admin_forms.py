"""The returns desk's forms: a rejection reason the shopper reads, and the inspection of each line."""

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from returns.models import ItemCondition, ReturnLine
from returns.services import REJECTION_REASON_MAX, LineInspection


class RejectionForm(forms.Form):
    """One reason (required) and, optionally, the same reason in the shopper's other languages."""

    reason = forms.CharField(
        label=_("Reason the shopper reads"),
        max_length=REJECTION_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, locales: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        for locale in locales:
            if locale in names:
                self.fields[f"reason_{locale}"] = forms.CharField(
                    label=_("In %(language)s (optional)") % {"language": names[locale]},
                    max_length=REJECTION_REASON_MAX,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )

    def translations(self) -> dict[str, str]:
        return {
            name.removeprefix("reason_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("reason_") and value
        }


class InspectionLineForm(forms.Form):
    """What came back of one line; the amount defaults to the accepted items' full price."""

    condition = forms.ChoiceField(label=_("Condition"), choices=ItemCondition.choices)
    accepted_quantity = forms.IntegerField(label=_("Accepted"), min_value=0)
    refund_amount = forms.DecimalField(
        label=_("Amount"), required=False, min_value=Decimal(0), max_digits=12, decimal_places=2
    )
    adjustment_reason = forms.CharField(label=_("Why it differs"), required=False, max_length=300)

    def __init__(self, *args: Any, line: ReturnLine, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"line-{line.id}")
        kwargs.setdefault(
            "initial",
            {
                "condition": line.condition or ItemCondition.AS_NEW,
                "accepted_quantity": line.quantity
                if line.accepted_quantity is None
                else line.accepted_quantity,
                "refund_amount": line.refund_amount,
                "adjustment_reason": line.adjustment_reason,
            },
        )
        super().__init__(*args, **kwargs)
        self.line = line
        self.fields["accepted_quantity"].validators.append(MaxValueValidator(line.quantity))
        self.fields["accepted_quantity"].widget.attrs["max"] = line.quantity
        self.fields["refund_amount"].widget.attrs["placeholder"] = _("full price")

    def inspection(self) -> LineInspection:
        data = self.cleaned_data
        return LineInspection(
            line_id=self.line.id,
            condition=data["condition"],
            accepted_quantity=data["accepted_quantity"],
            refund_amount=data["refund_amount"],
            adjustment_reason=data["adjustment_reason"] or "",
        )
