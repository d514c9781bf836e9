"""The console's own pages beside the model admins; each is wrapped in admin_view (login, staff, CSRF)."""

from django.contrib import admin
from django.urls import path

from console import views

urlpatterns = [
    path("", admin.site.admin_view(views.connections_index), name="console-connections-index"),
    path("<int:brand_id>/", admin.site.admin_view(views.connections_page), name="console-connections"),
    path(
        "<int:brand_id>/secrets/<str:provider>/generate/",
        admin.site.admin_view(views.secret_generate),
        name="console-secret-generate",
    ),
    path(
        "<int:brand_id>/secrets/<str:provider>/save/",
        admin.site.admin_view(views.secret_save),
        name="console-secret-save",
    ),
    path(
        "<int:brand_id>/secrets/<str:provider>/end-grace/",
        admin.site.admin_view(views.secret_end_grace),
        name="console-secret-end-grace",
    ),
    path(
        "<int:brand_id>/test/<str:provider>/",
        admin.site.admin_view(views.test_event_send),
        name="console-test-event",
    ),
    path("<int:brand_id>/keys/", admin.site.admin_view(views.api_key_create), name="console-api-key-create"),
    path(
        "<int:brand_id>/keys/<int:key_id>/revoke/",
        admin.site.admin_view(views.api_key_revoke),
        name="console-api-key-revoke",
    ),
]
