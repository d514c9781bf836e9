from django.urls import path

from returns import views

urlpatterns = [
    path("", views.lookup, name="returns-lookup"),
    path("o/<str:order_token>/", views.start, name="returns-start"),
    path("o/<str:order_token>/confirm/", views.confirm, name="returns-confirm"),
    path("r/<str:token>/", views.detail, name="returns-detail"),
    path("r/<str:token>/slip.pdf", views.slip_pdf, name="returns-slip"),
]
