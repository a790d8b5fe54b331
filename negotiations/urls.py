from django.urls import path

from . import views

urlpatterns = [
    path("", views.overview, name="overview"),
    path("agreements/", views.agreement_list, name="agreement-list"),
    path("agreements/<slug:slug>/", views.agreement_detail, name="agreement-detail"),
    path("agreements/<slug:slug>/status/", views.record_status, name="agreement-status"),
    path("agreements/<slug:slug>/confirm/", views.confirm_current, name="agreement-confirm"),
    path("agreements/<slug:slug>/rounds/new/", views.round_edit, name="round-create"),
    path("agreements/<slug:slug>/rounds/<int:pk>/", views.round_edit, name="round-edit"),
    path("agreements/<slug:slug>/milestones/new/", views.milestone_edit, name="milestone-create"),
    path("agreements/<slug:slug>/milestones/<int:pk>/", views.milestone_edit, name="milestone-edit"),
    path("agreements/<slug:slug>/milestones/<int:pk>/done/", views.milestone_done, name="milestone-done"),
    path("sources/new/", views.source_create, name="source-create"),
    path("changes/", views.change_list, name="change-list"),
    path("agreements/<slug:slug>/report/", views.report_create, name="report-create"),
    path("agreements/<slug:slug>/cite/", views.citation_create, name="citation-create"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/<int:pk>/resolve/", views.report_resolve, name="report-resolve"),
    path("reports/<int:pk>/correct/", views.report_correct, name="report-correct"),
    path("states/<str:alpha3>/", views.state_detail, name="state-detail"),
    path("upcoming/", views.upcoming, name="upcoming"),
    path("search/", views.search, name="search"),
]
