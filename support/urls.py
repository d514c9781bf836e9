from django.urls import path

from support import views

urlpatterns = [
    path("", views.home, name="support-home"),
    path("a/<int:article_id>/", views.article, name="support-article"),
    path("a/<int:article_id>/vote/", views.article_vote, name="support-article-vote"),
    path("ask/", views.ask, name="support-ask"),
    path("case/<str:token>/", views.case, name="support-case"),
    path("case/<str:token>/confirm/<str:code>/", views.case_confirm, name="support-case-confirm"),
]
