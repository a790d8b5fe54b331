"""States as the four languages name them, found in a text by a longest-match scan of a dictionary.

The names come from locale data, never a hand list of countries: CLDR's territory names (Babel) and ISO 3166's
names with their translations (pycountry's gettext catalogues); adjectives from CLDR's currency names, current and
historical ("Japanese Yen", "Französischer Franc", "mark allemand"), the unit taken off. What locale data lacks is
in `languages.*.STATE_VARIANTS` (short names such as "Britain"), `CAPITALS` (capitals used for their governments)
and, in Japanese, the one-kanji abbreviations of compounds such as 日仏.
"""

import datetime
import functools
import gettext
import re
import unicodedata
from dataclasses import dataclass

import pycountry
from babel import Locale
from babel.numbers import get_currency_name, get_territory_currencies

from intake.extraction.languages import CAPITALS, LANGUAGES, language_data

NAME, ADJECTIVE, CAPITAL, ABBREVIATION = "name", "adjective", "capital", "abbreviation"
CURRENCY_UNITS = re.compile(
    r"^(?:dollar|pound|franc|mark|lira|lire|peso|rupee|rupie|roupie|yen|euro|livre|krone|krona|dinar|rand|won|ruble|"
    r"rouble|rubel|rial|riyal|real|shilling|schilling|escudo|peseta|drachma|drachme|forint|zloty|złoty|rupiah|baht|"
    r"ringgit|dong|yuan|renminbi|lev|leu|lei|dirham|kyat|kip|riel|taka|naira|cedi|pfund|florin|gulden|guilder)$",
    re.IGNORECASE,
)
JAPANESE_UNITS = re.compile(
    r"\s*(?:ドル|ポンド|円|ユーロ|フラン|マルク|リラ|ペソ|ルピー|ルピア|ウォン|元|バーツ|リンギット|ドン)$"
)
FRENCH_FEMININE = {"ienne": "ien", "éenne": "éen", "aise": "ais", "oise": "ois", "ine": "in", "ane": "an"}


@dataclass(frozen=True)
class StateMention:
    code: str  # ISO 3166-1 alpha-3
    start: int
    end: int
    strength: str  # NAME, ADJECTIVE, CAPITAL or ABBREVIATION
    text: str


def _countries() -> dict[str, str]:
    """Alpha-2 to alpha-3 for every entry of ISO 3166-1."""
    return {country.alpha_2: country.alpha_3 for country in pycountry.countries}


def _adjective_forms(adjective: str, language: str) -> set[str]:
    """The inflected forms of an adjective taken from a currency name."""
    if language == "de":
        stem = re.sub(r"(?:er|e|es|en|em)$", "", adjective.lower())
        forms = {stem + ending for ending in ("e", "er", "en", "es", "em")}
    elif language == "fr":
        masculine = adjective.lower()
        for feminine, ending in FRENCH_FEMININE.items():
            if masculine.endswith(feminine):
                masculine = masculine[: -len(feminine)] + ending
                break
        if masculine.endswith(("ien", "éen")):
            forms = {masculine, masculine + "s", masculine + "ne", masculine + "nes"}
        elif masculine.endswith(("s", "x")):
            forms = {masculine, masculine + "e", masculine + "es"}
        elif masculine.endswith("e"):
            forms = {masculine, masculine + "s"}
        else:
            forms = {masculine, masculine + "s", masculine + "e", masculine + "es"}
    elif language == "en":
        forms = {adjective, adjective + "s"} if not adjective.endswith(("ese", "ish", "ch")) else {adjective}
    else:
        forms = {adjective}
    return forms | {form[:1].upper() + form[1:] for form in forms}


def _currency_adjectives(language: str) -> dict[str, set[str]]:
    """Adjective forms by alpha-2 code, from the names of the currencies each territory has issued since 1900."""
    found: dict[str, set[str]] = {}
    for territory in _countries():
        currencies = get_territory_currencies(
            territory, start_date=datetime.date(1900, 1, 1), end_date=datetime.date(2100, 1, 1)
        )
        for currency in currencies:
            # ISO 4217 codes begin with their issuer's alpha-2 code: JPY is Japan's own, not Micronesia's.
            if currency[:2] != territory:
                continue
            name = get_currency_name(currency, locale=language)
            if name == currency:
                continue
            if language == "ja":
                prefix = JAPANESE_UNITS.sub("", name).strip()
                if prefix and prefix != name:
                    found.setdefault(territory, set()).add(prefix)
                continue
            words = name.split()
            if len(words) < 2 or "-" in name:
                continue
            kept = [word for word in words if not CURRENCY_UNITS.match(word)]
            if len(kept) != 1 or kept[0].lower() in ("des", "du", "de", "la", "el", "new", "old"):
                continue
            found.setdefault(territory, set()).update(_adjective_forms(kept[0], language))
    # An adjective several territories share (a currency union's) names none of them.
    owners: dict[str, set[str]] = {}
    for territory, forms in found.items():
        for form in forms:
            owners.setdefault(form, set()).add(territory)
    return {territory: {form for form in forms if len(owners[form]) == 1} for territory, forms in found.items()}


@functools.cache
def state_dictionary(language: str) -> dict[str, tuple[str | None, str]]:
    """Surface form to (alpha-3 code, strength); a code of None marks a phrase that names no state."""
    if language not in LANGUAGES:
        raise ValueError(f"no state names for language {language!r}")
    data = language_data(language)
    alpha3 = _countries()
    entries: dict[str, tuple[str | None, str]] = {}

    def add(form: str, code: str | None, strength: str) -> None:
        form = unicodedata.normalize("NFC", form.strip())
        if len(form) >= 2 or (language == "ja" and strength == NAME and len(form) >= 2):
            entries.setdefault(form, (code, strength))

    for territory, forms in _currency_adjectives(language).items():
        for form in forms:
            # A currency's prefix in Japanese is a name ("英国" in 英国ポンド), elsewhere an adjective.
            add(form, alpha3[territory], NAME if language == "ja" else ADJECTIVE)
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
    babel_names = Locale.parse(language).territories
    for alpha2, code in alpha3.items():
        country = pycountry.countries.get(alpha_2=alpha2)
        names = {babel_names.get(alpha2, "")}
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                names.add(catalogue.gettext(value))
        for name in filter(None, names):
            # "Korea, Republic of" is a catalogue's sort form, not what a text says.
            if "," in name or "(" in name:
                continue
            add(name, code, NAME)
            if language == "de" and not name.endswith(("s", "z", "x")):
                add(name + "s", code, NAME)  # genitive: Japans Regierung
    for form, code in data.STATE_VARIANTS.items():
        entries[form] = (code, NAME)
    for code, capitals in CAPITALS.items():
        for form in capitals.get(language, ()):
            entries.setdefault(form, (code, CAPITAL))
            if language == "de":
                entries.setdefault(form + "s", (code, CAPITAL))
    for form, code in getattr(data, "ABBREVIATIONS", {}).items():
        entries[form] = (code, ABBREVIATION)
    for phrase in data.NOT_STATES:
        entries[phrase] = (None, NAME)
    return entries


@functools.cache
def _longest(language: str) -> int:
    return max(len(form) for form in state_dictionary(language))


WORD = re.compile(r"\w+", re.UNICODE)


def find_states(text: str, language: str) -> list[StateMention]:
    """Every state mention in the text, longest first at each place, none overlapping."""
    dictionary = state_dictionary(language)
    if language == "ja":
        return _find_japanese(text, dictionary)
    words = [(match.start(), match.end()) for match in WORD.finditer(text)]
    mentions: list[StateMention] = []
    index = 0
    while index < len(words):
        start = words[index][0]
        best = None
        for last in range(index, min(index + 8, len(words))):
            end = words[last][1]
            if end - start > _longest(language):
                break
            entry = dictionary.get(text[start:end])
            if entry is not None:
                best = (last, end, entry)
        if best is None:
            index += 1
            continue
        last, end, (code, strength) = best
        if code is not None:
            mentions.append(StateMention(code, start, end, strength, text[start:end]))
        index = last + 1
    return mentions


def _find_japanese(text: str, dictionary: dict[str, tuple[str | None, str]]) -> list[StateMention]:
    longest = _longest("ja")
    abbreviations = language_data("ja").ABBREVIATIONS
    mentions: list[StateMention] = []
    position = 0
    while position < len(text):
        # A run of two or more one-kanji abbreviations (日仏, 日豪英) names each state in it.
        run = position
        while run < len(text) and text[run] in abbreviations:
            run += 1
        after_number = position > 0 and (text[position - 1].isdigit() or text[position - 1] in "曜毎来")
        if run - position >= 2 and not after_number:
            for offset in range(position, run):
                code = abbreviations[text[offset]]
                mentions.append(StateMention(code, offset, offset + 1, ABBREVIATION, text[offset]))
            position = run
            continue
        found = None
        for end in range(min(len(text), position + longest), position + 1, -1):
            entry = dictionary.get(text[position:end])
            if entry is not None and entry[1] != ABBREVIATION:
                found = (end, entry)
                break
        if found is None:
            position += 1
            continue
        end, (code, strength) = found
        if code is not None:
            mentions.append(StateMention(code, position, end, strength, text[position:end]))
        position = end
    return mentions
