"""`/api/v1/orders/`: idempotent create-or-update, list with filters, retrieve."""

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from brands.authentication import request_brand
from common.api import MAX_AMOUNT, BoundedPagination, MoneyInputField
from common.api_schema import path_id
from common.locales import COUNTRIES, CURRENCIES, SHOPPER_LOCALES
from common.phones import normalize_phone
from common.urls import tracking_url
from orders import selectors, services
from orders.models import Order


class CustomerInputSerializer(serializers.Serializer[Any]):
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    email = serializers.EmailField(max_length=254)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    first_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    locale = serializers.ChoiceField(choices=SHOPPER_LOCALES, required=False, allow_blank=True, default="")
    birthday = serializers.DateField(required=False, allow_null=True, default=None)
    marketing_consent = serializers.BooleanField(required=False, allow_null=True, default=None)
    sms_consent = serializers.BooleanField(required=False, allow_null=True, default=None)


class AddressInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    line1 = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    line2 = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    city = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    region = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    country = serializers.ChoiceField(
        choices=sorted(COUNTRIES),
        required=False,
        allow_blank=True,
        default="",
        help_text="ISO 3166-1 alpha-2 code.",
        error_messages={"invalid_choice": _("Unknown country code “{input}”.")},
    )


class LineInputSerializer(serializers.Serializer[Any]):
    external_id = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    sku = serializers.CharField(max_length=64)
    title = serializers.CharField(max_length=255)
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    unit_price = MoneyInputField()
    category = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    image_url = serializers.URLField(max_length=500, required=False, allow_blank=True, default="")
    returnable = serializers.BooleanField(required=False, allow_null=True, default=None)


class OrderInputSerializer(serializers.Serializer[Any]):
    external_id = serializers.CharField(max_length=64)
    number = serializers.CharField(max_length=64)
    placed_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    updated_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text="When the store last changed the order; an update not newer than the one held is not applied.",
    )
    currency = serializers.ChoiceField(
        choices=sorted(CURRENCIES),
        help_text="ISO 4217 code.",
        error_messages={"invalid_choice": _("Unknown currency code “{input}”.")},
    )
    locale = serializers.ChoiceField(choices=SHOPPER_LOCALES, required=False, allow_blank=True, default="")
    customer = CustomerInputSerializer()
    shipping_address = AddressInputSerializer(required=False)
    lines = serializers.ListField(child=LineInputSerializer(), allow_empty=False, max_length=500)
    subtotal = MoneyInputField(required=False, allow_null=True, default=None)
    shipping_total = MoneyInputField(required=False, default=Decimal("0.00"))
    tax_total = MoneyInputField(required=False, default=Decimal("0.00"))
    discount_total = MoneyInputField(required=False, default=Decimal("0.00"))
    total = MoneyInputField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        customer = attrs["customer"]
        country = (attrs.get("shipping_address") or {}).get("country") or None
        if customer.get("phone"):
            try:
                customer["phone"] = normalize_phone(customer["phone"], region=country)
            except DjangoValidationError as exc:
                raise serializers.ValidationError({"customer": {"phone": exc.messages}}) from exc
        self._check_sums_fit(attrs)
        return attrs

    @staticmethod
    def _check_sums_fit(attrs: dict[str, Any]) -> None:
        """Sums worked out from the lines must fit the columns they are stored in, like given amounts."""
        subtotal = attrs["subtotal"]
        if subtotal is None:
            subtotal = sum((line["unit_price"] * line["quantity"] for line in attrs["lines"]), Decimal(0))
            if subtotal > MAX_AMOUNT:
                raise serializers.ValidationError(
                    {"lines": [_("The lines add up to more than %s.") % MAX_AMOUNT]}
                )
        if attrs["total"] is None:
            total = subtotal + attrs["shipping_total"] + attrs["tax_total"] - attrs["discount_total"]
            if abs(total) > MAX_AMOUNT:
                raise serializers.ValidationError(
                    {"total": [_("The order adds up to more than %s.") % MAX_AMOUNT]}
                )

    def to_input(self) -> services.OrderInput:
        data = dict(self.validated_data)
        return services.OrderInput(
            external_id=data["external_id"],
            number=data["number"],
            placed_at=data["placed_at"],
            cancelled_at=data["cancelled_at"],
            updated_at=data["updated_at"],
            currency=data["currency"],
            locale=data["locale"],
            customer=services.CustomerInput(**data["customer"]),
            shipping_address=services.AddressInput(**(data.get("shipping_address") or {})),
            lines=[services.LineInput(**line) for line in data["lines"]],
            subtotal=data["subtotal"],
            shipping_total=data["shipping_total"],
            tax_total=data["tax_total"],
            discount_total=data["discount_total"],
            total=data["total"],
        )


class CustomerOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    locale = serializers.CharField()
    marketing_consent = serializers.BooleanField()
    sms_consent = serializers.BooleanField()


class LineOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    sku = serializers.CharField(source="product.sku")
    title = serializers.CharField()
    category = serializers.CharField(source="product.category")
    quantity = serializers.IntegerField()
    unit_price = serializers.DecimalField(max_digits=12, decimal_places=2)


class OrderOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    external_id = serializers.CharField()
    number = serializers.CharField()
    placed_at = serializers.DateTimeField()
    cancelled_at = serializers.DateTimeField(allow_null=True)
    currency = serializers.CharField()
    subtotal = serializers.DecimalField(max_digits=12, decimal_places=2)
    shipping_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    tax_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    discount_total = serializers.DecimalField(max_digits=12, decimal_places=2)
    total = serializers.DecimalField(max_digits=12, decimal_places=2)
    locale = serializers.CharField()
    customer = CustomerOutputSerializer()
    shipping_address = serializers.SerializerMethodField()
    lines = LineOutputSerializer(many=True)
    tracking_url = serializers.SerializerMethodField()

    def get_shipping_address(self, order: Order) -> dict[str, str]:
        return {
            "name": order.shipping_name,
            "line1": order.shipping_line1,
            "line2": order.shipping_line2,
            "city": order.shipping_city,
            "region": order.shipping_region,
            "postal_code": order.shipping_postal_code,
            "country": order.shipping_country,
        }

    def get_tracking_url(self, order: Order) -> str:
        return tracking_url(brand_slug=order.brand.slug, token=order.tracking_token)


class OrderFilterSerializer(serializers.Serializer[Any]):
    number = serializers.CharField(
        required=False, allow_blank=True, max_length=64, default="", help_text="The order number, exactly."
    )
    email = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=254,
        default="",
        help_text="The customer's email, in any case.",
    )
    placed_after = serializers.DateTimeField(required=False, default=None, help_text="ISO 8601 date-time.")
    placed_before = serializers.DateTimeField(required=False, default=None, help_text="ISO 8601 date-time.")


class OrderListCreateApi(APIView):
    pagination_class = BoundedPagination
    keyset_field = "placed_at"

    @extend_schema(parameters=[OrderFilterSerializer], responses=OrderOutputSerializer(many=True))
    def get(self, request: Request) -> Response:
        filters = OrderFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        orders = selectors.order_list(brand=request_brand(request), **filters.validated_data)
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(orders, request, view=self)
        return paginator.get_paginated_response(OrderOutputSerializer(page, many=True).data)

    @extend_schema(
        request=OrderInputSerializer,
        responses={200: OrderOutputSerializer, 201: OrderOutputSerializer},
        description="Create the order, or update it if this brand already has one with this external_id.",
    )
    def post(self, request: Request) -> Response:
        brand = request_brand(request)
        serializer = OrderInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = services.order_upsert(brand=brand, data=serializer.to_input())
        order = selectors.order_get(brand=brand, order_id=result.order.id)
        return Response(
            OrderOutputSerializer(order).data,
            status=status.HTTP_201_CREATED if result.created else status.HTTP_200_OK,
        )


class OrderDetailApi(APIView):
    @extend_schema(
        parameters=[path_id("order_id", "The order's id in this API.")], responses=OrderOutputSerializer
    )
    def get(self, request: Request, order_id: int) -> Response:
        order = selectors.order_get(brand=request_brand(request), order_id=order_id)
        if order is None:
            raise Http404
        return Response(OrderOutputSerializer(order).data)
