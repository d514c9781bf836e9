"""How customer care plugs in: its triggers, tracking-page blocks, admin roles and demo content."""


def connect() -> None:
    from brands.models import Role
    from brands.services import role_permissions_register
    from demo.seed import DEMO_STEPS
    from support.messages import register_support_triggers
    from support.page import help_block
    from support.seed import seed_support
    from tracking.blocks import register_block

    register_support_triggers()
    register_block(slot="help", name="help-answers", render=help_block, order=10)
    if seed_support not in DEMO_STEPS:
        DEMO_STEPS.append(seed_support)
    agent = (
        "view_case",
        "change_case",
        "view_casemessage",
        "view_cannedanswer",
        "add_cannedanswer",
        "change_cannedanswer",
        "view_faqcategory",
        "add_faqcategory",
        "change_faqcategory",
        "view_faqarticle",
        "add_faqarticle",
        "change_faqarticle",
    )
    owner = (*agent, "delete_cannedanswer", "delete_faqcategory", "delete_faqarticle")
    role_permissions_register(role=Role.OWNER, app_label="support", codenames=owner)
    role_permissions_register(role=Role.SUPPORT_AGENT, app_label="support", codenames=agent)
    role_permissions_register(role=Role.RETURNS_MANAGER, app_label="support", codenames=("view_case",))
