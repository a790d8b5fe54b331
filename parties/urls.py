from django.urls import path

from . import views

urlpatterns = [
    path("states/<str:alpha3>/", views.state_detail, name="state-detail"),
]
