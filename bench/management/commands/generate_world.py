import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench.world import PREFIX, SCALES, generate_world
from negotiations.models import Agreement


class Command(BaseCommand):
    help = "Generate a large synthetic world for benchmarks (reproducible from --seed; BENCH_SCALE=small|full)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--agreements", type=int, help="Number of agreements (default from BENCH_SCALE).")
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: object, agreements: int | None, seed: int, **options: object) -> None:
        scale = os.environ.get("BENCH_SCALE", "full")
        if agreements is None:
            if scale not in SCALES:
                raise CommandError(f"BENCH_SCALE must be one of {', '.join(SCALES)}, got {scale!r}.")
            agreements = SCALES[scale]
        if agreements < 1:
            raise CommandError("--agreements must be at least 1.")
        if Agreement.objects.filter(slug__startswith=PREFIX).exists():
            raise CommandError("A generated world is already loaded; use a fresh database.")
        result = generate_world(agreements=agreements, seed=seed, report=lambda line: self.stdout.write(f"  {line}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"World loaded in {result.seconds:.1f} s: {result.agreements:,} agreements, "
                f"{result.participations:,} participations, {result.events:,} status events, {result.rounds:,} rounds, "
                f"{result.milestones:,} milestones, {result.users:,} users, {result.watches:,} watches."
            )
        )
