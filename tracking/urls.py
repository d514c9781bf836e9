from django.urls import path

from tracking import views

urlpatterns = [
    path("", views.lookup, name="tracking-lookup"),
    path("<str:token>/", views.page, name="tracking-page"),
]
