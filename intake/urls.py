from django.urls import path

from . import views

urlpatterns = [
    path("intake/", views.inbox, name="intake-inbox"),
    path("intake/articles/new/", views.article_create, name="intake-article-create"),
    path("intake/articles/<int:pk>/", views.article_detail, name="intake-article"),
    path("intake/candidates/<int:pk>/", views.candidate_review, name="intake-candidate"),
    path("intake/candidates/<int:pk>/decide/", views.candidate_quick, name="intake-candidate-decide"),
]
