"""Roles are read per brand from memberships now: the global groups that carried them go."""

from django.db import migrations

ROLE_GROUPS = ("postpurchase: Owner", "postpurchase: Returns manager", "postpurchase: Support agent")


def drop_role_groups(apps, schema_editor):
    # Deleting a group also takes its members and permissions with it, so no role leaks across brands.
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("brands", "0005_invitation_staffprofile"),
    ]

    operations = [migrations.RunPython(drop_role_groups, migrations.RunPython.noop)]
