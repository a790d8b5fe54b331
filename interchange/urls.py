from django.urls import path

from . import views

urlpatterns = [path("import/", views.import_records_page, name="import-records")]
