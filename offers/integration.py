"""How offers plugs in: two tracking-page blocks, the occasion triggers, the thank-you code, admin roles, demo."""


def connect() -> None:
    from brands.models import Role
    from brands.services import role_permissions_register
    from demo.seed import DEMO_STEPS
    from offers.messages import register_offer_triggers
    from offers.page import offers_block, recommendations_block
    from offers.seed import seed_offers
    from tracking.blocks import register_block

    register_block(slot="offers", name="recommendations", render=recommendations_block, order=20)
    register_block(slot="offers", name="offer-blocks", render=offers_block, order=30)
    from offers.content import IMPRESSIONS, impressions_apply
    from tracking.page_counters import counter_register

    counter_register(kind=IMPRESSIONS, apply=impressions_apply)
    register_offer_triggers()
    from notifications.triggers import register_context_provider
    from offers.recommendations import recommendations_for_message

    register_context_provider(recommendations_for_message)
    if seed_offers not in DEMO_STEPS:
        DEMO_STEPS.append(seed_offers)
    managed = (
        "view_contentblock",
        "add_contentblock",
        "change_contentblock",
        "delete_contentblock",
        "view_recommendationrule",
        "add_recommendationrule",
        "change_recommendationrule",
        "delete_recommendationrule",
        "view_offerssettings",
        "add_offerssettings",
        "change_offerssettings",
    )
    role_permissions_register(role=Role.OWNER, app_label="offers", codenames=managed)
    role_permissions_register(role=Role.SUPPORT_AGENT, app_label="offers", codenames=("view_contentblock",))
