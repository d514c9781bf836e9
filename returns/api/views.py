"""`/api/v1/returns/`: a store or warehouse system lists returns and drives them along the lifecycle."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from brands.authentication import request_brand
from common.api import BoundedJSONParser, BoundedPagination, ErrorSerializer, MoneyInputField
from common.api_schema import path_text
from returns import selectors, services
from returns.models import Return
from returns.representation import return_representation
from returns.statuses import ReturnStatus
from tracking.carriers.base import carrier_slug
from tracking.statuses import ShipmentStatus


class ReturnStatusInputSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(choices=ReturnStatus.values)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    amount = MoneyInputField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Only when resolving: the amount actually refunded or credited (defaults to the quoted amount).",
    )


class ReturnShipmentInputSerializer(serializers.Serializer[Any]):
    carrier = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    tracking_number = serializers.CharField(max_length=64)


class ReturnLineOutputSerializer(serializers.Serializer[Any]):
    order_line_id = serializers.IntegerField()
    order_line_external_id = serializers.CharField()
    sku = serializers.CharField()
    title = serializers.CharField()
    quantity = serializers.IntegerField()
    unit_price = serializers.CharField()
    exchange_for_sku = serializers.CharField(allow_null=True)


class ReturnOrderOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    number = serializers.CharField()
    external_id = serializers.CharField()


class ReturnReasonOutputSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    brand_fault = serializers.BooleanField()


class ReturnParcelOutputSerializer(serializers.Serializer[Any]):
    carrier_code = serializers.CharField()
    tracking_number = serializers.CharField()
    status = serializers.ChoiceField(choices=ShipmentStatus.values)


class ReturnOutputSerializer(serializers.Serializer[Any]):
    """The same shape as the webhooks' `data` (built by returns.representation)."""

    rma = serializers.CharField()
    status = serializers.ChoiceField(choices=ReturnStatus.values)
    resolution = serializers.CharField()
    order = ReturnOrderOutputSerializer()
    reason = ReturnReasonOutputSerializer()
    comment = serializers.CharField()
    keep_item = serializers.BooleanField()
    currency = serializers.CharField()
    items_value = serializers.CharField()
    shipping_fee = serializers.CharField()
    restocking_fee = serializers.CharField()
    bonus = serializers.CharField()
    amount = serializers.CharField()
    amount_issued = serializers.CharField(allow_null=True)
    lines = ReturnLineOutputSerializer(many=True)
    return_shipment = ReturnParcelOutputSerializer(allow_null=True)
    requested_at = serializers.DateTimeField()
    approved_at = serializers.DateTimeField(allow_null=True)
    received_at = serializers.DateTimeField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    portal_url = serializers.URLField()


class ReturnFilterSerializer(serializers.Serializer[Any]):
    status = serializers.ChoiceField(
        choices=ReturnStatus.values, required=False, allow_blank=True, default=""
    )


class Conflict(serializers.ValidationError):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The return cannot make this move now."
    default_code = "conflict"


CONFLICT = OpenApiResponse(ErrorSerializer, description="The lifecycle does not allow this move now.")


RMA_MAX_LENGTH = Return._meta.get_field("rma").max_length or 20
RMA_PARAMETER = path_text("rma", RMA_MAX_LENGTH, "The return's RMA number, e.g. R-7KQ2M9XA.")


def _get(request: Request, rma: str) -> Return:
    if len(rma) > RMA_MAX_LENGTH or "\x00" in rma:
        raise Http404  # no RMA looks like this, and Postgres refuses NUL in text
    ret = selectors.return_by_rma(brand=request_brand(request), rma=rma)
    if ret is None:
        raise Http404
    return ret


def _output(*returns: Return) -> list[dict[str, Any]]:
    """Through the output serializer, so the answer cannot drift from the schema."""
    return ReturnOutputSerializer([return_representation(ret) for ret in returns], many=True).data  # type: ignore[return-value]


def _actor(request: Request) -> services.Actor:
    return services.Actor(f"api:{request_brand(request).slug}")


class ReturnListApi(APIView):
    pagination_class = BoundedPagination
    keyset_field = "requested_at"

    @extend_schema(parameters=[ReturnFilterSerializer], responses=ReturnOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = ReturnFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        queryset = selectors.returns_for_api(
            brand=request_brand(request), status=filters.validated_data["status"]
        )
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, request, view=self) or []
        return paginator.get_paginated_response(_output(*page))


class ReturnDetailApi(APIView):
    @extend_schema(parameters=[RMA_PARAMETER], responses=ReturnOutputSerializer)
    def get(self, request: Request, rma: str) -> Response:
        return Response(_output(_get(request, rma))[0])


class ReturnStatusApi(APIView):
    parser_classes = (BoundedJSONParser,)

    @extend_schema(
        parameters=[RMA_PARAMETER],
        request=ReturnStatusInputSerializer,
        responses={200: ReturnOutputSerializer, 409: CONFLICT},
        description="Move the return to a status the lifecycle allows (see docs/returns.md); "
        "409 for a move it does not. Repeating the current status changes nothing.",
    )
    def post(self, request: Request, rma: str) -> Response:
        ret = _get(request, rma)
        serializer = ReturnStatusInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.return_transition(
                return_id=ret.id,
                to_status=data["status"],
                actor=_actor(request),
                note=data["note"],
                amount=data["amount"],
                brand_id=ret.brand_id,
            )
        except services.IllegalTransition as exc:
            raise Conflict({"status": [str(exc)]}) from exc
        return Response(_output(_get(request, rma))[0])


class ReturnShipmentApi(APIView):
    parser_classes = (BoundedJSONParser,)

    @extend_schema(
        parameters=[RMA_PARAMETER],
        request=ReturnShipmentInputSerializer,
        responses={200: ReturnOutputSerializer, 409: CONFLICT},
        description="Attach the parcel the items travel back in; its carrier scans then move the return.",
    )
    def post(self, request: Request, rma: str) -> Response:
        ret = _get(request, rma)
        serializer = ReturnShipmentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            services.return_shipment_attach(
                return_id=ret.id,
                tracking_number=data["tracking_number"],
                carrier_code=carrier_slug(data["carrier"]),
                brand_id=ret.brand_id,
            )
        except services.IllegalTransition as exc:
            raise Conflict({"status": [str(exc)]}) from exc
        except DjangoValidationError as exc:
            raise serializers.ValidationError(
                exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            ) from exc
        return Response(_output(_get(request, rma))[0])
