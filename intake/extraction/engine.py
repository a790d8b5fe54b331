"""From an article's text to the facts it reports: sentences, mentions, cues, then candidates.

Rule-based and per sentence, so that every candidate rests on one sentence the reviewer can read: a cue for a
lifecycle step (or a round, a party's step, a target) names what happened; the agreement type and the states in
the sentence, or else the article's topic (its title, the agreement it spoke of last), say to which agreement;
the nearest date in the sentence (or, for a step without one, in the next sentence) says when. A hedge, plan or
denial before the cue means the step did not happen: with a due date it may be a milestone, else nothing.
"""

import datetime
import functools
import re
from collections import Counter
from dataclasses import dataclass, field

import pysbd

from intake.extraction.dates import DateMention, find_dates
from intake.extraction.languages import language_data
from intake.extraction.states import CAPITAL, StateMention, find_states

STATUS_MILESTONES = {
    "signed": "signature",
    "in_force": "entry_into_force",
    "agreed_in_principle": "target_conclusion",
    "round": "round",  # "Die zweite Runde soll im Juni 2026 stattfinden"
}


@dataclass
class Finding:
    """A fact the article reports, before it is matched with the record."""

    parties: tuple[str, ...]
    type: str | None
    kind: str
    status: str = ""
    step: str = ""
    party: str | None = None
    number: int | None = None
    milestone_kind: str = ""
    effective_on: datetime.date | None = None
    precision: str = ""
    evidence: str = ""
    evidence_start: int = 0
    evidence_end: int = 0
    cues: list[str] = field(default_factory=list)
    confidence: float = 0.5

    def key(self) -> tuple:
        return (
            self.parties,
            self.type,
            self.kind,
            self.status,
            self.step,
            self.party,
            self.number,
            self.milestone_kind,
        )


@dataclass
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int
    states: list[StateMention]
    dates: list[DateMention]
    types: list[tuple[int, int, str]]


@dataclass
class Cue:
    start: int
    end: int
    kind: str  # status, participation, round, milestone
    value: str
    number: int | None = None
    region: tuple[int, int] = (0, 0)  # from the cue before to the cue after: where this cue's states are


@functools.cache
def _compiled(language: str) -> dict:
    data = language_data(language)
    flags = re.IGNORECASE
    return {
        "types": [(re.compile(pattern, flags if language != "en" else 0), code) for pattern, code in data.TYPES],
        "anaphors": re.compile(data.ANAPHORS, flags),
        "status": [(re.compile(pattern, flags), value) for pattern, value in data.STATUS_CUES],
        "steps": [(re.compile(pattern, flags), value) for pattern, value in data.STEP_CUES],
        "round": re.compile(data.ROUND_CUE, flags),
        "milestones": [(re.compile(pattern, flags), value) for pattern, value in data.MILESTONE_CUES],
        "hedges_before": re.compile(data.HEDGES_BEFORE, flags),
        "hedges_after": re.compile(data.HEDGES_AFTER, flags),
        "past": re.compile(data.PAST_MENTION, flags),
        "other_agreement": re.compile(data.OTHER_AGREEMENT, flags),
        "same_kind": re.compile(data.SAME_KIND, flags),
        "talks_about": re.compile(data.TALKS_ABOUT, flags),
        "with_after": re.compile(data.WITH_AFTER) if hasattr(data, "WITH_AFTER") else None,
        "continues": re.compile(data.CONTINUES) if hasattr(data, "CONTINUES") else None,
        "negation": re.compile(data.NEGATION, flags),
        "attribution": re.compile(data.ATTRIBUTION, flags) if hasattr(data, "ATTRIBUTION") else None,
        "attribution_after": re.compile(data.ATTRIBUTION_AFTER) if hasattr(data, "ATTRIBUTION_AFTER") else None,
        "done_after": re.compile(data.DONE_AFTER) if hasattr(data, "DONE_AFTER") else None,
        "locative": re.compile(data.LOCATIVE_BEFORE, flags),
        "bodies": [(re.compile(pattern), code) for pattern, code in data.BODIES.items()],
        "clause_breaks": re.compile(data.CLAUSE_BREAKS),
        "with": re.compile(data.WITH + r"\W+(?:\w+\W+){0,2}$", flags),
    }


@functools.cache
def _segmenter(language: str) -> pysbd.Segmenter:
    return pysbd.Segmenter(language=language, clean=False, char_span=True)


def split_sentences(text: str, language: str) -> list[tuple[int, int, int]]:
    """(start, end, paragraph) of each sentence: paragraphs end at a blank line (in Japanese, at any line)."""
    breaks = r"\n" if language == "ja" else r"\n\s*\n"
    spans = []
    position = 0
    for number, paragraph in enumerate(re.split(f"({breaks})", text)):
        if number % 2:
            position += len(paragraph)
            continue
        joined = paragraph.replace("\n", " ")  # hard-wrapped lines: the same length, so offsets hold
        if joined.strip():
            for span in _segmenter(language).segment(joined):
                stripped = span.sent.strip()
                if stripped:
                    start = position + span.start + (len(span.sent) - len(span.sent.lstrip()))
                    spans.append((start, start + len(stripped), number // 2))
        position += len(paragraph)
    return spans


def _types(text: str, language: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for pattern, code in _compiled(language)["types"]:
        for match in pattern.finditer(text):
            if not any(match.start() < end and start < match.end() for start, end, _ in found):
                found.append((match.start(), match.end(), code))
    return sorted(found)


def _cues(sentence: Sentence, language: str) -> list[Cue]:
    compiled = _compiled(language)
    data = language_data(language)
    found: list[Cue] = []

    def free(start: int, end: int) -> bool:
        return not any(start < cue.end and cue.start < end for cue in found)

    for match in compiled["round"].finditer(sentence.text):
        number = match.groupdict().get("n")
        value = None
        if number:
            number = number.lower()
            value = data.ORDINALS.get(number) or int(re.sub(r"\D", "", number) or 0) or None
        found.append(Cue(match.start(), match.end(), "round", "round", value))
    for kind, table in (("status", compiled["status"]), ("participation", compiled["steps"])):
        for pattern, value in table:
            for match in pattern.finditer(sentence.text):
                if free(match.start(), match.end()):
                    found.append(Cue(match.start(), match.end(), kind, value))
    for pattern, value in compiled["milestones"]:
        for match in pattern.finditer(sentence.text):
            if free(match.start(), match.end()):
                found.append(Cue(match.start(), match.end(), "milestone", value))
    found.sort(key=lambda cue: cue.start)
    for index, cue in enumerate(found):
        start = found[index - 1].end if index else 0
        end = found[index + 1].start if index + 1 < len(found) else len(sentence.text)
        cue.region = (start, end)
    return found


class Article:
    """One article's reading: its sentences with their mentions, and the topic it is about."""

    def __init__(self, text: str, language: str, published: datetime.date, title: str = ""):
        self.original, self.language, self.published, self.title = text, language, published, title
        # Hard-wrapped lines read as one: a newline becomes a space, so every offset still holds.
        text = self.text = text if language == "ja" else text.replace("\n", " ")
        title = title.replace("\n", " ")
        states = find_states(text, language)
        dates = find_dates(text, language, published)
        self.sentences = []
        for start, end, paragraph in split_sentences(self.original, language):
            body = text[start:end]
            self.sentences.append(
                Sentence(
                    start,
                    end,
                    body,
                    paragraph,
                    [_shift(mention, -start) for mention in states if start <= mention.start < end],
                    [_shift(mention, -start) for mention in dates if start <= mention.start < end],
                    _types(body, language),
                )
            )
        self.topic_states = self._topic_states(states)
        counts = Counter(mention.code for mention in states)
        self.states = states
        self.main_state = max(self.topic_states, key=lambda code: counts[code], default=None)
        # What the article is about: the type its lede names (a headline shortens: "le statut des forces"),
        # else its title's, else the first one named.
        lede = self.sentences[0].types if self.sentences else []
        titled = _types(title, language)
        named = lede or titled or next((s.types for s in self.sentences if s.types), [])
        self.topic_type = named[0][2] if named else None

    def hub_before(self, position: int) -> str | None:
        """The topic state a pronoun at this place most likely stands for: the last one named before it."""
        earlier = [
            mention.code for mention in self.states if mention.end <= position and mention.code in self.topic_states
        ]
        return earlier[-1] if earlier else self.main_state

    def _topic_states(self, mentions: list[StateMention]) -> list[str]:
        """The two states the article is about: the title's, then the text's most named."""
        topic: list[str] = []
        for mention in self._parties(find_states(self.title, self.language), self.title):
            if mention not in topic:
                topic.append(mention)
        counts = Counter(mention.code for mention in mentions)
        for code, _ in counts.most_common():
            if len(topic) >= 2:
                break
            if code not in topic:
                topic.append(code)
        return topic[:2]

    def _parties(self, mentions: list[StateMention], text: str) -> list[str]:
        """The states a sentence names as actors, in order: a capital after 'in' or 'at' is a place."""
        locative = _compiled(self.language)["locative"]
        codes: list[str] = []
        for mention in mentions:
            if mention.strength == CAPITAL and self._is_place(mention, text, locative):
                continue
            if mention.code not in codes:
                codes.append(mention.code)
        return codes

    def _is_place(self, mention: StateMention, text: str, locative: re.Pattern[str]) -> bool:
        if self.language == "ja":
            return text[mention.end : mention.end + 1] in ("で", "に", "を", "の", "か")
        return bool(locative.search(text[max(0, mention.start - 12) : mention.start]))


def _shift(mention, offset: int):
    return type(mention)(**{**mention.__dict__, "start": mention.start + offset, "end": mention.end + offset})


def extract(text: str, language: str, published: datetime.date, title: str = "") -> list[Finding]:
    """The facts an article reports, each on the sentence that reports it."""
    article = Article(text, language, published, title)
    compiled = _compiled(language)
    findings: list[Finding] = []
    context_type = article.topic_type
    previous_date: DateMention | None = None
    previous_paragraph = paragraph = -1
    for index, sentence in enumerate(article.sentences):
        if sentence.paragraph != paragraph:
            # A new paragraph of a report returns to its subject, unless it names another agreement.
            context_type, paragraph = article.topic_type, sentence.paragraph
        cues = _cues(sentence, language)
        hedges = {id(cue): _hedged(sentence.text, cue, compiled, _clause(article, sentence, cue)[1]) for cue in cues}
        _bound_regions(sentence, [cue for cue in cues if not hedges[id(cue)]], cues)
        used_dates: set[int] = set()
        for cue in cues:
            clause = _clause(article, sentence, cue)
            finding_type = _nearest_type(sentence, cue, clause, language)
            low, high = max(clause[0], cue.region[0]), min(clause[1], cue.region[1])
            if compiled["same_kind"].search(sentence.text[low:high]) and not any(
                low <= t[0] < high for t in sentence.types
            ):
                finding_type = article.topic_type or finding_type  # "un accord de ce type avec l'Australie"
            if finding_type is None and compiled["same_kind"].search(sentence.text):
                finding_type = article.topic_type  # "agreements of this kind": the kind the article is about
            if finding_type is None and not compiled["other_agreement"].search(sentence.text):
                finding_type = context_type
            if finding_type is None:
                continue
            hedged = hedges[id(cue)]
            date = _nearest_date(sentence, cue, used_dates, clause, language)
            if hedged and cue.kind != "milestone":
                date = _future(date, published)
            if cue.kind == "milestone":
                # A target ("by the end of 2025") or a day set in the future; "next year" alone is too vague.
                if date is None or not (date.target or (date.on > published and date.precision == "day")):
                    continue
                findings += _make(article, sentence, cue, finding_type, date, "milestone", cue.value)
                used_dates.add(date.start)
                continue
            if hedged:
                if date is not None and cue.value in STATUS_MILESTONES and date.precision != "year":
                    findings += _make(
                        article, sentence, cue, finding_type, date, "milestone", STATUS_MILESTONES[cue.value]
                    )
                    used_dates.add(date.start)
                continue
            if date is not None and (date.target or date.on > published):
                # "Der Vertrag tritt am 17. Dezember in Kraft": a step set for a day to come is a milestone.
                if date.precision == "day" and not date.target and cue.value in STATUS_MILESTONES:
                    findings += _make(
                        article, sentence, cue, finding_type, date, "milestone", STATUS_MILESTONES[cue.value]
                    )
                    used_dates.add(date.start)
                continue
            if date is None and compiled["continues"] is not None and compiled["continues"].search(sentence.text):
                date = previous_date if previous_paragraph == sentence.paragraph else None
            if date is None and not compiled["past"].search(sentence.text):
                date = _next_sentence_date(article, index, language)
            if date is not None:
                used_dates.add(date.start)
                previous_date, previous_paragraph = date, sentence.paragraph
            findings += _make(article, sentence, cue, finding_type, date, cue.kind, cue.value)
        if sentence.types:
            context_type = sentence.types[-1][2]
    return _merge(findings)


def _bound_regions(sentence: Sentence, steps: list[Cue], cues: list[Cue]) -> None:
    """Each cue's region reaches from the step cue before it to the step cue after it: a hedged cue ("発効に必要な
    公文を交換していた") reports no step, so it parts no dates or states from the cues around it."""
    for cue in cues:
        before = [other.end for other in steps if other is not cue and other.end <= cue.start]
        after = [other.start for other in steps if other is not cue and other.start >= cue.end]
        cue.region = (max(before, default=0), min(after, default=len(sentence.text)))


def _attributed(text: str, date: DateMention, compiled: dict) -> bool:
    """A date that says when something was said ("the embassy said on Wednesday"), not when it happened."""
    before, after = compiled["attribution"], compiled["attribution_after"]
    if before is not None and before.search(text[max(0, date.start - 60) : date.start]):
        return True
    return after is not None and bool(after.search(text[date.end : date.end + 10]))


def _future(date: DateMention | None, published: datetime.date) -> DateMention | None:
    """For a step still to come, the date it is due: a target, or a day after publication (a yearless one
    moved on a year: "wird am 11. September in Kraft treten"); anything vaguer is no due date."""
    if date is None:
        return None
    # A month is due date enough when the text gives its year ("im Juni 2026"); "im August" alone is not.
    precise_enough = date.precision == "day" or (date.precision == "month" and not date.yearless)
    if date.yearless and not date.target and date.on <= published:
        date = date.next_year()
    if date.target or (date.on > published and precise_enough):
        return date
    return None


TALKS = {"talks_agreed", "negotiating", "round"}


def _nearest_type(sentence: Sentence, cue: Cue, clause: tuple[int, int], language: str) -> str | None:
    """The agreement type named nearest the cue, in its clause if the clause names one. Talks take a type named
    next to them ("talks on a reciprocal access agreement"); "the talks" alone are the article's."""
    types = [t for t in sentence.types if clause[0] <= t[0] < clause[1]] or sentence.types
    if cue.value in TALKS:
        about = _compiled(language)["talks_about"]
        types = [
            t
            for t in types
            if (t[0] < cue.end and cue.start - t[1] <= 30)  # named with the cue, or just before it
            or (0 <= t[0] - cue.end <= 90 and about.search(sentence.text[cue.end : t[0]]))
            or 0 <= t[0] - cue.end <= 25  # its object: "negotiating a visiting forces agreement"
        ]
    if not types:
        return None
    return min(types, key=lambda t: min(abs(t[0] - cue.end), abs(cue.start - t[1])))[2]


def _hedged(text: str, cue: Cue, compiled: dict, clause_end: int) -> bool:
    """A hedge, plan or denial in the cue's clause: before it (after the last comma), or just after it."""
    before = re.split(r"[,;:、]|—|–", text[max(0, cue.start - 100) : cue.start])[-1]
    if compiled["hedges_before"].search(before) or compiled["negation"].search(text[cue.start : cue.end]):
        return True
    after = text[cue.end : max(cue.end, clause_end)]
    if compiled["done_after"] is not None:
        # Japanese: the predicate at the clause's end governs every cue before it, unless one is done (署名した).
        return not compiled["done_after"].search(after) and bool(compiled["hedges_after"].search(after))
    return bool(compiled["hedges_after"].search(text[cue.end : max(cue.end, min(clause_end, cue.region[1]))]))


def _nearest_date(
    sentence: Sentence, cue: Cue, used: set[int], clause: tuple[int, int], language: str
) -> DateMention | None:
    """The date nearest the cue in its clause (after it rather than before, but where the verb comes last either
    way), each date used once."""
    low, high = max(clause[0], cue.region[0]), min(clause[1], cue.region[1])
    compiled = _compiled(language)
    free = [
        date
        for date in sentence.dates
        if date.start not in used and low <= date.start < high and not _attributed(sentence.text, date, compiled)
    ]
    if not free:
        return None
    after_weight = getattr(language_data(language), "DATE_AFTER_WEIGHT", 1.0)
    before_weight = 1.0 if after_weight > 1 else 1.5
    return min(
        free,
        key=lambda d: (d.start - cue.end) * after_weight if d.start >= cue.end else (cue.start - d.end) * before_weight,
    )


def _next_sentence_date(article: Article, index: int, language: str) -> DateMention | None:
    if index + 1 >= len(article.sentences):
        return None
    sentence, following = article.sentences[index], article.sentences[index + 1]
    if following.paragraph != sentence.paragraph or _cues(following, language) or following.types:
        return None
    dates = [date for date in following.dates if not date.target and date.on <= article.published]
    return dates[0] if len(dates) == 1 else None


def _clause(article: "Article", sentence: Sentence, cue: Cue) -> tuple[int, int]:
    """The span of the clause a cue stands in: between the sentence's clause breaks around it."""
    breaks = _compiled(article.language)["clause_breaks"]
    start, end = 0, len(sentence.text)
    for match in breaks.finditer(sentence.text):
        if match.end() <= cue.start:
            start = match.end()
        elif match.start() >= cue.end:
            end = min(end, match.start())
    return start, end


def _make(article, sentence, cue, finding_type, date, kind, value) -> list[Finding]:
    start, end = _clause(article, sentence, cue)
    region = (max(start, cue.region[0]), min(end, cue.region[1]))
    parties, mentions = [], []
    for low, high in (region, (start, end), (0, len(sentence.text))):
        mentions = [mention for mention in sentence.states if low <= mention.start < high]
        parties = article._parties(mentions, sentence.text)
        if parties:
            break
    topic = article.topic_states
    hub = article.hub_before(sentence.start)
    pairs: list[tuple[str, str]]
    compiled = _compiled(article.language)
    with_partner = bool(mentions) and bool(
        compiled["with"].search(sentence.text[max(0, mentions[0].start - 25) : mentions[0].start])
        or (compiled["with_after"] is not None and compiled["with_after"].search(sentence.text[mentions[-1].end :]))
    )
    if hub and not set(parties) & set(topic) and with_partner:
        # "It has already signed RAAs with Australia and Britain": the article's main state with each partner.
        pairs = [(hub, code) for code in parties if code != hub]
    elif len(parties) == 2:
        pairs = [(parties[0], parties[1])]
    elif len(parties) > 2:
        first = next((code for code in parties if code in topic), parties[0])
        pairs = [(first, code) for code in parties if code != first]
    elif len(parties) == 1 and len(topic) == 2:
        only = parties[0]
        pairs = [tuple(topic)] if only in topic else [(hub, only)]
    elif len(topic) == 2:
        pairs = [tuple(topic)]
    else:
        return []
    findings = []
    position = {mention.code: mention.start for mention in reversed(mentions)}
    for pair in pairs:
        codes = tuple(sorted(pair))
        pair_date = date
        if date is not None and len(pairs) > 1:
            # "with the United States, in 1998, then with Australia": a date inside a list of partners
            # belongs to those named before it.
            partner = position.get(pair[1])
            before = [p for p in pairs if position.get(p[1], -1) < date.start]
            if 0 < len(before) < len(pairs) and (partner is None or partner > date.start):
                pair_date = None
        base = Finding(
            parties=codes,
            type=finding_type,
            kind=kind,
            effective_on=pair_date.on if pair_date else None,
            precision=pair_date.precision if pair_date else "",
            evidence=article.original[sentence.start : sentence.end],
            evidence_start=sentence.start,
            evidence_end=sentence.end,
            cues=[sentence.text[cue.start : cue.end]] + ([pair_date.text] if pair_date else []),
            confidence=_confidence(sentence, parties, pair_date),
        )
        if kind == "status":
            base.status = value
        elif kind == "milestone":
            base.milestone_kind = value
        elif kind == "round":
            base.number = cue.number
        elif kind == "participation":
            base.step = value
            one_party = value.endswith(":one")
            base.step = value = value.removesuffix(":one")
            if value == "notes_exchanged" and not one_party:
                for code in codes:
                    findings.append(Finding(**{**base.__dict__, "party": code, "cues": list(base.cues)}))
                continue
            party = _acting_party(article, sentence, cue, codes)
            if party is None:
                continue
            base.party = party
        findings.append(base)
    return findings


def _acting_party(article: Article, sentence: Sentence, cue: Cue, codes: tuple[str, ...]) -> str | None:
    """The party whose own step a cue reports: its parliament's, else the state named nearest the cue."""
    for pattern, code in _compiled(article.language)["bodies"]:
        low, high = cue.region
        if code in codes and pattern.search(sentence.text[low:high]):
            return code
    start, end = _clause(article, sentence, cue)
    near = [mention for mention in sentence.states if mention.code in codes and start <= mention.start < end]
    near = near or [mention for mention in sentence.states if mention.code in codes]
    if not near:
        return None
    before = [mention for mention in near if mention.end <= cue.start]
    if before and article.language != "ja":
        return before[-1].code if len(before) == 1 else before[0].code
    return min(near, key=lambda m: min(abs(m.start - cue.start), abs(cue.end - m.end))).code


def _confidence(sentence: Sentence, parties: list[str], date: DateMention | None) -> float:
    score = 0.35
    score += 0.25 if sentence.types else 0.0
    score += 0.2 if len(parties) >= 2 else 0.1 if parties else 0.0
    score += 0.15 if date is not None else 0.0
    return round(min(score, 0.95), 2)


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding per fact and date: a fact found once with a date needs no undated duplicate."""
    dated = {finding.key() for finding in findings if finding.effective_on is not None}
    kept: list[Finding] = []
    seen: set[tuple] = set()
    for finding in findings:
        if finding.effective_on is None and finding.key() in dated:
            continue
        identity = (finding.key(), finding.effective_on)
        if identity in seen:
            continue
        seen.add(identity)
        kept.append(finding)
    return kept
