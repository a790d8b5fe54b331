from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The benchmark harness, installed for its `generate_world` command; no app imports it."""

    name = "bench"
    verbose_name = "Benchmarks"
