"""The verified record of shared/docs/DOMAIN.md, as data, and the loader that writes it.

Only facts listed there are seeded; what it marks unknown stays empty. Every
status comes out of the event log (through services.agreement_transition),
and loading twice changes nothing: rows are matched by natural keys and
saved only when a value differs.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models, transaction

from parties.models import State
from parties.services import grouping_upsert, states_load_from_iso

from . import services
from .choices import ApprovalStatus, DatePrecision, MilestoneKind, MilestoneStatus, Status
from .models import Agreement, AgreementType, Milestone, NegotiationRound, Participation, Source

D = datetime.date

AGREEMENT_TYPES = [
    (
        "RAA",
        "Reciprocal Access Agreement",
        "Eases the entry of one party's forces into the other's territory for training and operations.",
    ),
    (
        "SOFA",
        "Status of Forces Agreement",
        "Sets the legal status of one party's forces stationed in the other's territory.",
    ),
    (
        "ACSA",
        "Acquisition and Cross-Servicing Agreement",
        "Lets the parties' forces supply each other with goods and services.",
    ),
    (
        "ISA",
        "Information Security Agreement",
        "Protects classified information that the parties exchange (also called GSOMIA).",
    ),
    ("FTA", "Free Trade Agreement", "Removes barriers to trade between the parties."),
    ("EPA", "Economic Partnership Agreement", "Trade, investment and economic cooperation between the parties."),
    (
        "DEA",
        "Defence Equipment and Technology Transfer Agreement",
        "Governs the transfer of defence equipment and technology.",
    ),
]

# Members as of 2025 (ASEAN admitted Timor-Leste on 26 October 2025). The EU is listed as a grouping of states.
GROUPINGS = [
    ("g7", "Group of Seven (G7)", ["CAN", "FRA", "DEU", "ITA", "JPN", "GBR", "USA"]),
    ("quad", "Quadrilateral Security Dialogue (Quad)", ["AUS", "IND", "JPN", "USA"]),
    ("aukus", "AUKUS", ["AUS", "GBR", "USA"]),
    (
        "eu",
        "European Union",
        "AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT ROU SVK SVN "
        "ESP SWE".split(),
    ),
    (
        "nato",
        "North Atlantic Treaty Organization (NATO)",
        "ALB BEL BGR CAN HRV CZE DNK EST FIN FRA DEU GRC HUN ISL ITA LVA LTU LUX MNE NLD MKD NOR POL PRT ROU SVK SVN "
        "ESP SWE TUR GBR USA".split(),
    ),
    ("asean", "Association of Southeast Asian Nations (ASEAN)", "BRN KHM IDN LAO MYS MMR PHL SGP THA TLS VNM".split()),
]


@dataclass(frozen=True)
class SourceFact:
    key: str
    title: str
    publisher: str
    url: str = ""
    published_on: datetime.date | None = None
    language: str = "en"


SOURCES = [
    SourceFact("diplomat-2019", "Reporting on the Japan–Australia RAA negotiations (April 2019)", "The Diplomat"),
    SourceFact("pm-au-2020", "Media release: Reciprocal Access Agreement", "Prime Minister of Australia"),
    SourceFact(
        "mofa-au-signing",
        "Signing of the Japan–Australia Reciprocal Access Agreement",
        "Ministry of Foreign Affairs of Japan",
        "https://www.mofa.go.jp/a_o/ocn/au/page4e_001195.html",
    ),
    SourceFact(
        "jsct-report",
        "Joint Standing Committee on Treaties report on the Japan–Australia Reciprocal Access Agreement",
        "Parliament of Australia",
    ),
    SourceFact(
        "mofa-au-eif",
        "Press release: entry into force of the Japan–Australia Reciprocal Access Agreement",
        "Ministry of Foreign Affairs of Japan",
        "https://www.mofa.go.jp/press/release/press1e_000453.html",
    ),
    SourceFact(
        "mofa-uk-launch",
        "Press release: launch of formal negotiations on the Japan–UK Reciprocal Access Agreement",
        "Ministry of Foreign Affairs of Japan",
        "https://www.mofa.go.jp/press/release/press4e_003044.html",
    ),
    SourceFact(
        "uk-pm-2022",
        "Readout of the Johnson–Kishida meeting in London, 5 May 2022",
        "Prime Minister's Office, United Kingdom",
        published_on=D(2022, 5, 5),
    ),
    SourceFact(
        "mofa-uk-eif",
        "Press release: entry into force of the Japan–UK Reciprocal Access Agreement",
        "Ministry of Foreign Affairs of Japan",
        "https://www.mofa.go.jp/press/release/press4e_003298.html",
    ),
    SourceFact(
        "pna-2023",
        "Leaders agree to start negotiations on a Japan–Philippines Reciprocal Access Agreement",
        "Philippine News Agency",
        "https://www.pna.gov.ph/articles/1213011",
    ),
    SourceFact(
        "mofa-ph-signing",
        "Signing of the Japan–Philippines Reciprocal Access Agreement",
        "Ministry of Foreign Affairs of Japan",
        "https://www.mofa.go.jp/s_sa/sea2/ph/pageite_000001_00432.html",
    ),
    SourceFact("bw-approval", "Reporting on the Senate's and the Diet's approval of the RAA", "BusinessWorld"),
    SourceFact(
        "bw-notes", "Philippines and Japan exchange notes on the RAA", "BusinessWorld", published_on=D(2025, 8, 12)
    ),
    SourceFact("mb-eif", "Philippines–Japan RAA enters into force", "Manila Bulletin", published_on=D(2025, 9, 10)),
    SourceFact(
        "kantei-2024",
        "Japan–France Summit Working Lunch",
        "Prime Minister's Office of Japan",
        "https://japan.kantei.go.jp/101_kishida/diplomatic/202405/02luncheon.html",
        published_on=D(2024, 5, 2),
    ),
    SourceFact(
        "seed-article",
        "News report of 2 May 2024: France and Japan agree to open formal RAA talks "
        "(the article that started this project; shared/docs/000_90ac1f9ae7119c16.txt)",
        "German-language news report (publisher not recorded)",
        published_on=D(2024, 5, 2),
        language="de",
    ),
    SourceFact(
        "japantimes-2024",
        "French ambassador: Japan and France aim to conclude the RAA by the end of the year",
        "The Japan Times",
        published_on=D(2024, 9, 18),
    ),
    SourceFact("nippon-2024", "Japan and Italy agree to start negotiations on an ACSA", "nippon.com"),
]


@dataclass(frozen=True)
class EventFact:
    status: Status
    on: datetime.date
    source: str | None = None
    place: str = ""
    note: str = ""
    precision: DatePrecision = DatePrecision.DAY


@dataclass(frozen=True)
class RoundFact:
    number: int
    starts_on: datetime.date
    ends_on: datetime.date | None = None
    place: str = ""
    host: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class MilestoneFact:
    title: str
    kind: MilestoneKind
    due_on: datetime.date
    done: bool
    source: str | None = None
    note: str = ""
    responsible_party: str | None = None


@dataclass(frozen=True)
class PartyFact:
    state: str
    signed_on: datetime.date | None = None
    approval_status: ApprovalStatus = ApprovalStatus.PENDING
    approval_body: str = ""
    approval_submitted_on: datetime.date | None = None
    approval_decided_on: datetime.date | None = None
    approval_decided_precision: DatePrecision = DatePrecision.DAY
    entry_into_force_on: datetime.date | None = None
    note: str = ""
    source: str | None = None


@dataclass(frozen=True)
class AgreementFact:
    slug: str
    title: str
    type: str
    summary: str
    parties: list[PartyFact]
    events: list[EventFact]
    rounds: list[RoundFact] = field(default_factory=list)
    milestones: list[MilestoneFact] = field(default_factory=list)
    entry_into_force_scheduled_on: datetime.date | None = None


RECORD = [
    AgreementFact(
        slug="japan-australia-raa",
        title="Japan–Australia Reciprocal Access Agreement",
        type="RAA",
        summary="Japan's first Reciprocal Access Agreement.",
        parties=[
            PartyFact("JPN", signed_on=D(2022, 1, 6), entry_into_force_on=D(2023, 8, 13), source="mofa-au-eif"),
            PartyFact(
                "AUS",
                signed_on=D(2022, 1, 6),
                approval_status=ApprovalStatus.SUBMITTED,
                approval_body="Parliament of Australia",
                approval_submitted_on=D(2022, 2, 14),
                entry_into_force_on=D(2023, 8, 13),
                note="Tabled in Parliament on 14 February 2022; treaties committee hearing on 5 September 2022.",
                source="jsct-report",
            ),
        ],
        events=[
            EventFact(
                Status.NEGOTIATING,
                D(2014, 7, 1),
                "diplomat-2019",
                note="Negotiations begun in July 2014 (Abe–Abbott); exact day unknown.",
                precision=DatePrecision.MONTH,
            ),
            EventFact(Status.AGREED_IN_PRINCIPLE, D(2020, 11, 17), "pm-au-2020", "Tokyo", "Suga–Morrison."),
            EventFact(Status.SIGNED, D(2022, 1, 6), "mofa-au-signing", "by video conference", "Kishida–Morrison."),
            EventFact(Status.IN_FORCE, D(2023, 8, 13), "mofa-au-eif", note="Five days after the exchange of notes."),
        ],
        milestones=[
            MilestoneFact(
                "Treaty tabled in the Parliament of Australia",
                MilestoneKind.PARLIAMENTARY,
                D(2022, 2, 14),
                True,
                "jsct-report",
                responsible_party="AUS",
            ),
            MilestoneFact(
                "Hearing of the Joint Standing Committee on Treaties",
                MilestoneKind.PARLIAMENTARY,
                D(2022, 9, 5),
                True,
                "jsct-report",
                responsible_party="AUS",
            ),
            MilestoneFact(
                "Exchange of diplomatic notes", MilestoneKind.EXCHANGE_OF_NOTES, D(2023, 8, 8), True, "mofa-au-eif"
            ),
        ],
        entry_into_force_scheduled_on=D(2023, 8, 13),
    ),
    AgreementFact(
        slug="japan-uk-raa",
        title="Japan–United Kingdom Reciprocal Access Agreement",
        type="RAA",
        summary="Reciprocal Access Agreement between Japan and the United Kingdom.",
        parties=[
            PartyFact("JPN", signed_on=D(2023, 1, 11), entry_into_force_on=D(2023, 10, 15), source="mofa-uk-eif"),
            PartyFact("GBR", signed_on=D(2023, 1, 11), entry_into_force_on=D(2023, 10, 15), source="mofa-uk-eif"),
        ],
        events=[
            EventFact(Status.NEGOTIATING, D(2021, 9, 28), "mofa-uk-launch", note="Formal negotiations launched."),
            EventFact(
                Status.AGREED_IN_PRINCIPLE,
                D(2022, 5, 5),
                "uk-pm-2022",
                "London",
                "Kishida–Johnson; announced on 4 May.",
            ),
            EventFact(Status.SIGNED, D(2023, 1, 11), None, "London", "Kishida–Sunak."),
            EventFact(Status.IN_FORCE, D(2023, 10, 15), "mofa-uk-eif", note="30 days after the exchange of notes."),
        ],
        rounds=[RoundFact(1, D(2021, 10, 7), source="mofa-uk-launch")],
        milestones=[
            MilestoneFact(
                "Exchange of diplomatic notes", MilestoneKind.EXCHANGE_OF_NOTES, D(2023, 9, 15), True, "mofa-uk-eif"
            ),
        ],
        entry_into_force_scheduled_on=D(2023, 10, 15),
    ),
    AgreementFact(
        slug="japan-philippines-raa",
        title="Japan–Philippines Reciprocal Access Agreement",
        type="RAA",
        summary="Reciprocal Access Agreement between Japan and the Philippines.",
        parties=[
            PartyFact(
                "JPN",
                signed_on=D(2024, 7, 8),
                approval_status=ApprovalStatus.APPROVED,
                approval_body="Diet",
                approval_decided_on=D(2025, 6, 1),
                approval_decided_precision=DatePrecision.MONTH,
                entry_into_force_on=D(2025, 9, 11),
                note="Approved by the Diet in early June 2025; exact day unknown.",
                source="bw-approval",
            ),
            PartyFact(
                "PHL",
                signed_on=D(2024, 7, 8),
                approval_status=ApprovalStatus.APPROVED,
                approval_body="Senate",
                approval_decided_on=D(2024, 12, 1),
                approval_decided_precision=DatePrecision.MONTH,
                entry_into_force_on=D(2025, 9, 11),
                note="Senate concurrence in December 2024; exact day unknown.",
                source="bw-approval",
            ),
        ],
        events=[
            EventFact(
                Status.PROPOSED,
                D(2022, 4, 1),
                None,
                note="Commitment at the first Japan–Philippines 2+2 meeting, April 2022; exact day unknown.",
                precision=DatePrecision.MONTH,
            ),
            EventFact(Status.TALKS_AGREED, D(2023, 11, 3), "pna-2023", "Manila", "Kishida–Marcos."),
            EventFact(Status.NEGOTIATING, D(2023, 11, 29), None, "Tokyo", "First negotiation round."),
            EventFact(
                Status.SIGNED,
                D(2024, 7, 8),
                "mofa-ph-signing",
                "Malacañang, Manila",
                "Foreign Minister Kamikawa, Defence Minister Kihara, Defence Secretary Teodoro.",
            ),
            EventFact(Status.IN_FORCE, D(2025, 9, 11), "mb-eif", note="30 days after the exchange of notes."),
        ],
        rounds=[RoundFact(1, D(2023, 11, 29), D(2023, 11, 30), "Tokyo", "JPN")],
        milestones=[
            MilestoneFact("Line-by-line reading of the text", MilestoneKind.TEXT_REVIEW, D(2024, 6, 11), True),
            MilestoneFact(
                "Exchange of diplomatic notes", MilestoneKind.EXCHANGE_OF_NOTES, D(2025, 8, 12), True, "bw-notes"
            ),
        ],
        entry_into_force_scheduled_on=D(2025, 9, 11),
    ),
    AgreementFact(
        slug="france-japan-raa",
        title="France–Japan Reciprocal Access Agreement",
        type="RAA",
        summary="Formal negotiations agreed by Kishida and Macron in Paris on 2 May 2024. A Japanese official "
        "expected about a year to conclude; Defence Minister Sébastien Lecornu had said Paris hoped for an RAA.",
        parties=[PartyFact("FRA"), PartyFact("JPN")],
        events=[
            EventFact(
                Status.TALKS_AGREED,
                D(2024, 5, 2),
                "kantei-2024",
                "Paris",
                "Leaders agree to start formal negotiations after a working lunch (Kishida–Macron).",
            ),
        ],
        milestones=[
            MilestoneFact(
                "Aim to conclude by end of 2024",
                MilestoneKind.TARGET_CONCLUSION,
                D(2024, 12, 31),
                False,
                "japantimes-2024",
                "The French ambassador said both sides aimed to conclude by the end of the year.",
            ),
        ],
    ),
    AgreementFact(
        slug="japan-us-sofa",
        title="Japan–United States Status of Forces Agreement",
        type="SOFA",
        summary="Status of US forces in Japan under the 1960 security treaty.",
        parties=[
            PartyFact("JPN", signed_on=D(1960, 1, 19), entry_into_force_on=D(1960, 6, 23)),
            PartyFact("USA", signed_on=D(1960, 1, 19), entry_into_force_on=D(1960, 6, 23)),
        ],
        events=[
            EventFact(Status.SIGNED, D(1960, 1, 19), None, "Washington", "Dates from secondary sources."),
            EventFact(Status.IN_FORCE, D(1960, 6, 23), None, note="Dates from secondary sources."),
        ],
    ),
    AgreementFact(
        slug="japan-italy-acsa",
        title="Japan–Italy Acquisition and Cross-Servicing Agreement",
        type="ACSA",
        summary="Japan and Italy agreed to start negotiations on an ACSA.",
        parties=[PartyFact("ITA"), PartyFact("JPN")],
        events=[EventFact(Status.TALKS_AGREED, D(2024, 6, 14), "nippon-2024")],
    ),
]


def _upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, str]:
    """Create or update one row, saving only when a value differs; returns the row and 'created', 'updated' or ''."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        obj = model(**{**values, **lookup})
        obj.full_clean()
        obj.save()
        return obj, "created"
    changed = {name: value for name, value in values.items() if getattr(obj, name) != value}
    if not changed:
        return obj, ""
    for name, value in changed.items():
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    return obj, "updated"


def load_record(report: Callable[[str], None] = lambda line: None) -> dict[str, dict[str, int]]:
    """Load states, groupings, agreement types and the verified record; returns counts per kind."""
    counts: dict[str, dict[str, int]] = {}

    def count(kind: str, outcome: str) -> None:
        bucket = counts.setdefault(kind, {"created": 0, "updated": 0, "unchanged": 0})
        bucket[outcome or "unchanged"] += 1

    created, updated = states_load_from_iso()
    total = State.objects.count()
    counts["states"] = {"created": created, "updated": updated, "unchanged": total - created - updated}
    report(f"states: {total} ISO 3166-1 entries ({created} created, {updated} updated)")

    with transaction.atomic():
        for code, name, members in GROUPINGS:
            _, outcome = grouping_upsert(code=code, name=name, member_codes=members)
            count("groupings", outcome)
        report(f"groupings: {len(GROUPINGS)}")
        types = {}
        for code, name, description in AGREEMENT_TYPES:
            types[code], outcome = _upsert(AgreementType, {"code": code}, {"name": name, "description": description})
            count("agreement types", outcome)
        report(f"agreement types: {len(AGREEMENT_TYPES)}")
        sources = {}
        for fact in SOURCES:
            lookup = {"url": fact.url} if fact.url else {"publisher": fact.publisher, "title": fact.title}
            values = {
                "title": fact.title,
                "publisher": fact.publisher,
                "published_on": fact.published_on,
                "language": fact.language,
            }
            sources[fact.key], outcome = _upsert(Source, lookup, values)
            count("sources", outcome)
        report(f"sources: {len(SOURCES)}")
        states = {s.alpha3: s for s in State.objects.all()}
        for number, fact in enumerate(RECORD, start=1):
            _load_agreement(fact, types, sources, states, count)
            report(f"agreement {number}/{len(RECORD)}: {fact.title}")
    return counts


def _load_agreement(
    fact: AgreementFact,
    types: dict[str, AgreementType],
    sources: dict[str, Source],
    states: dict[str, State],
    count: Callable[[str, str], None],
) -> None:
    agreement, outcome = _upsert(
        Agreement,
        {"slug": fact.slug},
        {
            "title": fact.title,
            "type": types[fact.type],
            "summary": fact.summary,
            "entry_into_force_scheduled_on": fact.entry_into_force_scheduled_on,
        },
    )
    count("agreements", outcome)
    for party in fact.parties:
        _, outcome = _upsert(
            Participation,
            {"agreement": agreement, "state": states[party.state]},
            {
                "signed_on": party.signed_on,
                "approval_status": party.approval_status,
                "approval_body": party.approval_body,
                "approval_submitted_on": party.approval_submitted_on,
                "approval_decided_on": party.approval_decided_on,
                "approval_decided_precision": party.approval_decided_precision,
                "entry_into_force_on": party.entry_into_force_on,
                "note": party.note,
                "source": sources.get(party.source),
            },
        )
        count("participations", outcome)
    recorded = set(agreement.events.values_list("status", "effective_on"))
    for event in fact.events:
        if (event.status, event.on) in recorded:
            count("status events", "")
            continue
        services.agreement_transition(
            actor=None,
            agreement=agreement,
            status=event.status,
            effective_on=event.on,
            date_precision=event.precision,
            place=event.place,
            note=event.note,
            source=sources.get(event.source),
        )
        count("status events", "created")
    for round_fact in fact.rounds:
        _, outcome = _upsert(
            NegotiationRound,
            {"agreement": agreement, "number": round_fact.number},
            {
                "starts_on": round_fact.starts_on,
                "ends_on": round_fact.ends_on,
                "place": round_fact.place,
                "host": states.get(round_fact.host),
                "source": sources.get(round_fact.source),
            },
        )
        count("rounds", outcome)
    for milestone in fact.milestones:
        _, outcome = _upsert(
            Milestone,
            {"agreement": agreement, "title": milestone.title},
            {
                "kind": milestone.kind,
                "due_on": milestone.due_on,
                "status": MilestoneStatus.DONE if milestone.done else MilestoneStatus.PLANNED,
                "completed_on": milestone.due_on if milestone.done else None,
                "note": milestone.note,
                "source": sources.get(milestone.source),
                "responsible_party": states.get(milestone.responsible_party),
            },
        )
        count("milestones", outcome)
