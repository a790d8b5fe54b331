"""A state's partner network: the state in the middle, every state it shares an agreement with on a circle."""

import math
from dataclasses import dataclass

from negotiations.choices import Status
from parties.models import State

NETWORK_SIZE = 400
NETWORK_RADIUS = 140


@dataclass(frozen=True)
class Partner:
    state: State
    agreements: list  # the agreements shared with the centre state
    x: float
    y: float

    @property
    def shared(self) -> int:
        return len(self.agreements)

    @property
    def in_force(self) -> int:
        return sum(1 for agreement in self.agreements if agreement.status == Status.IN_FORCE)

    @property
    def css(self) -> str:
        """The edge is solid when an agreement with this partner is in force, dashed while all are pending."""
        return "edge in-force" if self.in_force else "edge pending"

    @property
    def anchor(self) -> str:
        return "start" if self.x >= NETWORK_SIZE / 2 else "end"


@dataclass
class Network:
    centre: State
    partners: list[Partner]
    size: int = NETWORK_SIZE

    @property
    def middle(self) -> float:
        return self.size / 2


def network(state: State, agreements: list) -> Network:
    """`state` in the middle and every state it shares an agreement with around it (from agreements with
    their participations prefetched, so no query is made here); the edge is as wide as the number of agreements."""
    shared: dict[int, list] = {}
    partners: dict[int, State] = {}
    for agreement in agreements:
        for participation in agreement.participations.all():
            party = participation.state
            if party.pk != state.pk:
                partners[party.pk] = party
                shared.setdefault(party.pk, []).append(agreement)
    ordered = sorted(partners.values(), key=lambda partner: partner.short_name)
    middle = NETWORK_SIZE / 2
    placed = []
    for n, partner in enumerate(ordered):
        angle = 2 * math.pi * n / len(ordered) - math.pi / 2
        placed.append(
            Partner(
                partner,
                sorted(shared[partner.pk], key=lambda agreement: agreement.title),
                round(middle + NETWORK_RADIUS * math.cos(angle), 1),
                round(middle + NETWORK_RADIUS * math.sin(angle), 1),
            )
        )
    return Network(state, placed)
