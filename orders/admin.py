from django.contrib import admin

from brands.admin_scope import BrandScopedAdmin, BrandScopedTabularInline
from orders.models import Customer, Order, OrderLine, Product


class OrderLineInline(BrandScopedTabularInline):
    model = OrderLine
    extra = 0
    fields = ("product", "title", "quantity", "unit_price")
    readonly_fields = ("product", "title", "quantity", "unit_price")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Order)
class OrderAdmin(BrandScopedAdmin):
    list_display = ("number", "brand", "customer", "placed_at", "total", "currency", "shipping_country")
    list_filter = ("brand", "currency", "shipping_country", "source")
    search_fields = ("number", "external_id", "customer__email", "customer__last_name")
    date_hierarchy = "placed_at"
    list_select_related = ("brand", "customer")
    raw_id_fields = ("customer",)
    inlines = (OrderLineInline,)
    readonly_fields = ("brand", "external_id", "tracking_token", "source", "created_at", "updated_at")


@admin.register(Customer)
class CustomerAdmin(BrandScopedAdmin):
    list_display = ("email", "first_name", "last_name", "brand", "phone", "locale", "sms_consent")
    list_filter = ("brand", "locale", "marketing_consent", "sms_consent")
    search_fields = ("email", "first_name", "last_name", "phone")
    list_select_related = ("brand",)


@admin.register(Product)
class ProductAdmin(BrandScopedAdmin):
    list_display = ("title", "sku", "brand", "category", "price", "currency", "returnable", "in_stock")
    list_filter = ("brand", "category", "returnable", "in_stock")
    search_fields = ("title", "sku")
    list_select_related = ("brand",)
