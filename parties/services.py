"""Writes for states and groupings: loading the ISO list and the known groupings."""

from collections.abc import Iterable

import pycountry
from django.db import transaction

from .models import Grouping, State


def states_load_from_iso() -> tuple[int, int]:
    """Create or update every ISO 3166-1 entry; returns (created, updated)."""
    existing = {state.alpha3: state for state in State.objects.all()}
    created = updated = 0
    with transaction.atomic():
        for country in pycountry.countries:
            name = getattr(country, "official_name", None) or country.name
            short_name = getattr(country, "common_name", None) or country.name
            state = existing.get(country.alpha_3)
            if state is None:
                State.objects.create(alpha2=country.alpha_2, alpha3=country.alpha_3, name=name, short_name=short_name)
                created += 1
            elif (state.alpha2, state.name, state.short_name) != (country.alpha_2, name, short_name):
                state.alpha2, state.name, state.short_name = country.alpha_2, name, short_name
                state.save()
                updated += 1
    return created, updated


def grouping_upsert(*, code: str, name: str, member_codes: Iterable[str]) -> tuple[Grouping, str]:
    """Make a grouping's members exactly `member_codes` (alpha-3); returns it and 'created', 'updated' or ''.
    Raises ValidationError for a code or name the model refuses."""
    codes = sorted(set(member_codes))
    members = list(State.objects.filter(alpha3__in=codes))
    missing = set(codes) - {state.alpha3 for state in members}
    if missing:
        raise ValueError(f"Unknown state codes for grouping {code}: {', '.join(sorted(missing))}")
    with transaction.atomic():
        stored = Grouping.objects.filter(code=code).first()
        created = stored is None
        grouping = stored or Grouping(code=code, name=name)
        changed = False
        if created or grouping.name != name:
            grouping.name = name
            grouping.full_clean()  # the code's form and the lengths, as the admin would check them
            grouping.save()
            changed = not created
        current = set(grouping.members.values_list("alpha3", flat=True))
        if current != set(codes):
            grouping.members.set(members)
            changed = True
    return grouping, "created" if created else ("updated" if changed else "")
