"""German: cue phrases, agreement types, hedges and the state names locale data lacks.

German puts the verb last ("haben am 8. Juli ein Abkommen unterzeichnet") and splits it ("nehmen ... auf"), so
cues here span a few words, and hedges are looked for after a cue as well as before it.
"""

STATE_VARIANTS = {
    "Großbritannien": "GBR",
    "Großbritanniens": "GBR",
    "USA": "USA",
    "Amerika": "USA",
    "Amerikas": "USA",
    "amerikanische": "USA",
    "amerikanischen": "USA",
    "amerikanischer": "USA",
    "amerikanisches": "USA",
    "Amerikanische": "USA",
    "Amerikanischen": "USA",
    "britische": "GBR",
    "Britische": "GBR",
    "neuseeländische": "NZL",
    "neuseeländischen": "NZL",
    "neuseeländischer": "NZL",
    "Neuseeländische": "NZL",
    "Vereinigten Königreich": "GBR",
    "Vereinigten Königreichs": "GBR",
    "Vereinigten Staaten": "USA",
    "Vereinigten Arabischen Emirate": "ARE",
    "Vereinigten Arabischen Emiraten": "ARE",
    "Südkorea": "KOR",
    "Nordkorea": "PRK",
    "Nordkoreas": "PRK",
    "Südkoreas": "KOR",
}
NOT_STATES = (
    "Indischer Ozean",
    "Indischen Ozean",
    "Indischen Ozeans",
    "Indopazifik",
    "Indopazifiks",
    "indopazifischen",
    "Südchinesischen Meer",
    "Südchinesisches Meer",
    "Ostchinesischen Meer",
    "Ostchinesisches Meer",
    "Französisch-Polynesien",
    "Neukaledonien",
    "Auswärtige Amt",
    "Auswärtiges Amt",
    "Auswärtigen Amt",
    "Auswärtigen Ausschuss",
    "Auswärtige Ausschuss",
    "Vereinten Nationen",
)
BODIES = {r"\bBundestag\w*\b": "DEU", r"\bBundesrat\w*\b": "DEU", r"\bjapanische\w* Parlament\w*\b": "JPN"}

TYPES = [
    (
        r"Status von Gaststreitkräften|Gaststreitkräfte-?abkommen\w*|Visiting Forces Agreement|\bS?O?VFA\b|Truppenbesuch\w*|Besuch (?:\w+ ){1,3}Streitkräfte",
        "VFA",
    ),
    (r"Truppenstatut\w*|\bSOFA\b|Status of Forces Agreement|Stationierungsabkommen", "SOFA"),
    (r"gegenseitigen? Zugang\w*|Zugangsabkommen\w*|Reciprocal Access Agreement|\bRAAs?\b|Truppenzugang\w*", "RAA"),
    (
        r"\bACSA\b|Versorgungsgüter\w*|Versorgungsleistungen|Logistikabkommen\w*|Versorgungsabkommen\w*|logistische\w* Unterstützung|Bereitstellung von (?:Gütern|Versorgungsgütern) und Dienstleistungen",
        "ACSA",
    ),
    (
        r"Schutz von Verschlusssachen|Geheimschutzabkommen\w*|Informationsschutzabkommen\w*|\bGSOMIA\b|Austausch von Verschlusssachen",
        "ISA",
    ),
    (
        r"(?:Weitergabe|Transfer|Übertragung) von Verteidigungs\w*|Rüstungstransfer\w*|Verteidigungsgüter und -technologie|Rüstungsgüter\w* und Verteidigungstechnologie|Verteidigungstechnologie\w*|Rüstungskooperation\w*",
        "DEA",
    ),
    (r"Freihandelsabkommen\w*|\bFTA\b", "FTA"),
    (r"Wirtschaftspartnerschaftsabkommen\w*|\bEPA\b", "EPA"),
    (
        r"Verteidigungskooperationsabkommen\w*|Zusammenarbeit im Verteidigungsbereich|Verteidigungszusammenarbeit|Verteidigungskooperation\b",
        "DCA",
    ),
    (r"Beistandspakt\w*|Verteidigungsvertrag\w*|Beistandsvertrag\w*", "MDT"),
]
ANAPHORS = r"\b(?:Abkommen\w*|Vertr[aä]g\w*|Vereinbarung\w*|Pakt\w*|Verhandlungen|Gespräche|Text)\b"

STATUS_CUES = [
    (r"\b(?:Gespräche|Verhandlungen)\b(?:[^.;:]|(?<=\d)\.){0,90}?\baufzunehmen\b", "talks_agreed"),
    (
        r"\b(?:Aufnahme|Beginn) (?:von |der )?(?:formellen |förmlichen )?(?:Verhandlungen|Gespräche\w*)\b(?:[^.;:]|(?<=\d)\.){0,160}?\b(?:vereinbart|beschlossen)\w*",
        "talks_agreed",
    ),
    (
        r"\bvereinbart\w*,?\s(?:\S+\s){0,5}?zu verhandeln\b|\b(?:verständigt|geeinigt)\w*\b(?:[^.;:]|(?<=\d)\.){0,40}?\bAufnahme von (?:Verhandlungen|Gesprächen)\b",
        "talks_agreed",
    ),
    (
        r"\bgrundsätzliche\w* Einigung\b|\bgrundsätzlich (?:geeinigt|verständigt)\b|\bim Grundsatz geeinigt\b|\bGrundsatzeinigung\b|\bVerhandlungen\b(?:[^.;:]|(?<=\d)\.){0,30}?\babgeschlossen\b(?! werden)|\bparaphiert\w*\b|\bauf (?:den|einen) (?:\w+ )?(?:Vertrags)?[Tt]ext\b(?:[^.;:]|(?<=\d)\.){0,80}?\b(?:geeinigt|verständigt)|\b(?:geeinigt|verständigt)\w*\b(?:[^.;:]|(?<=\d)\.){0,40}?\bauf (?:den|einen) (?:\w+ )?(?:Vertrags)?[Tt]ext\b|\bauf (?:die )?Eckpunkte\b(?:[^.;:]|(?<=\d)\.){0,60}?\b(?:verständigt|geeinigt)",
        "agreed_in_principle",
    ),
    (
        r"\b(?:nehmen|nahmen)\b(?:[^.;:]|(?<=\d)\.){0,60}?\b(?:Verhandlungen|Gespräche)\b(?:[^.;:]|(?<=\d)\.){0,60}?\bauf\b",
        "negotiating",
    ),
    (r"\b(?:Verhandlungen|Gespräche)\b(?:[^.;:]|(?<=\d)\.){0,40}?\b(?:begonnen|begannen|aufgenommen)\b", "negotiating"),
    (
        r"\bverhandel[nt]\b(?:[^.;:]|(?<=\d)\.){0,60}?\bseit\b|\bseit\b(?:[^.;:]|(?<=\d)\.){0,40}?\bverhandel[nt]\b",
        "negotiating",
    ),
    (r"\bverhandelt über\b", "negotiating"),
    (
        r"\bUnterzeichnung\b(?:(?!soll|solle|sollte|werde|wird|könnte)(?:[^.;:]|(?<=\d)\.)){0,80}?\berfolg\w*|\berfolgte die Unterzeichnung\b|\bunterzeichnet\w*\b|\bunterschrieben\b|\bunterschrieb\b|\bbesiegelt\w*\b",
        "signed",
    ),
    (
        r"\bin Kraft (?:getreten|trat|traten|tritt|treten)\b|\bin Kraft\b|\bgilt\b(?:[^.;:]|(?<=\d)\.){0,15}?\bseit\b|\bwirksam geworden\b",
        "in_force",
    ),
    (r"\bausgesetzt\b|\bsuspendiert\b", "suspended"),
    (r"\bgekündigt\b|\bbeendet\b", "terminated"),
    (r"\babgebrochen\b|\baufgegeben\b", "abandoned"),
]
STEP_CUES = [
    (
        r"\bAustausch (?:der |von )?(?:diplomatischen |diplomatischer )?Noten\b|\bNoten (?:aus)?getauscht\b|\btauschten\b(?:[^.;:]|(?<=\d)\.){0,80}?\bNoten\b",
        "notes_exchanged",
    ),
    (
        r"\b(?:seine|ihre) Note\b(?:[^.;:]|(?<=\d)\.){0,40}?\b(?:übergab|übergeben|übermittelt|überreicht|übermittelte|überreichte)\b|\b(?:übergab|übermittelte|überreichte)\b(?:[^.;:]|(?<=\d)\.){0,40}?\b(?:seine|ihre) Note\b",
        "notes_exchanged:one",
    ),
    (
        r"\bzugestimmt\b|\bstimmte\w*\b(?:[^.;:]|(?<=\d)\.){0,80}?\bzu\b|\bzustimmen\b|\bratifiziert\w*\b|\bRatifizierung\b|\bgebilligt\b|\bbilligte\w*\b|\bgenehmigt\b|\bZustimmung\b",
        "approval",
    ),
]
ROUND_CUE = (
    r"\b(?P<n>erste|zweite|dritte|vierte|fünfte|sechste|siebte|achte|neunte|zehnte|\d{1,2}\.)[a-z]*\s+"
    r"(?:Verhandlungs|Gesprächs)?[Rr]unde\b|\bVerhandlungsrunde\b"
)
ORDINALS = {
    "erste": 1,
    "zweite": 2,
    "dritte": 3,
    "vierte": 4,
    "fünfte": 5,
    "sechste": 6,
    "siebte": 7,
    "achte": 8,
    "neunte": 9,
    "zehnte": 10,
}
MILESTONE_CUES = [
    (r"\babzuschließen\b|\babschließen\b|\bAbschluss\b|\babgeschlossen werden\b", "target_conclusion"),
    (r"\bzu unterzeichnen\b|\bunterzeichnen\b|\bUnterzeichnung\b", "signature"),
    (r"\bin Kraft (?:zu )?treten\b|\bInkrafttreten\b", "entry_into_force"),
]
HEDGES_BEFORE = (
    r"\b(?:hoff\w*|will|wollen|wollte\w*|soll\w*|könnte\w*|kann|können|könne|würde\w*|müss\w*|muss|plan\w*|Ziel|"
    r"zielen|beabsichtig\w*|erwart\w*|wird|werden|vor|bevor|wenn|falls|sobald|nicht|kein\w*|weder|nie|"
    r"dementier\w*|zurückgewiesen|zurückweisen|wonach|ohne|ob|wann|denkbar|möglich\w*|gern|Wunsch|Absicht\w*|"
    r"noch (?:sei|seien|wurde|wurden|habe|haben))\b"
)
HEDGES_AFTER = (
    r"^\s*(?:\S+\s+){0,2}?(?:kann|könne|könnte|soll|sollen|sollte|muss|müsse|müssen|werde|werden|wird|würde)\b"
    r"|^(?:[^.;:]|(?<=\d)\.){0,50}?\b(?:noch nicht|nicht|kein\w*)\b"
)
# Inside a cue that spans words ("Gespräche hätten nicht begonnen"): a negation makes it no step.
NEGATION = r"\b(?:nicht|kein\w*|nie|niemals)\b"
# A sentence that goes on with the one before ("Zugleich vereinbarten ..."): without a date, it takes that one's.
CONTINUES = r"^(?:Zugleich|Gleichzeitig|Dabei)\b|\b[Bb]ei (?:dem|diesem) Treffen\b|\bbei dieser Gelegenheit\b"
# Before a date, an attribution: the day something was said, not the day of the step ("teilte am Mittwoch mit").
ATTRIBUTION = r"\b(?:sagte|teilte|erklärte|bestätigte|berichtete|hieß es|verlautete)\b[^.;]{0,30}$"
# An agreement other than the one the article is about: without a type named, no candidate.
OTHER_AGREEMENT = r"\b(?:weitergehende\w*|weitere[sn]?|andere[sn]?|zweite[sn]?) (?:Abkommen|Vertrag|Vereinbarung)\b"
PAST_MENTION = r"\b(?:bereits|schon|zuvor|seither|bisher|früher|damals)\b"
LOCATIVE_BEFORE = r"\b(?:in|im|nach|aus|bei|vor|über)\s+$"
CLAUSE_BREAKS = r";|:|, (?:und|aber|während|wo|wobei|nachdem|bevor|als|weil|da|doch|sagte|hieß)\b| — | – "

DATE_PATTERNS = [
    (r"\bbis (?:zum )?Ende (?P<m>{MONTH}) (?P<y>\d{4})\b", True),
    (r"\bbis (?:zum )?Ende (?:des Jahres )?(?P<y>\d{4})\b", True),
    (r"\bbis (?:zum )?(?:Jahresende|Ende des Jahres|Ende dieses Jahres)\b|\bnoch (?:in )?diese[ms] Jahr\b", True),
    (r"\bbis (?:spätestens )?(?P<m>{MONTH}) (?P<y>\d{4})\b", True),
    (r"\b[Vv]om (?P<d>\d{1,2})\.\s?(?:bis|[-–])\s?\d{1,2}\.\s?(?P<m>{MONTH})(?:\s(?P<y>\d{4}))?\b", False),
    (
        r"\b(?:im )?(?P<m>{MONTH}) (?P<ry>vergangenen Jahres|letzten Jahres|dieses Jahres)\b",
        False,
    ),
    (r"\bEnde (?P<ry>vergangenen Jahres|letzten Jahres|dieses Jahres|des vergangenen Jahres)(?P<dec>)\b", False),
    (r"\b(?P<d>\d{1,2})\.\s?(?P<m>{MONTH})\s(?P<y>\d{4})\b", False),
    (r"\b(?P<d>\d{1,2})\.\s?(?P<m>{MONTH})\b", False),
    (r"\b(?P<m>{MONTH})\s(?P<y>\d{4})\b", False),
    (r"\b(?:im|seit|ab|Anfang|Mitte|Ende|vom|bis) (?P<m>{MONTH})\b", False),
    (r"\b(?P<w>{WEEKDAY})(?:abend|morgen|mittag|nachmittag|vormittag)?\b", False),
    (r"\b(?P<rd>heute|gestern|vorgestern)\b", False),
    (r"\b(?P<same>(?:noch )?am (?:selben|gleichen) Tag)\b", False),
    (r"\b(?P<rm>diesem Monat|vergangenen Monat|letzten Monat|Vormonat)\b", False),
    (
        r"\b(?P<ry>im vergangenen Jahr|im letzten Jahr|vergangenen Jahres|letzten Jahres|im Vorjahr|in diesem Jahr|dieses Jahres)\b",
        False,
    ),
    (r"(?<![\d.])\b(?P<y>(?:19|20)\d{2})\b(?!\.\d|\d)", False),
]
RELATIVE_DAYS = {"heute": 0, "gestern": -1, "vorgestern": -2}
RELATIVE_MONTHS = {"diesem monat": 0, "vergangenen monat": -1, "letzten monat": -1, "vormonat": -1}
RELATIVE_YEARS = {
    "im vergangenen jahr": -1,
    "im letzten jahr": -1,
    "vergangenen jahres": -1,
    "letzten jahres": -1,
    "im vorjahr": -1,
    "in diesem jahr": 0,
    "dieses jahres": 0,
}
# The preposition of a partner: "signed with Australia and Britain".
WITH = r"\bmit"
# What ties talks to the agreement they are about: "Verhandlungen über ein Truppenstatut".
TALKS_ABOUT = r"\b(?:über|zu|zum|zur|für)\b"
# "Vergleichbare Abkommen", "solche Verträge": the kind of agreement the article is about.
SAME_KIND = r"\b(?:vergleichbare\w*|ähnliche\w*|solche\w*|derartige\w*|dieser Art|gleicher Art)\b"
