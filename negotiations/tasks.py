"""Celery tasks of the negotiation record: thin wrappers that call its services."""

from celery import shared_task
from django.utils import timezone

from .services import agreements_enter_into_force


@shared_task(name="negotiations.enter_into_force", ignore_result=True)
def enter_into_force() -> int:
    """Run by beat with the reminder sweep: signed agreements enter into force on their scheduled date."""
    return agreements_enter_into_force(today=timezone.localdate())
