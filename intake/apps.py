from django.apps import AppConfig


class IntakeConfig(AppConfig):
    """From the news to the record (issue #17): articles pasted, fetched or read from feeds become candidate
    facts, each with its evidence, which an official accepts, corrects or rejects. Nothing enters the record
    without a person."""

    name = "intake"
    verbose_name = "Intake of news articles"

    def ready(self) -> None:
        from negotiations import pages

        from . import (
            policy,  # noqa: F401 - registers the rule for reviewing candidates with accounts.policy
            sections,
        )

        pages.AGREEMENT_SECTIONS.extend(sections.AGREEMENT_SECTIONS)
