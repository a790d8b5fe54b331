from django.apps import AppConfig


class RecordCacheConfig(AppConfig):
    name = "record_cache"
    verbose_name = "Record cache"
