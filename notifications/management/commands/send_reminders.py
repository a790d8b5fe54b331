from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from negotiations.services import agreements_enter_into_force
from notifications.sweep import run_digest, run_sweep


class Command(BaseCommand):
    help = (
        "Run one reminder sweep now, with the workers' code (for cron users and tests): scheduled entries into "
        "force, then the notices of status changes and milestones."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the notices for the workers instead of sending them from this process.",
        )
        parser.add_argument("--digest", action="store_true", help="Also send the daily digests.")

    def handle(self, *args: object, enqueue: bool = False, digest: bool = False, **options: object) -> None:
        entered_into_force = agreements_enter_into_force(today=timezone.localdate())
        digests = run_digest() if digest else 0
        report = run_sweep(deliver_inline=not enqueue)
        self.stdout.write(
            f"entered into force: {entered_into_force}, status changes announced: {report.status_changes}, "
            f"new reminders: {report.reminders}, "
            f"reclaimed from dead workers: {report.reclaimed}, "
            f"{'queued' if enqueue else 'sent or retried'}: {report.queued}, digests: {digests}"
        )
