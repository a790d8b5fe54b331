"""French: cue phrases, agreement types, hedges and the state names locale data lacks.

French adjectives follow their noun ("le Sénat philippin") and compounds join states ("franco-japonais",
"nippo-philippin"): the combining forms are listed here.
"""

_FORMS = {
    "britannique": "GBR",
    "américain": "USA",
    "néo-zélandais": "NZL",
    "nippon": "JPN",
}
STATE_VARIANTS = {
    "Grande-Bretagne": "GBR",
    "Amérique": "USA",
    "Corée du Sud": "KOR",
    "Corée du Nord": "PRK",
    # Combining forms of compounds: franco-japonais, nippo-philippin, germano-japonaise.
    "franco": "FRA",
    "nippo": "JPN",
    "germano": "DEU",
    "italo": "ITA",
    "australo": "AUS",
    "sino": "CHN",
    "américano": "USA",
    "philippino": "PHL",
    "indo": "IND",
    "anglo": "GBR",
    "britannique": "GBR",
    "britanniques": "GBR",
    "Britannique": "GBR",
    "Britanniques": "GBR",
    "américain": "USA",
    "américaine": "USA",
    "américains": "USA",
    "américaines": "USA",
    "Américains": "USA",
    "néo-zélandais": "NZL",
    "néo-zélandaise": "NZL",
    "néo-zélandaises": "NZL",
    "nippon": "JPN",
    "nippone": "JPN",
    "nippons": "JPN",
    "nippones": "JPN",
}
NOT_STATES = (
    "Indo-Pacifique",
    "indo-pacifique",
    "océan Indien",
    "mer de Chine méridionale",
    "mer de Chine orientale",
    "Nouvelle-Calédonie",
    "Polynésie française",
    "Territoire du Nord",
    "Quai d'Orsay",
    "Nations unies",
    "Indo-Pacific",
)
BODIES = {r"\bDiète\b": "JPN", r"\bBundestag\b": "DEU", r"\bAssemblée nationale\b": "FRA"}

TYPES = [
    (r"statut des forces en visite|forces en visite|\bS?O?VFA\b", "VFA"),
    (r"statut des forces\b|\bSOFA\b", "SOFA"),
    (r"(?:accord|traité)s? d'accès réciproque|accords? d'accès\b|\bRAA\b", "RAA"),
    (
        r"\bACSA\b|acquisition et (?:de )?soutien logistique|soutien logistique (?:mutuel|croisé)|fourniture mutuelle de biens|accord logistique|coopération logistique",
        "ACSA",
    ),
    (r"protection des informations classifiées|sécurité des informations|informations classifiées|\bGSOMIA\b", "ISA"),
    (
        r"transfert d'équipements et de technologies de défense|équipements et (?:de )?technologies de défense|transfert (?:d'équipements|de technologies) de défense",
        "DEA",
    ),
    (r"accords? de libre-échange|\bALE\b", "FTA"),
    (r"accords? de partenariat économique|\bAPE\b", "EPA"),
    (r"accords? de coopération (?:en matière )?de défense", "DCA"),
    (r"traité de défense mutuelle|traité d'assistance mutuelle", "MDT"),
]
ANAPHORS = r"\b(?:accords?|traités?|textes?|pactes?|négociations|discussions|pourparlers)\b"

STATUS_CUES = [
    (
        r"\b(?:convenus|convenu|mis d'accord|entendus|décidé)\b[^.;]{0,40}?\bde les (?:engager|ouvrir|entamer|lancer)\b",
        "talks_agreed",
    ),
    (
        r"\b(?:convenus|convenu|mis d'accord|entendus|décidé)\b[^.;]{0,80}?\b(?:d'|de |pour )(?:engager|ouvrir|entamer|lancer)\b[^.;]{0,30}?\b(?:négociations|discussions|pourparlers)\b",
        "talks_agreed",
    ),
    (
        r"\baccord de principe\b|\baccord sur le principe\b|\bparaphée?s?\b|\bparaphent\b|\bparaphé\b|\b(?:conclu|finalisé|achevé) (?:les|leurs) négociations\b",
        "agreed_in_principle",
    ),
    (
        r"\b(?:ont|a|avaient|avait) (?:officiellement |formellement )?(?:ouvert|entamé|engagé|lancé|commencé)\b[^.;]{0,60}?\b(?:négociations|discussions|pourparlers)\b",
        "negotiating",
    ),
    (
        r"\b(?:négociations|discussions|pourparlers)\b[^.;]{0,30}?\b(?:lancées|ouvertes|engagées|entamées|commencées|ont commencé|ont débuté)\b",
        "negotiating",
    ),
    (r"\bnégocient depuis\b|\ben cours de négociation\b|\bnégociations en cours\b", "negotiating"),
    (r"\bsignée?s?\b|\bsignature\b", "signed"),
    (
        r"(?<!l')(?<!une )(?<!d')\bentrée?s? en vigueur\b|\bentrait en vigueur\b|\bentre en vigueur\b|\ben vigueur depuis\b|\b(?:sont|est|était|étaient|restent|reste) (?:\w+ )?en vigueur\b",
        "in_force",
    ),
    (r"\bsuspendue?s?\b", "suspended"),
    (r"\bdénoncée?s?\b|\bretirée?s? de\b", "terminated"),
    (r"\babandonnée?s?\b|\brompu (?:les|leurs) négociations\b", "abandoned"),
]
STEP_CUES = [
    (r"\béchang\w*\b[^.;]{0,25}?\bnotes\b|\béchange (?:des|de) notes\b", "notes_exchanged"),
    (r"\bapprouvée?s?\b|\bratifiée?s?\b|\bratification\b|\bdonné son (?:accord|feu vert)\b|\badoptée?s?\b", "approval"),
]
ROUND_CUE = (
    r"\b(?P<n>premier|deuxième|second|troisième|quatrième|cinquième|sixième|septième|huitième|neuvième|dixième|"
    r"\d{1,2}e)\s+(?:cycle|round|tour|session)\b|\bcycle de (?:négociations|discussions)\b"
)
ORDINALS = {
    "premier": 1,
    "deuxième": 2,
    "second": 2,
    "troisième": 3,
    "quatrième": 4,
    "cinquième": 5,
    "sixième": 6,
    "septième": 7,
    "huitième": 8,
    "neuvième": 9,
    "dixième": 10,
}
MILESTONE_CUES = [
    (r"\bconclure\b|\bfinaliser\b|\bboucler\b|\baboutir\b|\bachever\b", "target_conclusion"),
    (r"\bsigner\b|\bsignature\b", "signature"),
    (r"\bentrera en vigueur\b|\bentrer en vigueur\b|\bentrée en vigueur\b", "entry_into_force"),
]
HEDGES_BEFORE = (
    r"\b(?:espèr\w*|espér\w*|souhait\w*|veut|veulent|voudrai\w*|pourrai\w*|pourr\w*|peut|peuvent|devrai\w*|"
    r"devr\w*|doit|doivent|envisag\w*|prévoi\w*|compte\w*|objectif|vise\w*|visant|avant|si|lorsque|quand|"
    r"une fois|pas|ne|aucun\w*|ni|jamais|dément\w*|démenti\w*|nié|sans|seraient|serait|aurait|auraient|"
    r"lesquel\w*|possible|reste\w*|encore à|idée)\b|\bn'"
)
HEDGES_AFTER = r"^[^.;]{0,30}?\b(?:(?:est|sont) (?:prévue?s?|attendue?s?)|pas encore|pourrai\w*|devrai\w*|doit|doivent|intervien\w*)\b"
OTHER_AGREEMENT = r"\b(?:un autre|un second|un nouvel|un deuxième) (?:accord|traité|texte)\b"
PAST_MENTION = r"\b(?:déjà|auparavant|précédemment|jusqu'ici)\b"
LOCATIVE_BEFORE = r"\b(?:à|en|de|depuis|vers|au|aux|sur)\s+$"
CLAUSE_BREAKS = r";|:|, (?:et|mais|tandis|alors|où|lorsque|quand|car|a (?:indiqué|annoncé|déclaré))\b| — | – "
WITH = r"\bavec"
# Inside a cue that spans words ("n'ont pas été ouvertes"): a negation makes it no step.
NEGATION = r"\b(?:pas|jamais|aucun\w*)\b"
# A sentence that goes on with the one before: without a date, it takes that one's.
# Before a date, an attribution: the day something was said, not the day of the step ("a annoncé mardi").
ATTRIBUTION = r"\b(?:a|ont) (?:annoncé|indiqué|déclaré|précisé|confirmé)\b[^.;]{0,30}$"
CONTINUES = r"^(?:Dans le même temps|Au même moment|Lors de (?:cette|la) rencontre|À cette occasion)\b"
# What ties talks to the agreement they are about: "négociations sur un accord".
TALKS_ABOUT = r"\b(?:sur|pour|relatif|relative|concernant|en vue)\b"

DATE_PATTERNS = [
    (r"\b(?:d'ici|avant) (?:à )?(?:la )?fin (?:de |du mois de )?(?P<m>{MONTH}) (?P<y>\d{4})\b", True),
    (r"\b(?:d'ici|avant) (?:à )?(?:la )?fin (?:de l'année |de )?(?P<y>\d{4})\b", True),
    (
        r"\b(?:d'ici|avant) (?:à )?la fin de l'année\b|\bd'ici la fin de cette année\b|\bavant la fin de l'année\b|\bd'ici (?:à )?la fin de l'an\b",
        True,
    ),
    (r"\bdu (?P<d>\d{1,2})(?:er)? au \d{1,2}(?:er)? (?P<m>{MONTH})(?: (?P<y>\d{4}))?\b", False),
    (r"\b(?P<d>\d{1,2}|1er) (?P<m>{MONTH}) (?P<y>\d{4})\b", False),
    (r"\b(?P<d>\d{1,2}|1er) (?P<m>{MONTH})\b", False),
    (r"\b(?P<m>{MONTH}) (?P<y>\d{4})\b", False),
    (r"\b(?:en|depuis|début|fin|mi-|courant) (?P<m>{MONTH})\b", False),
    (r"\b(?P<w>{WEEKDAY})(?: dernier)?\b", False),
    (r"(?P<rd>aujourd'hui|hier|avant-hier)", False),
    (r"\b(?P<same>le même jour|ce jour-là)\b", False),
    (r"\b(?P<rm>ce mois-ci|le mois dernier|le mois passé)\b", False),
    (r"\b(?P<ry>l'an dernier|l'année dernière|cette année|l'an passé)\b", False),
    (r"\b(?:en|depuis|dès|de|à partir de) (?P<y>(?:19|20)\d{2})\b", False),
    (r"(?<![\d.])\b(?P<y>(?:19|20)\d{2})\b(?!\.\d|\d)", False),
]
RELATIVE_DAYS = {"aujourd'hui": 0, "hier": -1, "avant-hier": -2}
RELATIVE_MONTHS = {"ce mois-ci": 0, "le mois dernier": -1, "le mois passé": -1}
RELATIVE_YEARS = {"l'an dernier": -1, "l'année dernière": -1, "cette année": 0, "l'an passé": -1}
# "Des accords de ce type": the kind of agreement the article is about.
SAME_KIND = r"\b(?:de ce type|de ce genre|du même type|similaires|semblables|comparables|de cette nature)\b"
