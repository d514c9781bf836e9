"""Owners' existing role group gains the new permissions (new groups get them from ROLE_PERMISSIONS)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OWNER_GROUP = "postpurchase: Owner"
GRANTED = ("manage_connections", "view_apikey")


def grant_owner(apps, schema_editor):
    app_config = apps.get_app_config("brands")
    previous = getattr(app_config, "models_module", None)
    app_config.models_module = previous or True  # create_permissions skips apps it thinks have no models
    try:
        create_permissions(app_config, apps=apps, verbosity=0)
    finally:
        app_config.models_module = previous
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OWNER_GROUP).first()
    if group is not None:
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="brands", codename__in=GRANTED)
        )


def revoke_owner(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=OWNER_GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="brands", codename="manage_connections")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("brands", "0004_secret_rotation_and_manage_connections"),
    ]

    operations = [migrations.RunPython(grant_owner, revoke_owner)]
