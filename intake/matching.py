"""Findings against the record as of the article's date: which agreement, and whether the record already has
the fact (corroborates), has it otherwise (contradicts) or lacks it (proposed).

Agreements are looked up by type and parties through the participations' index, one query per distinct
(type, parties) in an article, never by scanning the record, so the time per article does not grow with it.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from negotiations import selectors
from negotiations.choices import DatePrecision, MilestoneKind
from negotiations.models import Agreement, Milestone, NegotiationRound, Participation, StatusEvent

from .choices import CandidateKind, PartyStep, Relation
from .extraction.engine import Finding

PARTY_STEP_FIELDS = {
    PartyStep.SIGNATURE: "signed_on",
    PartyStep.APPROVAL: "approval_decided_on",
    PartyStep.ENTRY_INTO_FORCE: "entry_into_force_on",
}


@dataclass
class Match:
    """Where a finding stands against the record."""

    agreement: Agreement | None = None
    relation: str = Relation.PROPOSED
    event: StatusEvent | None = None
    round: NegotiationRound | None = None
    milestone: Milestone | None = None
    participation: Participation | None = None


def same_date(a: datetime.date, a_precision: str, b: datetime.date, b_precision: str) -> bool:
    """Two dates agree when they are the same as far as the vaguer of the two is known."""
    precisions = {a_precision or DatePrecision.DAY, b_precision or DatePrecision.DAY}
    if DatePrecision.YEAR in precisions:
        return a.year == b.year
    if DatePrecision.MONTH in precisions:
        return (a.year, a.month) == (b.year, b.month)
    return a == b


class Matcher:
    """Matches the findings of one article; the agreements it looked up are kept for the next finding."""

    def __init__(self, as_of: datetime.date) -> None:
        self.as_of = as_of
        self._agreements: dict[tuple[str, tuple[str, ...]], Agreement | None] = {}

    def agreement(self, type_code: str | None, parties: tuple[str, ...]) -> Agreement | None:
        """The agreement of this type between exactly these parties (the oldest, if the record has two)."""
        if type_code is None:
            return None
        key = (type_code, parties)
        if key not in self._agreements:
            query = Agreement.objects.filter(type__code=type_code)
            for code in parties:
                query = query.filter(participations__state__alpha3=code)
            # Among those with these parties, the one with no others (a trilateral is another agreement).
            wanted = set(parties)
            found = None
            for agreement in query.select_related("type").prefetch_related("participations__state").order_by("id"):
                if {p.state.alpha3 for p in agreement.participations.all()} == wanted:
                    found = agreement
                    break
            self._agreements[key] = found
        return self._agreements[key]

    def match(self, finding: Finding) -> Match:
        agreement = self.agreement(finding.type, finding.parties)
        if agreement is None:
            return Match()
        handler = {
            CandidateKind.STATUS: self._status,
            CandidateKind.ROUND: self._round,
            CandidateKind.MILESTONE: self._milestone,
            CandidateKind.PARTICIPATION: self._party_step,
        }[CandidateKind(finding.kind)]
        found = handler(agreement, finding)
        found.agreement = agreement
        return found

    def _compare(self, finding: Finding, date: datetime.date | None, precision: str) -> str:
        if date is None or finding.effective_on is None:
            return Relation.CORROBORATES
        if same_date(finding.effective_on, finding.precision, date, precision):
            return Relation.CORROBORATES
        return Relation.CONTRADICTS

    def _status(self, agreement: Agreement, finding: Finding) -> Match:
        events = selectors.counting_events().filter(
            agreement=agreement, status=finding.status, effective_on__lte=self.as_of
        )
        event = events.first()
        if event is None:
            return Match()
        relation = self._compare(finding, event.effective_on, event.date_precision)
        if relation == Relation.CONTRADICTS and finding.effective_on is not None:
            # The same status twice (suspended, then again): the one whose date agrees is the match.
            for other in events[1:]:
                if same_date(finding.effective_on, finding.precision, other.effective_on, other.date_precision):
                    return Match(relation=Relation.CORROBORATES, event=other)
        return Match(relation=relation, event=event)

    def _round(self, agreement: Agreement, finding: Finding) -> Match:
        rounds = agreement.rounds.filter(starts_on__lte=self.as_of)
        if finding.number is not None:
            found = rounds.filter(number=finding.number).first()
        elif finding.effective_on is not None:
            found = next(
                (
                    r
                    for r in rounds
                    if same_date(finding.effective_on, finding.precision, r.starts_on, r.starts_precision)
                ),
                None,
            )
        else:
            found = None
        if found is None:
            return Match()
        return Match(relation=self._compare(finding, found.starts_on, found.starts_precision), round=found)

    def _milestone(self, agreement: Agreement, finding: Finding) -> Match:
        found = agreement.milestones.filter(kind=finding.milestone_kind).order_by("-due_on").first()
        if found is None:
            return Match()
        return Match(relation=self._compare(finding, found.due_on, found.due_precision), milestone=found)

    def _party_step(self, agreement: Agreement, finding: Finding) -> Match:
        participation = agreement.participations.filter(state__alpha3=finding.party).first()
        if participation is None:
            return Match()
        if finding.step == PartyStep.NOTES_EXCHANGED:
            notes = agreement.milestones.filter(kind=MilestoneKind.EXCHANGE_OF_NOTES, completed_on__isnull=False)
            found = notes.filter(Q(responsible_party__alpha3=finding.party) | Q(responsible_party=None)).first()
            if found is None or found.completed_on is None or found.completed_on > self.as_of:
                return Match()
            return Match(relation=self._compare(finding, found.completed_on, found.due_precision), milestone=found)
        field = PARTY_STEP_FIELDS[PartyStep(finding.step)]
        date = getattr(participation, field)
        if date is None or date > self.as_of:
            return Match()
        precision = participation.approval_decided_precision if field == "approval_decided_on" else DatePrecision.DAY
        return Match(relation=self._compare(finding, date, precision), participation=participation)
