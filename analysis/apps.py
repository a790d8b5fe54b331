from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "analysis"
    verbose_name = "Analysis"

    def ready(self) -> None:
        from negotiations import pages

        from . import sections

        pages.AGREEMENT_SECTIONS.extend(sections.AGREEMENT_SECTIONS)
        pages.STATE_SECTIONS.extend(sections.STATE_SECTIONS)
