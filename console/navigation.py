"""The console's sidebar: grouped by the job a merchant comes to do, not by Django app."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _


def _may(perm: str) -> Any:
    def check(request: HttpRequest) -> bool:
        return bool(request.user.has_perm(perm))

    return check


def sidebar(request: HttpRequest) -> list[dict[str, Any]]:
    """Unfold's SIDEBAR navigation, built per request so each item follows the staff member's permissions."""

    def item(title: Any, icon: str, url_name: str, perm: str) -> dict[str, Any]:
        return {"title": title, "icon": icon, "link": reverse_lazy(url_name), "permission": _may(perm)}

    return [
        {
            "title": _("Overview"),
            "items": [
                {"title": _("Dashboard"), "icon": "dashboard", "link": reverse_lazy("admin:index")},
            ],
        },
        {
            "title": _("Orders and parcels"),
            "separator": True,
            "items": [
                item(_("Orders"), "shopping_bag", "admin:orders_order_changelist", "orders.view_order"),
                item(
                    _("Shipments"),
                    "local_shipping",
                    "admin:tracking_shipment_changelist",
                    "tracking.view_shipment",
                ),
                item(_("Customers"), "group", "admin:orders_customer_changelist", "orders.view_customer"),
                item(_("Products"), "inventory_2", "admin:orders_product_changelist", "orders.view_product"),
            ],
        },
        {
            "title": _("Returns"),
            "separator": True,
            "items": [
                {
                    **item(
                        _("Returns"),
                        "assignment_return",
                        "admin:returns_return_changelist",
                        "returns.view_return",
                    ),
                    "badge": "support.attention.returns_badge",
                },
                item(
                    _("Return rules"),
                    "rule",
                    "admin:returns_returnrule_changelist",
                    "returns.view_returnrule",
                ),
                item(
                    _("Return reasons"),
                    "help",
                    "admin:returns_returnreason_changelist",
                    "returns.view_returnreason",
                ),
                item(
                    _("Return policy"),
                    "policy",
                    "admin:returns_returnpolicy_changelist",
                    "returns.view_returnpolicy",
                ),
            ],
        },
        {
            "title": _("Customer care"),
            "separator": True,
            "items": [
                {
                    **item(_("Cases"), "support_agent", "admin:support_case_changelist", "support.view_case"),
                    "badge": "support.attention.cases_badge",
                },
                item(
                    _("Help centre"),
                    "menu_book",
                    "admin:support_faqarticle_changelist",
                    "support.view_faqarticle",
                ),
                item(
                    _("Canned answers"),
                    "quickreply",
                    "admin:support_cannedanswer_changelist",
                    "support.view_cannedanswer",
                ),
                {
                    "title": _("My email digest"),
                    "icon": "forward_to_inbox",
                    "link": reverse_lazy("admin:support_staffdigestpreference_changelist"),
                },
                item(
                    _("Delivery ratings"),
                    "star",
                    "admin:feedback_deliveryrating_changelist",
                    "feedback.view_deliveryrating",
                ),
            ],
        },
        {
            "title": _("Messages"),
            "separator": True,
            "items": [
                item(
                    _("Sent messages"),
                    "sms",
                    "admin:notifications_notification_changelist",
                    "notifications.view_notification",
                ),
                item(
                    _("Message templates"),
                    "edit_note",
                    "admin:notifications_messagetemplate_brands",
                    "notifications.view_messagetemplate",
                ),
            ],
        },
        {
            "title": _("Growth"),
            "separator": True,
            "items": [
                item(
                    _("Loyalty accounts"),
                    "loyalty",
                    "admin:loyalty_loyaltyaccount_changelist",
                    "loyalty.view_loyaltyaccount",
                ),
                item(
                    _("Discount codes"),
                    "sell",
                    "admin:loyalty_discountcode_changelist",
                    "loyalty.view_discountcode",
                ),
                item(
                    _("Recommendations"),
                    "recommend",
                    "admin:offers_recommendationrule_changelist",
                    "offers.view_recommendationrule",
                ),
                item(
                    _("Content blocks"),
                    "web",
                    "admin:offers_contentblock_changelist",
                    "offers.view_contentblock",
                ),
            ],
        },
        {
            "title": _("Brand and team"),
            "separator": True,
            "items": [
                item(_("Brands"), "storefront", "admin:brands_brand_changelist", "brands.view_brand"),
                item(_("Brand look"), "palette", "admin:brands_brand_look_start", "brands.change_brand"),
                item(_("Connections"), "cable", "console-connections-index", "brands.manage_connections"),
                item(_("Team"), "badge", "staff-team", "brands.change_membership"),
                {
                    "title": _("Your account"),
                    "icon": "manage_accounts",
                    "link": reverse_lazy("staff-account"),
                },
                item(
                    _("Webhook secrets"),
                    "key",
                    "admin:brands_integrationsecret_changelist",
                    "brands.view_integrationsecret",
                ),
                item(_("API keys"), "vpn_key", "admin:brands_apikey_changelist", "brands.view_apikey"),
                item(
                    _("Inbound webhooks"),
                    "webhook",
                    "admin:tracking_inboundwebhook_changelist",
                    "tracking.view_inboundwebhook",
                ),
                item(_("Users"), "person", "admin:auth_user_changelist", "auth.view_user"),
            ],
        },
    ]
