"""Feedback pages under /<brand>/: the tracking-page forms and the NPS page."""

from django.urls import path

from feedback import page, views

urlpatterns = [
    path("track/<str:token>/feedback/", page.rate_delivery, name="feedback-rate"),
    path("track/<str:token>/problem/", page.report_problem, name="feedback-problem"),
    path("feedback/nps/<str:token>/", views.nps, name="feedback-nps"),
]
