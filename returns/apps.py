from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "returns"
    verbose_name = "Returns"

    def ready(self) -> None:
        from brands.models import Role
        from brands.services import role_permissions_register
        from demo.seed import DEMO_STEPS
        from returns import integration
        from returns.messages import register_return_triggers
        from returns.seed import seed_returns
        from tracking.blocks import register_block
        from tracking.hooks import on_status_changed

        managed = (
            "view_return",
            "change_return",
            "view_returnline",
            "view_returnphoto",
            "view_returnevent",
            "view_returnnote",
            "add_returnnote",
            "view_returnrule",
            "add_returnrule",
            "change_returnrule",
            "delete_returnrule",
            "view_returnreason",
            "add_returnreason",
            "change_returnreason",
            "view_returnpolicy",
            "change_returnpolicy",
            "view_incomingreturn",
        )
        role_permissions_register(role=Role.RETURNS_MANAGER, app_label="returns", codenames=managed)
        role_permissions_register(
            role=Role.OWNER,
            app_label="returns",
            codenames=(
                *managed,
                "add_returnpolicy",
                "view_webhookendpoint",
                "add_webhookendpoint",
                "change_webhookendpoint",
                "view_webhookdelivery",
            ),
        )
        role_permissions_register(
            role=Role.SUPPORT_AGENT,
            app_label="returns",
            codenames=(
                "view_return",
                "view_returnline",
                "view_returnevent",
                "view_returnnote",
                "add_returnnote",
            ),
        )
        on_status_changed(integration.on_shipment_status_changed, direction="return")
        register_block(slot="actions", name="returns-start", render=integration.tracking_block, order=10)
        if seed_returns not in DEMO_STEPS:
            DEMO_STEPS.append(seed_returns)
        register_return_triggers()
