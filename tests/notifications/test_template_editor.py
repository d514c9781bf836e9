"""The console's message editor: list, default text, live preview, save checks, test send, reset, roles."""

import pytest

from brands.models import Role
from notifications.models import MessageTemplate, Notification, NotificationSettings
from notifications.triggers import TRIGGERS

pytestmark = pytest.mark.django_db

BASE = "/admin/notifications/messagetemplate/texts"


def edit_url(brand, trigger="shipped", channel="sms", locale="en"):
    return f"{BASE}/{brand.id}/{trigger}/{channel}/{locale}/"


@pytest.fixture
def owner(client, brand, staff_of):
    user = staff_of(brand, Role.OWNER)
    client.force_login(user)
    return user


def save(client, brand, body, subject="", trigger="shipped", channel="sms", locale="en"):
    return client.post(
        edit_url(brand, trigger, channel, locale), {"action": "save", "subject": subject, "body": body}
    )


# ---- the list ---------------------------------------------------------------------------------------


def test_the_list_shows_every_trigger_language_and_channel(
    client, brand, owner, django_assert_max_num_queries
):
    MessageTemplate.objects.create(
        brand=brand, trigger="shipped", channel="sms", locale="ro", body="{{ tracking_url }}"
    )
    with django_assert_max_num_queries(12):
        response = client.get(f"{BASE}/{brand.id}/")
    assert response.status_code == 200
    rows = response.context["rows"]
    expected = sum(len(trigger.channels) * 4 for trigger in TRIGGERS.values())
    assert len(rows) == expected
    own = [(row.trigger, row.channel, row.locale) for row in rows if row.own]
    assert own == [("shipped", "sms", "ro")]
    page = response.content.decode()
    assert edit_url(brand, "offer_birthday", "email", "pl") in page
    assert edit_url(brand, "offer_birthday", "sms", "pl") not in page  # that offer goes by email only


def test_the_list_costs_the_same_with_many_own_texts(client, brand, owner, django_assert_max_num_queries):
    for locale in ("en", "ro", "pl", "ru"):
        for trigger in ("shipped", "delivered", "delayed", "order_confirmed"):
            MessageTemplate.objects.create(
                brand=brand, trigger=trigger, channel="sms", locale=locale, body="Hi"
            )
    with django_assert_max_num_queries(12):
        assert client.get(f"{BASE}/{brand.id}/").status_code == 200


def test_the_list_filters_by_channel_and_language(client, brand, owner):
    rows = client.get(f"{BASE}/{brand.id}/?channel=sms&locale=ro").context["rows"]
    assert rows
    assert {(row.channel, row.locale) for row in rows} == {("sms", "ro")}


def test_a_staff_member_of_one_brand_goes_straight_to_its_messages(client, brand, owner):
    response = client.get(f"{BASE}/")
    assert response.status_code == 302
    assert response.url == f"{BASE}/{brand.id}/"


# ---- opening one -------------------------------------------------------------------------------------


def test_opening_a_message_starts_from_the_default_text_with_its_variables(client, brand, owner):
    response = client.get(edit_url(brand, "shipped", "sms", "en"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["body"] == TRIGGERS["shipped"].texts["en"].body
    variables = {variable.name: variable for variable in response.context["variables"]}
    assert {"brand_name", "first_name", "order_number", "carrier", "tracking_url", "eta"} <= set(variables)
    assert variables["carrier"].sample == "DPD"
    assert variables["brand_name"].sample == "Casa Verde"
    page = response.content.decode()
    assert "The carrier&#x27;s name" in page or "The carrier's name" in page
    assert 'data-variable="tracking_number"' in page
    assert not MessageTemplate.objects.exists()


def test_a_return_message_offers_its_own_variables(client, brand, owner):
    response = client.get(edit_url(brand, "return_refunded", "email", "ro"))
    names = {variable.name for variable in response.context["variables"]}
    assert {"rma", "amount", "currency", "return_url"} <= names
    assert "carrier" not in names
    assert response.context["form"].initial["subject"] == TRIGGERS["return_refunded"].texts["ro"].subject


def test_an_own_text_opens_as_saved(client, brand, owner):
    MessageTemplate.objects.create(
        brand=brand, trigger="shipped", channel="sms", locale="en", body="Mine {{ carrier }}"
    )
    response = client.get(edit_url(brand))
    assert response.context["form"].initial["body"] == "Mine {{ carrier }}"
    assert response.context["has_own"] is True


@pytest.mark.parametrize(
    "path",
    [
        "nope/sms/en",  # unknown trigger
        "shipped/sms/xx",  # unknown language
        "shipped/fax/en",  # unknown channel
        "offer_birthday/sms/en",  # a channel the trigger does not use
        "shipped/sms/en%00",
    ],
)
def test_an_unknown_message_in_the_address_is_a_404(client, brand, owner, path):
    assert client.get(f"{BASE}/{brand.id}/{path}/").status_code == 404
    assert client.post(f"{BASE}/{brand.id}/{path}/", {"action": "save", "body": "x"}).status_code == 404
    assert not MessageTemplate.objects.exists()


# ---- the live preview ----------------------------------------------------------------------------------


def test_the_preview_counts_segments_and_names_the_characters_that_force_ucs2(client, brand, owner):
    url = edit_url(brand) + "preview/"
    plain = client.post(url, {"body": "{{ brand_name }}: " + "a" * 100})
    assert plain.status_code == 200
    check = plain.context["check"]
    assert (check.sms.encoding, check.sms.units, check.sms.segments) == ("GSM-7", 112, 1)
    assert "Casa Verde: aaa" in plain.content.decode()
    dashed = client.post(url, {"body": "{{ brand_name }} — “soon”"}).context["check"]
    assert dashed.sms.encoding == "UCS-2"
    assert dashed.sms.unicode_characters == ("—", "“", "”")
    assert dashed.unicode_in_text == ("—", "“", "”")
    assert not MessageTemplate.objects.exists()


def test_the_preview_of_an_email_is_the_email_as_sent(client, brand, owner):
    response = client.post(
        edit_url(brand, "delivered", "email", "ro") + "preview/",
        {"subject": "Gata, {{ first_name }}!", "body": "<b>Comanda</b> #{{ order_number }} a ajuns."},
    )
    assert response.status_code == 200
    assert response.context["check"].subject == "Gata, Ioana!"
    document = response.context["email_document"]
    assert "<b>Comanda</b> #1007 a ajuns." in document  # the body inside the brand frame
    assert "Casa Verde" in document
    assert 'srcdoc="&lt;!doctype html&gt;' in response.content.decode()  # escaped whole, never cut short


def test_the_preview_shows_errors_and_writes_nothing(client, brand, owner):
    response = client.post(edit_url(brand) + "preview/", {"body": "{{ nonsense }} {% if %}"})
    assert response.status_code == 200
    assert response.context["check"].errors
    assert "line 1" in response.content.decode()
    assert not MessageTemplate.objects.exists()
    assert client.get(edit_url(brand) + "preview/").status_code == 405


def test_the_preview_button_works_without_javascript(client, brand, owner):
    response = client.post(edit_url(brand), {"action": "preview", "body": "Hi {{ first_name }} ș"})
    assert response.status_code == 200
    assert response.context["check"].sms.encoding == "UCS-2"
    assert "Hi Ioana ș" in response.content.decode()
    assert not MessageTemplate.objects.exists()


# ---- saving -------------------------------------------------------------------------------------------


def test_saving_stores_the_brand_own_text_and_shoppers_get_it(client, brand, owner, order):
    body = "{{ brand_name }}: #{{ order_number }} left with {{ carrier }}. {{ tracking_url }}"
    response = save(client, brand, body)
    assert response.status_code == 302
    template = MessageTemplate.objects.get(brand=brand, trigger="shipped", channel="sms", locale="en")
    assert template.body == body
    from notifications.services import _render

    rendered = _render(
        brand=brand,
        trigger="shipped",
        channel="sms",
        locale="en",
        context={"brand_name": brand.name, "order_number": "1", "carrier": "DPD", "tracking_url": "u"},
    )
    assert rendered.body == "Casa Verde: #1 left with DPD. u"


def test_saving_again_replaces_the_text(client, brand, owner):
    assert save(client, brand, "One {{ tracking_url }}").status_code == 302
    assert save(client, brand, "Two {{ tracking_url }}").status_code == 302
    assert list(MessageTemplate.objects.values_list("body", flat=True)) == ["Two {{ tracking_url }}"]


def test_saving_an_email_keeps_its_subject(client, brand, owner):
    response = save(
        client, brand, "Hello {{ first_name }}", subject="On its way", channel="email", locale="ro"
    )
    assert response.status_code == 302
    assert MessageTemplate.objects.get(channel="email").subject == "On its way"


def test_an_email_without_a_subject_is_refused(client, brand, owner):
    assert save(client, brand, "Hello", subject=" ", channel="email").status_code == 400
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("{% if %}", "line 1"),
        ("{{ brand_name", "line 1"),
        ("Hi {{ shopper_password }}", "shopper_password"),
        ("{{ settings.SECRET_KEY }}", "settings"),
        ("{{ ''.__class__ }}", "hidden attributes"),
        ("{{ first_name.__class__.__mro__[1].__subclasses__() }}", "hidden attributes"),
        ("{{ first_name['__class__'] }}", "hidden attributes"),
        ("{% if false %}{{ ''.__class__.__base__ }}{% endif %}", "hidden attributes"),
        ("{{ 1 / 0 }}", "cannot be rendered"),
        ("", "Write the message text"),
    ],
)
def test_a_text_that_cannot_go_out_is_refused_with_a_clear_error(client, brand, owner, body, message):
    response = save(client, brand, body)
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].non_field_errors())
    assert not MessageTemplate.objects.exists()


def test_an_sms_over_the_brand_segment_limit_is_refused(client, brand, owner):
    NotificationSettings.objects.create(brand=brand, sms_max_segments=1)
    # 120 characters with the samples, but far more with a long carrier name, number and link.
    body = (
        "{{ brand_name }} {{ order_number }} {{ carrier }} {{ tracking_number }} {{ tracking_url }} "
        + "x" * 30
    )
    response = save(client, brand, body)
    assert response.status_code == 400
    errors = " ".join(response.context["form"].non_field_errors())
    assert "segments" in errors
    assert "allows 1" in errors
    assert not MessageTemplate.objects.exists()


def test_a_character_that_forces_ucs2_is_named_when_it_breaks_the_limit(client, brand, owner):
    body = "{{ brand_name }}: your order is on its way — follow it here: {{ tracking_url }} " + "a" * 60
    assert save(client, brand, body.replace("—", "-")).status_code == 302
    response = save(client, brand, body)
    assert response.status_code == 400
    assert "“—”" in " ".join(response.context["form"].non_field_errors())
    assert MessageTemplate.objects.get().body == body.replace("—", "-")


def test_a_huge_text_is_refused(client, brand, owner):
    response = save(client, brand, "a" * 20_000, subject="x", channel="email")
    assert response.status_code == 400
    assert not MessageTemplate.objects.exists()


# ---- test send and reset ----------------------------------------------------------------------------


def test_send_a_test_to_me_goes_through_the_outbox_to_my_email(
    client, brand, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            edit_url(brand, "shipped", "email", "en"),
            {"action": "test", "subject": "Hi {{ first_name }}", "body": "{{ carrier }} has it"},
        )
    assert response.status_code == 200
    assert [message.to for message in mailoutbox] == [[owner.email]]
    assert mailoutbox[0].subject == "[Test] Hi Ioana"
    assert "DPD has it" in mailoutbox[0].body
    row = Notification.objects.get()
    assert (row.is_test, row.customer_id, row.state, row.to) == (True, None, "sent", owner.email)
    assert not MessageTemplate.objects.exists()  # a test saves nothing


def test_an_sms_test_arrives_by_email_as_plain_text(
    client, brand, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(edit_url(brand), {"action": "test", "body": "{{ brand_name }} — {{ carrier }}"})
    assert mailoutbox[0].subject == "[Test] SMS · Shipped · en"
    assert mailoutbox[0].body == "Casa Verde — DPD"


def test_tests_are_rate_limited_per_staff_member(
    client, brand, owner, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        codes = [client.post(edit_url(brand), {"action": "test", "body": "Hi"}).status_code for _ in range(7)]
    assert codes == [200] * 5 + [429] * 2
    assert Notification.objects.filter(is_test=True).count() == 5
    assert len(mailoutbox) == 5


def test_a_text_that_cannot_render_is_not_sent_as_a_test(client, brand, owner, mailoutbox):
    response = client.post(edit_url(brand), {"action": "test", "body": "{{ ''.__class__ }}"})
    assert response.status_code == 400
    assert not Notification.objects.exists()


def test_reset_to_default_deletes_the_own_text(client, brand, owner):
    MessageTemplate.objects.create(brand=brand, trigger="shipped", channel="sms", locale="en", body="Mine")
    other = MessageTemplate.objects.create(
        brand=brand, trigger="shipped", channel="sms", locale="ro", body="A mea"
    )
    response = client.post(edit_url(brand), {"action": "reset"})
    assert response.status_code == 302
    assert list(MessageTemplate.objects.all()) == [other]
    reopened = client.get(edit_url(brand))
    assert reopened.context["form"].initial["body"] == TRIGGERS["shipped"].texts["en"].body


# ---- who may ------------------------------------------------------------------------------------------


def test_another_brand_is_a_404_and_nothing_is_written(client, brand, other_brand, owner):
    MessageTemplate.objects.create(
        brand=other_brand, trigger="shipped", channel="sms", locale="en", body="Theirs"
    )
    assert client.get(f"{BASE}/{other_brand.id}/").status_code == 404
    assert client.get(edit_url(other_brand)).status_code == 404
    assert client.post(edit_url(other_brand) + "preview/", {"body": "x"}).status_code == 404
    assert save(client, other_brand, "Mine {{ tracking_url }}").status_code == 404
    assert client.post(edit_url(other_brand), {"action": "reset"}).status_code == 404
    assert client.post(edit_url(other_brand), {"action": "test", "body": "x"}).status_code == 404
    assert list(MessageTemplate.objects.values_list("body", flat=True)) == ["Theirs"]
    assert not Notification.objects.exists()
    assert client.get(f"{BASE}/999999/").status_code == 404


@pytest.mark.parametrize("role", [Role.RETURNS_MANAGER, Role.SUPPORT_AGENT])
def test_a_role_without_the_permission_is_refused_and_nothing_is_written(client, brand, staff_of, role):
    MessageTemplate.objects.create(brand=brand, trigger="shipped", channel="sms", locale="ro", body="Kept")
    client.force_login(staff_of(brand, role))
    assert client.get(f"{BASE}/{brand.id}/").status_code == 403
    assert client.get(edit_url(brand)).status_code == 403
    assert save(client, brand, "Mine {{ tracking_url }}").status_code == 403
    assert client.post(edit_url(brand, locale="ro"), {"action": "reset"}).status_code == 403
    assert client.post(edit_url(brand), {"action": "test", "body": "x"}).status_code == 403
    assert list(MessageTemplate.objects.values_list("body", flat=True)) == ["Kept"]
    assert not Notification.objects.exists()


def test_owner_elsewhere_does_not_make_a_returns_manager_an_editor_here(client, brand, other_brand, staff_of):
    from brands.services import membership_grant

    user = staff_of(other_brand, Role.OWNER)
    membership_grant(user_id=user.id, brand=brand, role=Role.RETURNS_MANAGER)
    client.force_login(user)
    assert save(client, brand, "Mine {{ tracking_url }}").status_code == 403
    assert save(client, other_brand, "Mine {{ tracking_url }}").status_code == 302
    assert list(MessageTemplate.objects.values_list("brand_id", flat=True)) == [other_brand.id]


def test_the_raw_admin_form_refuses_what_the_editor_refuses(admin_client, brand):
    response = admin_client.post(
        "/admin/notifications/messagetemplate/add/",
        {
            "brand": brand.id,
            "trigger": "shipped",
            "channel": "sms",
            "locale": "ro",
            "subject": "",
            "body": "{{ x }}",
        },
    )
    assert response.status_code == 200
    assert "does not have: x" in response.content.decode()
    assert not MessageTemplate.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"action": "save", "body": "Hi\x00 {{ tracking_url }}"},
        {"action": "save", "body": "Hi", "subject": "s" * 201},
        {"action": "test", "body": "Hi\x00"},
        {"action": "preview", "body": "Hi\x00"},
    ],
)
def test_malformed_posts_are_form_errors_and_write_nothing(client, brand, owner, data):
    response = client.post(edit_url(brand, channel="email"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not MessageTemplate.objects.exists()
    assert not Notification.objects.exists()
    assert client.post(edit_url(brand) + "preview/", {"body": "x\x00"}).status_code == 400


def test_the_editor_page_has_a_bounded_query_count(client, brand, owner, django_assert_max_num_queries):
    MessageTemplate.objects.create(brand=brand, trigger="shipped", channel="sms", locale="en", body="Mine")
    with django_assert_max_num_queries(14):
        assert client.get(edit_url(brand)).status_code == 200


def test_a_test_message_is_not_a_shopper_figure(admin_client, brand, order):
    shopper = dict(brand=brand, trigger="shipped", channel="email", locale="en", body="b", state="sent")
    Notification.objects.create(
        customer=order.customer, subject_key="shipment:1", to="i@example.com", **shopper
    )
    Notification.objects.create(
        customer=None, is_test=True, subject_key="test:1", to="staff@x.example", **shopper
    )
    figures = admin_client.get("/admin/notifications/notification/").context["figures"]
    assert [(row["trigger"], row["count"]) for row in figures] == [("shipped", 1)]
