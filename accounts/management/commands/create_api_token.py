import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from accounts.models import TokenScope
from accounts.services import token_create


class Command(BaseCommand):
    help = "Create an API token for a user and print its key once (only a digest is stored)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--write", action="store_true", help="Allow writes (default: read only).")
        parser.add_argument("--expires-days", type=int, metavar="N", help="Expire after N days (default: never).")
        parser.add_argument("--name", default="", help="A label to recognise the token by.")

    def handle(
        self, *args: object, username: str, write: bool, expires_days: int | None, name: str, **options: object
    ) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        if expires_days is not None and expires_days < 1:
            raise CommandError("--expires-days must be at least 1.")
        token, key = token_create(
            user=user,
            scope=TokenScope.WRITE if write else TokenScope.READ,
            name=name or "created with create_api_token",
            expires_in=datetime.timedelta(days=expires_days) if expires_days else None,
        )
        expiry = f"expires {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "does not expire"
        self.stderr.write(f"Token for {username}, scope {token.scope}, {expiry}. Shown once; store it now:")
        self.stdout.write(key)
