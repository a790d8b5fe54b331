from django.urls import path

from . import feeds, views

urlpatterns = [
    path("watches/", views.watches, name="watches"),
    path("watches/<int:pk>/remove/", views.watch_remove, name="watch-remove"),
    path("watches/<int:pk>/news/", views.watch_news, name="watch-news"),
    path("agreements/<slug:slug>/watch/", views.watch_toggle, name="watch-toggle"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("calendar/reset/", views.calendar_reset, name="calendar-reset"),
    path("calendar/private/<str:secret>.ics", views.calendar_private, name="calendar-private"),
    path("calendar/agreements/<slug:slug>.ics", feeds.agreement_calendar, name="calendar-agreement"),
    path("calendar/states/<str:alpha3>.ics", feeds.state_calendar, name="calendar-state"),
    path("feeds/changes.atom", feeds.StatusChangesFeed(), name="feed-changes"),
    path("feeds/agreements/<slug:slug>.atom", feeds.StatusChangesFeed(), name="feed-agreement"),
    path("feeds/states/<str:alpha3>.atom", feeds.StatusChangesFeed(), name="feed-state"),
    path("feeds/record-changes.atom", feeds.RecordChangesFeed(), name="feed-record-changes"),
    path("feeds/agreements/<slug:slug>/changes.atom", feeds.RecordChangesFeed(), name="feed-agreement-changes"),
    path("feeds/states/<str:alpha3>/changes.atom", feeds.RecordChangesFeed(), name="feed-state-changes"),
]
