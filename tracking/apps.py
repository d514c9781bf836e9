from django.apps import AppConfig


class TrackingConfig(AppConfig):
    name = "tracking"
    verbose_name = "Tracking"

    def ready(self) -> None:
        from brands.models import Role
        from brands.services import role_permissions_register
        from demo.seed import DEMO_STEPS
        from tracking.demo import seed_shipments

        everyone = ("view_shipment", "view_shipmentline", "view_trackingevent")
        role_permissions_register(
            role=Role.OWNER,
            app_label="tracking",
            codenames=(
                *everyone,
                "change_shipment",
                "view_inboundwebhook",
                "view_reactionfailure",
                "view_trackingsettings",
                "change_trackingsettings",
            ),
        )
        role_permissions_register(role=Role.RETURNS_MANAGER, app_label="tracking", codenames=everyone)
        role_permissions_register(role=Role.SUPPORT_AGENT, app_label="tracking", codenames=everyone)
        from orders.services import ORDER_CREATED_HOOKS
        from tracking.webhooks import order_created_reaction

        if order_created_reaction not in ORDER_CREATED_HOOKS:
            ORDER_CREATED_HOOKS.append(order_created_reaction)
        if seed_shipments not in DEMO_STEPS:
            DEMO_STEPS.append(seed_shipments)
        from tracking import page_cache, page_counters

        page_cache.connect()
        page_counters.counter_register(kind=page_counters.PAGE_VIEWS, apply=page_counters.page_views_apply)
