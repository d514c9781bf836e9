from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from brands.models import Role
        from brands.services import role_permissions_register
        from notifications import reactions
        from notifications.triggers import TRIGGER_OF_STATUS
        from orders.services import ORDER_CREATED_HOOKS
        from tracking import hooks

        hooks.on_status_changed(
            reactions.on_shipment_status_changed, direction="outbound", new_statuses=TRIGGER_OF_STATUS
        )
        from notifications.optin import tracking_block
        from tracking.blocks import register_block

        register_block(slot="status", name="sms-optin", render=tracking_block, order=20)
        hooks.on_flagged(reactions.on_shipment_flagged)
        if reactions.on_order_created not in ORDER_CREATED_HOOKS:
            ORDER_CREATED_HOOKS.append(reactions.on_order_created)
        role_permissions_register(
            role=Role.OWNER,
            app_label="notifications",
            codenames=(
                "view_notification",
                "view_messagetemplate",
                "add_messagetemplate",
                "change_messagetemplate",
                "delete_messagetemplate",
                "view_notificationsettings",
                "change_notificationsettings",
            ),
        )
        role_permissions_register(
            role=Role.SUPPORT_AGENT, app_label="notifications", codenames=("view_notification",)
        )
