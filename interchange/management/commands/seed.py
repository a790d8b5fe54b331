import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from accounts.services import profile_for
from interchange.progress import RowCounter
from interchange.seed import SeedError, seed_record
from parties.models import State

DEMO_USERS = [
    # username, states acted for, superuser
    ("analyst", [], False),
    ("official-jp", ["JPN"], False),
    ("official-fr", ["FRA"], False),
    ("admin", [], True),
]


class Command(BaseCommand):
    help = "Load states, groupings, agreement types and the verified RAA record (safe to run again)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--demo-users",
            action="store_true",
            help="Also add the demo users analyst, official-jp, official-fr and admin (password 'demo'); DEBUG only.",
        )

    def handle(self, *args: object, demo_users: bool = False, **options: object) -> None:
        if demo_users and not settings.DEBUG:
            raise CommandError("--demo-users is for development only and is refused when DEBUG is false.")
        counter = RowCounter(self.stdout, interactive=sys.stdout.isatty())
        try:
            result = seed_record(
                report=lambda line: self.stdout.write(f"  {line}"), on_row=counter.count, on_sheet=counter.start
            )
        except SeedError as error:
            raise CommandError(f"The record was not seeded (nothing was stored): {error}") from None
        counter.done()
        self.stdout.write(self.style.SUCCESS(f"Seeded {result.name}: {result.summary()}"))
        if demo_users:
            self._add_demo_users()

    @transaction.atomic
    def _add_demo_users(self) -> None:
        User = get_user_model()
        for username, state_codes, is_admin in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"email": f"{username}@example.org", "is_staff": is_admin, "is_superuser": is_admin},
            )
            if created:
                user.set_password("demo")
                user.save()
            profile_for(user).states.add(*State.objects.filter(alpha3__in=state_codes))
            acting = f" (acts for {', '.join(state_codes)})" if state_codes else ""
            verb = "added" if created else "already present"
            self.stdout.write(f"  demo user {username}{acting}: {verb}")
        self.stdout.write(
            self.style.WARNING("Demo users analyst, official-jp, official-fr, admin have the password 'demo'.")
        )
