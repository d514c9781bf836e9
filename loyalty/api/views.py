"""`/api/v1/discount-codes/<code>/`: the store checks a code at checkout and consumes it with the order."""

from typing import Any

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from brands.authentication import request_brand
from common.api import ErrorSerializer, MoneyInputField
from common.api_schema import path_text
from loyalty import codes
from loyalty.models import CodePurpose, DiscountKind


class CodeConflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "code_unusable"


class DiscountCodeOutputSerializer(serializers.Serializer[Any]):
    code = serializers.CharField()
    purpose = serializers.ChoiceField(choices=CodePurpose.values)
    kind = serializers.ChoiceField(choices=DiscountKind.values)
    value = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField(help_text="Blank for percent-off codes.")
    status = serializers.ChoiceField(choices=["issued", "redeemed", "void", "expired"])
    usable = serializers.BooleanField()
    expires_at = serializers.DateTimeField(allow_null=True)
    redeemed_at = serializers.DateTimeField(allow_null=True)


class DiscountCodeRedeemInputSerializer(serializers.Serializer[Any]):
    order_id = serializers.CharField(
        max_length=64, required=False, allow_blank=True, default="", help_text="The store's order id."
    )
    order_total = MoneyInputField(required=False, allow_null=True, default=None)


CODE_PARAMETER = path_text("code", codes.MAX_CODE_LENGTH, "The discount code, in any case.")


def _code_or_404(raw: str) -> str:
    if not raw or len(raw) > codes.MAX_CODE_LENGTH or "\x00" in raw:
        raise NotFound("No such code.")
    return raw


class DiscountCodeDetailApi(APIView):
    @extend_schema(
        operation_id="discount_code_check",
        parameters=[CODE_PARAMETER],
        responses={200: DiscountCodeOutputSerializer},
        summary="What a code is worth and whether it can still be used",
    )
    def get(self, request: Request, code: str) -> Response:
        brand = request_brand(request)
        try:
            view = codes.discount_code_check(brand_id=brand.id, code=_code_or_404(code))
        except codes.CodeNotFound as exc:
            raise NotFound(str(exc)) from exc
        return Response(DiscountCodeOutputSerializer(view).data)


class DiscountCodeRedeemApi(APIView):
    @extend_schema(
        operation_id="discount_code_redeem",
        parameters=[CODE_PARAMETER],
        request=DiscountCodeRedeemInputSerializer,
        responses={
            200: DiscountCodeOutputSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="Used before, void or expired: `code` says which."
            ),
        },
        summary="Consume a code with an order; 409 when it was used before or has expired",
    )
    def post(self, request: Request, code: str) -> Response:
        brand = request_brand(request)
        text = _code_or_404(code)
        data = DiscountCodeRedeemInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            view = codes.discount_code_consume(
                brand_id=brand.id,
                code=text,
                order_ref=data.validated_data["order_id"],
                order_total=data.validated_data["order_total"],
            )
        except codes.CodeNotFound as exc:
            raise NotFound(str(exc)) from exc
        except codes.CodeUnusable as exc:
            raise CodeConflict(detail=str(exc), code=exc.reason) from exc
        return Response(DiscountCodeOutputSerializer(view).data)
