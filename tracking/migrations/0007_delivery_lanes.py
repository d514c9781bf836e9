import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, Window
from django.db.models.functions import RowNumber


def fill_lanes(apps, schema_editor):
    """Existing delivered history goes into the lanes once, in one ranked read."""
    from tracking.delivery_estimates import EDD_HISTORY_SIZE, lane_fields, lanes_from_rows

    Shipment = apps.get_model("tracking", "Shipment")
    DeliveryLane = apps.get_model("tracking", "DeliveryLane")
    lane = [F("brand_id"), F("carrier_code"), F("order__shipping_country")]
    rows = (
        Shipment.objects.filter(direction="outbound", delivered_at__isnull=False, shipped_at__isnull=False)
        .annotate(
            lane_country=F("order__shipping_country"),
            recency=Window(RowNumber(), partition_by=lane, order_by=[F("delivered_at").desc(), F("id").desc()]),
        )
        .filter(recency__lte=EDD_HISTORY_SIZE)
        .order_by()
        .values_list("brand_id", "carrier_code", "lane_country", "id", "shipped_at", "delivered_at")
    )
    DeliveryLane.objects.bulk_create(
        [
            DeliveryLane(brand_id=key.brand_id, carrier_code=key.carrier_code, country=key.country, **lane_fields(samples))
            for key, samples in lanes_from_rows(rows).items()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):

    dependencies = [
        ('brands', '0008_audit_history_and_settings_bounds'),
        ('tracking', '0006_audit_history_and_settings_bounds'),
    ]

    operations = [
        migrations.CreateModel(
            name='DeliveryLane',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('carrier_code', models.CharField(max_length=50)),
                ('country', models.CharField(blank=True, help_text="The order's shipping country.", max_length=2)),
                ('samples', models.JSONField(default=list)),
                ('first_days', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('last_days', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('brand', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='delivery_lanes', to='brands.brand')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('brand', 'carrier_code', 'country'), name='delivery_lane_unique_per_brand')],
            },
        ),
        migrations.AddIndex(
            model_name='shipment',
            index=models.Index(condition=models.Q(('delivered_at__isnull', False), ('direction', 'outbound')), fields=['brand', 'carrier_code', 'delivered_at', 'id'], name='shipment_delivered_lane_idx'),
        ),
        migrations.RunPython(fill_lanes, migrations.RunPython.noop),
    ]
