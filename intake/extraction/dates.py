"""Dates in a text, resolved against its publication date, each with the precision the text gives.

Month and weekday names come from CLDR (Babel) for each language; each language module lists the shapes its
dates take (`DATE_PATTERNS`, regular expressions with the placeholders {MONTH}, {WEEKDAY}). A date without its
year is the latest such date on or before publication ("on Thursday", "am 14. November", "8日"); a target
("by the end of 2025", "bis Ende März 2026", "年内") is the period's last day, the first on or after publication.
"""

import calendar
import datetime
import functools
import re
from dataclasses import dataclass

from babel import Locale

from intake.extraction.languages import language_data

DAY, MONTH, YEAR = "day", "month", "year"
FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class DateMention:
    start: int
    end: int
    on: datetime.date
    precision: str
    target: bool  # "by the end of ...": a due date, not a date something happened
    text: str
    yearless: bool = False  # the year was inferred from the publication date

    def next_year(self) -> "DateMention":
        """The same day or month a year on: a yearless date the text puts in the future."""
        try:
            moved = self.on.replace(year=self.on.year + 1)
        except ValueError:  # 29 February
            moved = self.on.replace(year=self.on.year + 1, day=28)
        return DateMention(self.start, self.end, moved, self.precision, self.target, self.text, False)


@functools.cache
def _names(language: str) -> tuple[dict[str, int], dict[str, int]]:
    """Month names to 1–12 and weekday names to 0–6 (Monday first), lower-cased."""
    locale = Locale.parse(language)
    months: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for width in ("wide", "abbreviated"):
            for number, name in locale.months[context][width].items():
                name = name.rstrip(".").lower()
                if len(name) >= 3 or language == "ja":
                    months.setdefault(name, number)
    weekdays: dict[str, int] = {}
    for context in ("format", "stand-alone"):
        for number, name in locale.days[context]["wide"].items():
            weekdays.setdefault(name.lower(), number)
    return months, weekdays


def _alternation(names: dict[str, int], capitalise: bool) -> str:
    forms = set(names)
    if capitalise:
        forms |= {name[:1].upper() + name[1:] for name in names}
    return "|".join(re.escape(form) for form in sorted(forms, key=len, reverse=True))


@functools.cache
def _patterns(language: str) -> list[tuple[re.Pattern[str], bool]]:
    data = language_data(language)
    months, weekdays = _names(language)
    month = _alternation({name: n for name, n in months.items() if not name.isdigit()}, capitalise=True)
    weekday = _alternation(weekdays, capitalise=True)
    compiled = []
    for template, target in data.DATE_PATTERNS:
        source = template.replace("{MONTH}", f"(?:{month})").replace("{WEEKDAY}", f"(?:{weekday})")
        compiled.append((re.compile(source), target))
    return compiled


def _last_day(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _resolve(
    groups: dict[str, str | None], language: str, published: datetime.date, target: bool
) -> tuple[datetime.date, str] | None:
    """The date and precision a match stands for, or None when it names no real date."""
    data = language_data(language)
    months, weekdays = _names(language)
    relative_years = getattr(data, "RELATIVE_YEARS", {})
    relative_days = getattr(data, "RELATIVE_DAYS", {})
    # A shape may give the same part in two alternatives (y and y2): one regular expression cannot name both y.
    year_text = groups.get("y") or groups.get("y2")
    relative_year = groups.get("ry") or groups.get("ry2")
    if groups.get("same"):
        return published, DAY  # "the same day": put right by find_dates, from the date named before it
    relative_day, weekday_text = groups.get("rd"), groups.get("w")
    relative_month = groups.get("rm")
    month_text, day_text = groups.get("m"), groups.get("d")
    if groups.get("first") is not None and not day_text:
        day_text = "1"  # "as February began": its first day
    if groups.get("dec") is not None and not month_text:
        month_text = "12"  # "Ende vergangenen Jahres": its last month
    if groups.get("h1") is not None and not month_text:
        month_text = "6"  # the end of a year's first half: 30 June
    if relative_day:
        return published + datetime.timedelta(days=relative_days[relative_day.lower()]), DAY
    if weekday_text:
        weekday = weekdays[weekday_text.lower()]
        return published - datetime.timedelta(days=(published.weekday() - weekday) % 7), DAY
    if relative_month:
        offset = getattr(data, "RELATIVE_MONTHS", {})[relative_month.lower()]
        index = published.year * 12 + published.month - 1 + offset
        year, month = divmod(index, 12)
        if day_text:
            try:
                return datetime.date(year, month + 1, int(day_text.translate(FULL_WIDTH))), DAY
            except ValueError:
                return None
        return datetime.date(year, month + 1, 1), MONTH
    year = int(year_text) if year_text else None
    if year is None and relative_year:
        year = published.year + relative_years[relative_year.lower()]
    month = None
    if month_text:
        text = month_text.translate(FULL_WIDTH).lower().rstrip(".")
        month = int(text) if text.isdigit() else months.get(text)
        if month is None or not 1 <= month <= 12:
            return None
    day = None
    if day_text:
        text = day_text.translate(FULL_WIDTH)
        day = 1 if text.lower() in ("1er", "premier") else int(text)
    if target:
        if month is None:
            return datetime.date(year or published.year, 12, 31), DAY
        if year is None:
            year = published.year if month >= published.month else published.year + 1
        if day is None:
            return _last_day(year, month), DAY
    if day is not None and month is None:
        # A day of the month alone (14日): this month's, or last month's if that day is still to come.
        year, month = published.year, published.month
        if day > published.day:
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    if year is None and month is not None and day is not None:
        # A day without its year (am 17. Dezember): the nearest such day, before publication or after it.
        options = []
        for candidate_year in (published.year - 1, published.year, published.year + 1):
            try:
                options.append(datetime.date(candidate_year, month, day))
            except ValueError:
                continue
        if not options:
            return None
        return min(options, key=lambda d: (abs((d - published).days), d > published)), DAY
    if year is None and month is not None:
        year = published.year
        if month > published.month:
            year -= 1
    if year is None or not 1800 <= year <= 2200:
        return None
    try:
        if day is not None:
            return datetime.date(year, month or 1, day), DAY
        if month is not None:
            return datetime.date(year, month, 1), MONTH
        return datetime.date(year, 1, 1), YEAR
    except ValueError:
        return None


def find_dates(text: str, language: str, published: datetime.date) -> list[DateMention]:
    """The dates in a text, in order; where two shapes overlap the one listed first in the language wins."""
    matching = text.translate(FULL_WIDTH)
    taken: list[tuple[int, int]] = []
    found: list[DateMention] = []
    for pattern, target in _patterns(language):
        for match in pattern.finditer(matching):
            start, end = match.span("date") if "date" in pattern.groupindex else match.span()
            if any(start < other_end and other_start < end for other_start, other_end in taken):
                continue
            resolved = _resolve(match.groupdict(), language, published, target)
            if resolved is None:
                continue
            taken.append((start, end))
            groups = match.groupdict()
            yearless = bool(groups.get("m")) and not any(groups.get(name) for name in ("y", "y2", "ry", "ry2", "rm"))
            found.append(DateMention(start, end, resolved[0], resolved[1], target, text[start:end], yearless))
    found.sort(key=lambda mention: mention.start)
    same = {
        (start, end)
        for pattern, _ in _patterns(language)
        if "same" in pattern.groupindex
        for match in pattern.finditer(matching)
        for start, end in [match.span()]
    }
    kept: list[DateMention] = []
    for mention in found:
        if (mention.start, mention.end) in same:
            earlier = [m for m in kept if m.precision == DAY and not m.target]
            if not earlier:
                continue  # "the same day" as nothing named before: no date
            mention = DateMention(mention.start, mention.end, earlier[-1].on, DAY, False, mention.text)
        kept.append(mention)
    return kept
