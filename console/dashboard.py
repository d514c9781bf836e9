"""The console's home: a dashboard of the brand's figures, the brand and date-range picker, the CSV export.

Unfold calls `dashboard_callback` from the admin index (settings UNFOLD["DASHBOARD_CALLBACK"]); the
figures come from `console.selectors`, read only for the sections the staff member may see and only for
brands the staff member belongs to.
"""

import csv
import json
from datetime import timedelta
from typing import Any, Final

from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from common.periods import Compared
from console import selectors
from console.links import Links
from console.selection import ALL_BRANDS, PRESETS, selection_from
from returns.presentation import money as format_money
from returns.statuses import Resolution
from tracking.selectors import DeliveryOutcome


def _kpi(
    title: str,
    current: Any,
    previous: Any,
    href: str,
    *,
    unit: str = "",
    rate: bool = False,
    up_is_good: bool = True,
) -> dict[str, Any]:
    """One headline figure with its change against the previous period (points for rates)."""
    compared = Compared(current=current, previous=previous)
    change = compared.delta if rate else compared.change
    tone = ""
    if change:
        tone = "good" if (change > 0) == up_is_good else "bad"
    return {
        "title": title,
        "value": _show(current, unit),
        "previous": _show(previous, unit),
        "change_label": "" if change is None else f"{change:+g}{' pts' if rate else ' %'}",
        "tone": tone,
        "href": href,
    }


def _show(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:g}{unit}" if isinstance(value, float) else f"{value}{unit}"


def _chart(labels: list[str], datasets: list[dict[str, Any]]) -> str:
    return json.dumps({"labels": labels, "datasets": datasets})


STACKED_OPTIONS: Final = json.dumps(
    {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "plugins": {"legend": {"display": True, "position": "bottom", "labels": {"boxWidth": 10}}},
        "scales": {"x": {"stacked": True, "grid": {"display": False}}, "y": {"stacked": True}},
        "datasets": {"bar": {"maxBarThickness": 28, "borderRadius": 4}},
    }
)
GROUPED_OPTIONS: Final = json.dumps(
    {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "plugins": {"legend": {"display": True, "position": "bottom", "labels": {"boxWidth": 10}}},
        "scales": {"x": {"grid": {"display": False}}, "y": {"beginAtZero": True}},
        "datasets": {"bar": {"maxBarThickness": 18, "borderRadius": 4}},
    }
)
LINE_OPTIONS: Final = json.dumps(
    {
        "animation": False,
        "responsive": True,
        "maintainAspectRatio": False,
        "plugins": {"legend": {"display": True, "position": "bottom", "labels": {"boxWidth": 10}}},
        "scales": {"x": {"grid": {"display": False}}, "y": {"suggestedMin": 0, "suggestedMax": 100}},
    }
)


def _hours(value: timedelta | None) -> float | None:
    return None if value is None else round(value.total_seconds() / 3600, 1)


def _link(value: Any, href: str) -> str:
    return format_html('<a class="console-link" href="{}">{}</a>', href, value)


def _table(headers: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"headers": headers, "rows": rows}


def _change(compared: Compared) -> str:
    change = compared.change
    return "" if change is None else f"{change:+g} %"


def dashboard_context(*, request: HttpRequest) -> dict[str, Any]:
    """Everything the dashboard template shows; a fixed number of queries whatever the data holds."""
    selection = selection_from(request=request)
    sections = selectors.visible_sections(user=request.user)
    figures = selectors.dashboard_figures(
        brand_ids=selection.brand_ids, period=selection.period, sections=sections
    )
    links = Links(selection)
    kpis: list[dict[str, Any]] = []
    context: dict[str, Any] = {
        "selection": selection,
        "figures": figures,
        "sections": sections,
        "presets": PRESETS,
        "kpis": kpis,
        "export_url": f"{reverse('console:dashboard-export')}?{request.GET.urlencode()}",
        "previous_period": selection.period.previous,
        "stacked_options": STACKED_OPTIONS,
        "grouped_options": GROUPED_OPTIONS,
        "line_options": LINE_OPTIONS,
        "can_pick_brand": len(selection.brands) > 1 or bool(getattr(request.user, "is_superuser", False)),
    }
    if "shipments" in sections:
        total = figures.carrier_total
        kpis += [
            _kpi(_("Parcels shipped"), total("shipped"), total("shipped_prev"), links.shipments()),
            _kpi(
                _("Delivered on time"),
                total("on_time"),
                total("on_time_prev"),
                links.shipments(outcome=DeliveryOutcome.ON_TIME),
            ),
            _kpi(
                _("Late"),
                total("late"),
                total("late_prev"),
                links.shipments(outcome=DeliveryOutcome.LATE),
                up_is_good=False,
            ),
            _kpi(
                _("Stuck"),
                total("stuck"),
                total("stuck_prev"),
                links.shipments(outcome=DeliveryOutcome.STUCK),
                up_is_good=False,
            ),
        ]
        rows = []
        for row in figures.carriers:
            code = row.carrier_code
            rows.append(
                [
                    row.carrier_name or code.upper(),
                    _link(row.shipped, links.shipments(carrier=code)),
                    _link(row.delivered, links.shipments(carrier=code, delivered=True)),
                    _link(row.on_time, links.shipments(carrier=code, outcome=DeliveryOutcome.ON_TIME)),
                    _link(row.late, links.shipments(carrier=code, outcome=DeliveryOutcome.LATE)),
                    _link(row.stuck, links.shipments(carrier=code, outcome=DeliveryOutcome.STUCK)),
                    f"{round(100 * row.on_time / row.delivered)} %" if row.delivered else "—",
                ]
            )
        context["carrier_table"] = _table(
            [
                _("Carrier"),
                _("Shipped"),
                _("Delivered"),
                _("On time"),
                _("Late"),
                _("Stuck"),
                _("On-time rate"),
            ],
            rows,
        )
        context["carrier_chart"] = _chart(
            [row.carrier_name or row.carrier_code.upper() for row in figures.carriers],
            [
                {
                    "label": str(_("On time")),
                    "data": [row.on_time for row in figures.carriers],
                    "backgroundColor": "var(--color-primary-600)",
                },
                {
                    "label": str(_("Late")),
                    "data": [row.late for row in figures.carriers],
                    "backgroundColor": "#b45309",
                },
                {
                    "label": str(_("Stuck")),
                    "data": [row.stuck for row in figures.carriers],
                    "backgroundColor": "#b91c1c",
                },
            ],
        )
    if figures.page_views is not None and figures.asks is not None:
        views, asks = figures.page_views, figures.asks
        kpis += [
            _kpi(_("Tracking page views"), views.views, views.views_prev, links.orders_viewed()),
            _kpi(
                _("Orders that never asked"),
                asks.never_asked_share,
                asks.never_asked_share_prev,
                links.orders(asked="no"),
                unit=" %",
                rate=True,
            ),
        ]
    if "returns" in sections:
        returns_now = sum(row.returns for row in figures.reasons)
        returns_prev = sum(row.returns_prev for row in figures.reasons)
        kpis.append(
            _kpi(_("Returns requested"), returns_now, returns_prev, links.returns(), up_is_good=False)
        )
        context["reason_table"] = _table(
            [_("Reason"), _("Returns"), _("Previous period"), _("Change")],
            [
                [
                    row.label,
                    _link(row.returns, links.returns(reason_id=row.reason_id)),
                    row.returns_prev,
                    _change(Compared(row.returns, row.returns_prev)),
                ]
                for row in figures.reasons
            ],
        )
        context["product_table"] = _table(
            [_("Product"), _("Items"), _("Returns")],
            [
                [row.title, row.items, _link(row.returns, links.returns(product_id=row.product_id))]
                for row in figures.products
            ],
        )
        labels = {
            Resolution.REFUND: _("Refund"),
            Resolution.STORE_CREDIT: _("Store credit"),
            Resolution.EXCHANGE: _("Exchange"),
        }
        context["resolution_rows"] = [
            {
                "label": label,
                "returns": figures.resolution_total(value),
                "share": round(100 * figures.resolution_total(value) / returns_now) if returns_now else 0,
                "change": _change(
                    Compared(figures.resolution_total(value), figures.resolution_total(value, "returns_prev"))
                ),
                "href": links.returns(resolution=value),
            }
            for value, label in labels.items()
        ]
        context["money_rows"] = [
            {
                "currency": money.currency,
                "refunded": format_money(money.refunded, money.currency),
                "kept": format_money(money.kept, money.currency),
                "kept_share": money.kept_share,
                "refunded_change": _change(Compared(money.refunded, money.refunded_prev)),
                "kept_change": _change(Compared(money.kept, money.kept_prev)),
                "refund_href": links.returns(resolution=Resolution.REFUND),
                "credit_href": links.returns(resolution=Resolution.STORE_CREDIT),
                "exchange_href": links.returns(resolution=Resolution.EXCHANGE),
            }
            for money in figures.money
        ]
        context["reason_chart"] = _chart(
            [row.label for row in figures.reasons],
            [
                {
                    "label": str(_("This period")),
                    "data": [row.returns for row in figures.reasons],
                    "backgroundColor": "var(--color-primary-600)",
                },
                {
                    "label": str(_("Previous period")),
                    "data": [row.returns_prev for row in figures.reasons],
                    "backgroundColor": "var(--color-base-300)",
                },
            ],
        )
    if figures.scores is not None:
        scores = figures.scores
        kpis += [
            _kpi(_("CSAT"), scores.csat, scores.csat_prev, links.ratings(), unit=" %", rate=True),
            _kpi(_("NPS"), scores.nps, scores.nps_prev, links.nps(), rate=True),
        ]
        context["score_links"] = {"ratings": links.ratings(), "nps": links.nps()}
        context["score_chart"] = _chart(
            [week.week.strftime("%d %b") for week in figures.weeks],
            [
                {
                    "label": str(_("CSAT %")),
                    "data": [week.csat for week in figures.weeks],
                    "borderColor": "var(--color-primary-600)",
                    "backgroundColor": "var(--color-primary-600)",
                    "spanGaps": True,
                },
                {
                    "label": str(_("NPS")),
                    "data": [week.nps for week in figures.weeks],
                    "borderColor": "#b45309",
                    "backgroundColor": "#b45309",
                    "spanGaps": True,
                },
            ],
        )
        context["comments"] = [
            {
                "kind": _("Delivery rating") if comment.kind == "csat" else _("NPS"),
                "score": f"{comment.score}/5" if comment.kind == "csat" else f"{comment.score}/10",
                "comment": comment.comment,
                "at": comment.at,
                "href": reverse(
                    "admin:feedback_deliveryrating_change"
                    if comment.kind == "csat"
                    else "admin:feedback_npsrequest_change",
                    args=[comment.object_id],
                ),
            }
            for comment in figures.comments
        ]
    if "messages" in sections:
        kpis.append(
            _kpi(
                _("Messages sent"),
                figures.message_total("sent"),
                figures.message_total("sent_prev"),
                links.messages(state="sent"),
            )
        )
        context["message_table"] = _table(
            [_("Trigger"), _("Channel"), _("Sent"), _("Delivered"), _("Failed"), _("Change in sent")],
            [
                [
                    row.trigger.replace("_", " "),
                    row.channel.upper() if row.channel == "sms" else row.channel.capitalize(),
                    _link(row.sent, links.messages(trigger=row.trigger, channel=row.channel, state="sent")),
                    _link(
                        row.delivered,
                        links.messages(trigger=row.trigger, channel=row.channel, state="delivered"),
                    ),
                    _link(
                        row.failed, links.messages(trigger=row.trigger, channel=row.channel, state="failed")
                    ),
                    _change(Compared(row.sent, row.sent_prev)),
                ]
                for row in figures.messages
            ],
        )
    if figures.cases is not None:
        cases = figures.cases
        kpis += [
            _kpi(_("Open cases"), cases.open_now, None, links.cases(open_only=True), up_is_good=False),
            _kpi(
                _("Median first response"),
                _hours(cases.first_response),
                _hours(cases.first_response_prev),
                links.cases(),
                unit=" h",
                up_is_good=False,
            ),
        ]
    return context


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """Unfold's DASHBOARD_CALLBACK: the admin index becomes the brand's dashboard."""
    context.update(dashboard_context(request=request))
    return context


@staff_member_required
def dashboard_export(request: HttpRequest) -> HttpResponse:
    """The dashboard's figures as CSV: the same brands, period and permitted sections."""
    selection = selection_from(request=request, strict=True)
    sections = selectors.visible_sections(user=request.user)
    if not sections:
        raise Http404("Nothing to export.")
    figures = selectors.dashboard_figures(
        brand_ids=selection.brand_ids, period=selection.period, sections=sections
    )
    period, previous = selection.period, selection.period.previous
    scope = selection.brand.slug if selection.brand else ALL_BRANDS
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"dashboard-{scope}-{period.first_day:%Y%m%d}-{period.last_day:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "section",
            "figure",
            "key",
            f"{period.first_day.isoformat()}..{period.last_day.isoformat()}",
            f"{previous.first_day.isoformat()}..{previous.last_day.isoformat()}",
        ]
    )
    for section, name, key, current, before in selectors.dashboard_rows(figures):
        writer.writerow([section, name, _csv_safe(key), current, before])
    return response


def _csv_safe(value: str) -> str:
    """Keep a spreadsheet from reading a product or reason name as a formula."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
