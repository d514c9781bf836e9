"""How feedback plugs in: two tracking-page blocks, the NPS trigger, admin roles, demo data."""


def connect() -> None:
    from brands.models import Role
    from brands.services import role_permissions_register
    from demo.seed import DEMO_STEPS
    from feedback.messages import register_feedback_triggers
    from feedback.page import csat_block, problem_block
    from feedback.seed import seed_feedback
    from tracking.blocks import register_block

    register_block(slot="status", name="delivery-feedback", render=csat_block, order=20)
    register_block(slot="actions", name="problem-report", render=problem_block, order=30)
    register_feedback_triggers()
    if seed_feedback not in DEMO_STEPS:
        DEMO_STEPS.append(seed_feedback)
    role_permissions_register(
        role=Role.OWNER,
        app_label="feedback",
        codenames=(
            "view_deliveryrating",
            "view_npsrequest",
            "view_feedbacksettings",
            "add_feedbacksettings",
            "change_feedbacksettings",
        ),
    )
    role_permissions_register(
        role=Role.SUPPORT_AGENT, app_label="feedback", codenames=("view_deliveryrating", "view_npsrequest")
    )
