from django.core.management.base import BaseCommand, CommandParser

from notifications.sweep import run_digest, run_sweep


class Command(BaseCommand):
    help = "Run one reminder sweep now, with the workers' code (for cron users and tests)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the notices for the workers instead of sending them from this process.",
        )
        parser.add_argument("--digest", action="store_true", help="Also send the daily digests.")

    def handle(self, *args: object, enqueue: bool = False, digest: bool = False, **options: object) -> None:
        digests = run_digest() if digest else 0
        report = run_sweep(deliver_inline=not enqueue)
        self.stdout.write(
            f"entered into force: {report.entered_into_force}, new reminders: {report.reminders}, "
            f"reclaimed from dead workers: {report.reclaimed}, "
            f"{'queued' if enqueue else 'sent or retried'}: {report.queued}, digests: {digests}"
        )
