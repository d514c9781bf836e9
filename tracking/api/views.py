"""`/api/v1/shipments/`: for stores and carriers without an adapter."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from brands.authentication import request_brand
from common.api import MAX_ID, BoundedPagination
from common.api_schema import path_id
from common.plausible_dates import validate_estimate, validate_scan_time
from common.urls import tracking_url
from orders.models import Order
from tracking import selectors, services
from tracking.carriers.base import CarrierEvent, TrackingUpdate, carrier_slug
from tracking.models import Shipment
from tracking.numbers import tracking_number_key
from tracking.statuses import ShipmentStatus


def _plausible_estimate(day: Any) -> None:
    if day is not None:
        try:
            validate_estimate(day, today=timezone.now().date())
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


def _plausible_scan_time(at: Any) -> None:
    try:
        validate_scan_time(at, now=timezone.now())
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class ShipmentLineInputSerializer(serializers.Serializer[Any]):
    order_line_id = serializers.IntegerField(required=False)
    order_line_external_id = serializers.CharField(required=False, max_length=64)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "order_line_id" not in attrs and "order_line_external_id" not in attrs:
            raise serializers.ValidationError("Give order_line_id or order_line_external_id.")
        return attrs


class ShipmentInputSerializer(serializers.Serializer[Any]):
    order_id = serializers.IntegerField(required=False)
    order_external_id = serializers.CharField(required=False, max_length=64)
    carrier = serializers.CharField(
        max_length=100, help_text="Carrier name or code, e.g. 'DPD' or 'fan-courier'."
    )
    tracking_number = serializers.CharField(max_length=64)
    carrier_tracking_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    estimated_delivery = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[_plausible_estimate]
    )
    lines = ShipmentLineInputSerializer(many=True, required=False, max_length=500)  # type: ignore[call-arg]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "order_id" not in attrs and "order_external_id" not in attrs:
            raise serializers.ValidationError({"order_id": ["Give order_id or order_external_id."]})
        if not carrier_slug(attrs["carrier"]):
            raise serializers.ValidationError({"carrier": ["Name the carrier."]})
        return attrs


class EventInputSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ShipmentStatus.values)
    occurred_at = serializers.DateTimeField(validators=[_plausible_scan_time])
    detail = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    message = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    location = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    raw_status = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class EventsInputSerializer(serializers.Serializer[Any]):
    events = EventInputSerializer(many=True, allow_empty=False, max_length=500)  # type: ignore[call-arg]
    estimated_delivery = serializers.DateField(
        required=False, allow_null=True, default=None, validators=[_plausible_estimate]
    )


class EventOutputSerializer(serializers.Serializer[Any]):
    status = serializers.CharField()
    detail = serializers.CharField()
    message = serializers.CharField()
    location = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    received_at = serializers.DateTimeField()
    source = serializers.CharField()  # type: ignore[assignment]


class ShipmentLineOutputSerializer(serializers.Serializer[Any]):
    order_line_id = serializers.IntegerField()
    order_line_external_id = serializers.CharField(source="order_line.external_id")
    quantity = serializers.IntegerField()


class ShipmentOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    order_id = serializers.IntegerField()
    order_number = serializers.CharField(source="order.number")
    direction = serializers.CharField()
    carrier_code = serializers.CharField()
    carrier_name = serializers.CharField()
    tracking_number = serializers.CharField()
    carrier_tracking_url = serializers.CharField()
    status = serializers.CharField()
    status_detail = serializers.CharField()
    shipped_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)
    estimated_delivery = serializers.DateField(allow_null=True)
    estimated_delivery_latest = serializers.DateField(allow_null=True)
    estimated_delivery_source = serializers.CharField()
    late = serializers.SerializerMethodField()
    stuck = serializers.SerializerMethodField()
    lines = ShipmentLineOutputSerializer(many=True)
    events = EventOutputSerializer(many=True)
    tracking_url = serializers.SerializerMethodField()

    def get_late(self, shipment: Shipment) -> bool:
        return shipment.late_since is not None

    def get_stuck(self, shipment: Shipment) -> bool:
        return shipment.stuck_since is not None

    def get_tracking_url(self, shipment: Shipment) -> str:
        return tracking_url(brand_slug=shipment.brand.slug, token=shipment.token)


SHIPMENT_ID = path_id("shipment_id", "The shipment's id in this API.")


class ShipmentFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ShipmentStatus.values, required=False)
    tracking_number = serializers.CharField(max_length=64, required=False)
    order_id = serializers.IntegerField(min_value=1, max_value=MAX_ID, required=False)


def _raise_as_drf(exc: DjangoValidationError) -> None:
    raise serializers.ValidationError(
        exc.message_dict if hasattr(exc, "error_dict") else exc.messages
    ) from exc


class ShipmentListCreateApi(APIView):
    pagination_class = BoundedPagination
    keyset_field = "created_at"

    @extend_schema(parameters=[ShipmentFilterSerializer], responses=ShipmentOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = ShipmentFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.shipments_for_api(brand=request_brand(request))
        if wanted_status := filters.validated_data.get("status"):
            queryset = queryset.filter(status=wanted_status)
        if number := filters.validated_data.get("tracking_number"):
            queryset = queryset.filter(tracking_key=tracking_number_key(number))
        if order_id := filters.validated_data.get("order_id"):
            queryset = queryset.filter(order_id=order_id)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response(ShipmentOutputSerializer(page, many=True).data)

    @extend_schema(
        request=ShipmentInputSerializer,
        responses={200: ShipmentOutputSerializer, 201: ShipmentOutputSerializer},
        description="Create a shipment for an order (or update the carrier details of a known tracking number).",
    )
    def post(self, request: Request) -> Response:
        brand = request_brand(request)
        serializer = ShipmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        order = Order.objects.filter(
            brand=brand,
            **(
                {"id": data["order_id"]} if "order_id" in data else {"external_id": data["order_external_id"]}
            ),
        ).first()
        if order is None:
            raise serializers.ValidationError({"order_id": ["No such order for this brand."]})
        lines = None
        if "lines" in data:
            by_external = dict(order.lines.values_list("external_id", "id"))
            lines = []
            for line in data["lines"]:
                line_id = line.get("order_line_id") or by_external.get(line.get("order_line_external_id", ""))
                if line_id is None:
                    raise serializers.ValidationError({"lines": ["Unknown order line."]})
                lines.append((line_id, line["quantity"]))
        try:
            shipment, created = services.shipment_upsert(
                brand=brand,
                order=order,
                carrier_code=carrier_slug(data["carrier"]),
                carrier_name=data["carrier"].strip(),
                tracking_number=data["tracking_number"],
                carrier_tracking_url=data["carrier_tracking_url"],
                lines=lines,
            )
        except DjangoValidationError as exc:
            _raise_as_drf(exc)
        if data["estimated_delivery"]:
            services.shipment_apply_update(
                shipment_id=shipment.id,
                update=TrackingUpdate(
                    tracking_number=shipment.tracking_number,
                    carrier_code=shipment.carrier_code,
                    estimated_delivery=data["estimated_delivery"],
                ),
                source="api",
            )
        output = selectors.shipments_for_api(brand=brand).get(id=shipment.id)
        return Response(
            ShipmentOutputSerializer(output).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ShipmentDetailApi(APIView):
    @extend_schema(parameters=[SHIPMENT_ID], responses=ShipmentOutputSerializer)
    def get(self, request: Request, shipment_id: int) -> Response:
        shipment = selectors.shipments_for_api(brand=request_brand(request)).filter(id=shipment_id).first()
        if shipment is None:
            raise Http404
        return Response(ShipmentOutputSerializer(shipment).data)


class ShipmentEventsApi(APIView):
    @extend_schema(
        parameters=[SHIPMENT_ID],
        request=EventsInputSerializer,
        responses=ShipmentOutputSerializer,
        description="Append carrier events; events already received are ignored, order does not matter.",
    )
    def post(self, request: Request, shipment_id: int) -> Response:
        brand = request_brand(request)
        shipment = Shipment.objects.filter(brand=brand, id=shipment_id).first()
        if shipment is None:
            raise Http404
        serializer = EventsInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.shipment_apply_update(
            shipment_id=shipment.id,
            update=TrackingUpdate(
                tracking_number=shipment.tracking_number,
                carrier_code=shipment.carrier_code,
                estimated_delivery=data["estimated_delivery"],
                events=tuple(
                    CarrierEvent(
                        status=ShipmentStatus(event["status"]),
                        occurred_at=event["occurred_at"],
                        raw_status=event["raw_status"] or event["status"],
                        detail=event["detail"],
                        message=event["message"],
                        location=event["location"],
                    )
                    for event in data["events"]
                ),
            ),
            source="api",
        )
        return Response(
            ShipmentOutputSerializer(selectors.shipments_for_api(brand=brand).get(id=shipment.id)).data
        )
