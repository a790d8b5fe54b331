"""English: cue phrases, agreement types, hedges and the state names locale data lacks."""

# fmt: off
# Short names in common use that CLDR and ISO 3166 do not give.
STATE_VARIANTS = {
    "Britain": "GBR", "Great Britain": "GBR", "UK": "GBR", "U.K.": "GBR", "US": "USA", "U.S.": "USA",
    "America": "USA", "American": "USA", "Americans": "USA", "Filipino": "PHL", "Filipinos": "PHL",
    "South Korea": "KOR", "North Korea": "PRK", "Kiwi": "NZL",
}
# Phrases that contain a state's name or adjective but name no state.
NOT_STATES = (
    "Indian Ocean", "Indo-Pacific", "South China Sea", "East China Sea", "French Polynesia", "New Caledonia",
    "Japan Self-Defense Forces", "Philippine Sea", "Foreign Office", "United Nations", "Turkey Point",
)
# Bodies whose approval is one party's domestic step, and the state each belongs to.
BODIES = {r"\bDiet\b": "JPN", r"\bBundestag\b": "DEU", r"\bBundesrat\b": "DEU", r"\bCongress\b": "USA"}

_PACT = r"(?:agreement|pact|deal|treaty|treaties|accord|arrangement)s?"
TYPES = [
    (rf"status[- ]of[- ]visiting[- ]forces? {_PACT}|visiting[- ]forces? (?:{_PACT}|talks)|\bS?O?VFAs?\b", "VFA"),
    (rf"status[- ]of[- ]forces {_PACT}|\bSOFAs?\b|troop status {_PACT}", "SOFA"),
    (rf"reciprocal access {_PACT}|\bRAAs?\b|(?:troop|defen[cs]e|forces?|military|mutual) access (?:{_PACT}|talks)|access[- ](?:agreement|treaty|pact)s?", "RAA"),
    (rf"acquisition and cross[- ]servicing {_PACT}|\bACSAs?\b|(?:logistics|logistic support|military supply|supply[- ]sharing|supply) {_PACT}", "ACSA"),
    (rf"information[- ](?:security|protection) {_PACT}|(?:protection|security|exchange) of classified (?:military |defen[cs]e )?(?:information|material)|(?:protect(?:ing)?|shar(?:e|ing)|exchang(?:e|ing)) classified (?:military |defen[cs]e )?(?:information|material|data)|classified[- ]information {_PACT}|(?:military[- ])?secrets? {_PACT}|\bGSOMIA\b|intelligence[- ]sharing {_PACT}|\bISAs?\b", "ISA"),
    (rf"(?:transfer of )?defen[cs]e equipment and technology|(?:defen[cs]e|military) (?:technology|equipment) (?:transfer )?(?:{_PACT}|transfer)|equipment and technology transfer", "DEA"),
    (rf"free[- ]trade {_PACT}|\bFTAs?\b", "FTA"),
    (rf"economic partnership {_PACT}|\bEPAs?\b", "EPA"),
    (rf"defen[cs]e cooperation {_PACT}|\bDCAs?\b", "DCA"),
    (r"mutual defen[cs]e treat(?:y|ies)|\bMDT\b", "MDT"),
]
# Words that refer back to the agreement in question.
ANAPHORS = r"\b(?:agreements?|pacts?|treat(?:y|ies)|deals?|accords?|talks|negotiations|arrangements?|framework|document|text)\b"

_TALKS = r"(?:talks|negotiations)"
STATUS_CUES = [
    (rf"\bagree[sd]?\b[^.;]{{0,40}}?\bto (?:begin|open|start|launch|enter into|hold)\b[^.;]{{0,25}}?\b{_TALKS}\b", "talks_agreed"),
    (rf"\b(?:will|to) (?:begin|open|start|launch) (?:formal |official )?{_TALKS}\b", "talks_agreed"),
    (r"\b(?:agreed|decided) to negotiate\b", "talks_agreed"),
    (rf"\bagreement in principle\b|\bdeal in principle\b|\bagreed in principle\b|\breached (?:a |an )?(?:broad|basic|substantive) agreement\b|\b(?:substantially )?(?:concluded|wrapped up|completed|finished) (?:the |their )?{_TALKS}\b|\b(?:initialled|initialed) (?:the )?(?:text|agreement|treaty|pact)\b|\bsettled the text\b", "agreed_in_principle"),
    (rf"\b{_TALKS}\b[^.;]{{0,30}}?\b(?:began|started|opened|got under way|were launched|have been under way|were under way|are under way)\b", "negotiating"),
    (rf"\b(?:began|started|opened|launched|kicked off|commenced|entered into) (?:the |their )?(?:first )?(?:formal |official )?{_TALKS}\b|\b(?:began|started) negotiating\b|\b(?:have|has|had) (?:also |now |long )?been negotiating\b|\b(?:are|is|were|was) negotiating\b", "negotiating"),
    (r"\bsigned\b|\bput (?:their|its|his|her) (?:names?|signatures?) to\b|\binked\b|\bsigning\b", "signed"),
    (r"\b(?:entered|enters|came|comes|went|goes) into (?:force|effect)\b|\bin (?:force|effect)\b|\bto(?:ok|ken|kes) effect\b|\bentry into force\b|\b(?:come|enter) into (?:force|effect)\b|\btake effect\b", "in_force"),
    (r"\bsuspended\b", "suspended"),
    (r"\bterminated\b|\bwithdrew from\b|\bpulled out of\b|\bscrapped\b", "terminated"),
    (r"\babandoned\b|\bbroke off\b|\bcalled off\b", "abandoned"),
]
STEP_CUES = [
    (r"\b(?:exchanged|swapped|traded) (?:the )?(?:diplomatic )?notes\b|\bexchange of (?:diplomatic )?notes\b|\bnotes were (?:exchanged|swapped|traded)\b", "notes_exchanged"),
    (r"\bapproved\b|\bparliamentary approval\b|\bratified\b|\bratification\b|\bconcurrence\b|\bconcurred\b|\bgave its (?:approval|consent|green light)\b|\bapproval\b|\bendorsed\b|\bvoted to (?:approve|ratify)\b", "approval"),
]
ROUND_CUE = r"\b(?P<n>first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d{1,2}(?:st|nd|rd|th))\s+round\b|\bround of (?:talks|negotiations)\b"
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10,
}
# A plan or target for a step: with a due date, a milestone.
MILESTONE_CUES = [
    (r"\b(?:conclude|finish|complete|wrap up|finalise|finalize)\b", "target_conclusion"),
    (r"\bsign\b|\bsigning\b|\bsignature\b", "signature"),
    (r"\b(?:enter|come) into force\b|\btake effect\b|\bentry into force\b", "entry_into_force"),
]
# Before a cue in its clause, a hedge, plan or denial: no step happened.
HEDGES_BEFORE = (
    r"\b(?:hope[sd]?|hoping|wants?|wanted|would|could|might|may|will|shall|should|must|plans?|planned|planning|"
    r"aims?|aimed|aiming|intends?|intended|expects?|expected|seeks?|seeking|like to|needs?|has to|have to|before|"
    r"if|once|until|yet to|not|no|neither|nor|never|denied|denies|deny|without|whether|when|propose[sd]?|possible|"
    r"cannot|can't|won't|rejected|dismissed|unless|rejecting|denying|dismissing|reports? that|claims? that)\b"
)
HEDGES_AFTER = r"^[^.;]{0,30}?\b(?:(?:is|are|was|were) (?:expected|planned|scheduled|due|likely)|yet)\b"
# An agreement other than the one the article is about: without a type named, no candidate.
OTHER_AGREEMENT = r"\b(?:another|a further|a second|a separate|a broader) (?:agreement|pact|treaty|deal)\b"
# "Agreements of this kind": the kind of agreement the article is about.
SAME_KIND = r"\b(?:of (?:this|the same) kind|such (?:agreements|pacts|treaties|deals)|similar (?:agreements|pacts|treaties|deals|arrangements)|comparable (?:agreements|pacts))\b"
PAST_MENTION = r"\b(?:already|previously|earlier|before that|so far|in the past|since)\b"
# A capital after these is a place, not a government ("signed in Manila").
LOCATIVE_BEFORE = r"\b(?:in|at|to|from|near|outside|via|into)\s+$"
# Where one clause ends and the next begins, for telling whose step a cue reports.
CLAUSE_BREAKS = r";|, (?:and|but|while|whereas|where|which|who|as)\b| as (?:it|they|both|the two)\b| — | – "
# The preposition of a partner: "signed with Australia and Britain".
WITH = r"\bwith"
# Inside a cue that spans words ("talks had not begun"): a negation makes it no step.
NEGATION = r"\b(?:not|never|no)\b|n't\b"
# A sentence that goes on with the one before: without a date, it takes that one's.
CONTINUES = r"^(?:At the same time|During the (?:meeting|visit|talks)|At the meeting)\b|\balso (?:agreed|signed|decided)\b"
# Before a date, an attribution: the day something was said, not the day of the step ("said on Wednesday").
ATTRIBUTION = r"\b(?:said|announced|told \w+|stated|reported|confirmed|added)\b[^.;]{0,30}$"
# What ties talks to the agreement they are about: "talks on a reciprocal access agreement".
TALKS_ABOUT = r"\b(?:on|over|about|for|concerning|regarding|toward|towards)\b"

DATE_PATTERNS = [
    (r"\bby (?:the )?end of (?P<m>{MONTH}) (?P<y>\d{4})\b", True),
    (r"\bby (?:the )?end of (?P<y>\d{4})\b", True),
    (r"\bby (?:the )?end of the first half of (?P<y>\d{4})(?P<h1>)\b", True),
    (r"\bby (?:the )?end of (?:the|this) year\b|\bby year[- ]end\b|\bbefore the end of the year\b|\bwithin the year\b", True),
    (r"\bby (?P<m>{MONTH}) (?P<y>\d{4})\b", True),
    (r"\b(?:as|when) (?P<m>{MONTH}) (?:began|started|opened)(?P<first>)\b", False),
    (r"\bin (?P<m>{MONTH}) (?P<ry>last year|this year)\b", False),
    (r"\b(?P<d>\d{1,2}) (?P<m>{MONTH}),? (?P<y>\d{4})\b", False),
    (r"\b(?P<m>{MONTH})\.? (?P<d>\d{1,2}),? (?P<y>\d{4})\b", False),
    (r"\b(?P<d>\d{1,2}) (?P<m>{MONTH})\b", False),
    (r"\b(?P<m>{MONTH})\.? (?P<d>\d{1,2})(?:st|nd|rd|th)?\b(?!,? \d{4})", False),
    (r"\b(?P<m>{MONTH}),? (?:of )?(?P<y>\d{4})\b", False),
    (r"\b(?:in|since|during|from|until|of|last) (?:early |late |mid-)?(?P<m>{MONTH})\b", False),
    (r"\b(?P<w>{WEEKDAY})\b", False),
    (r"\b(?P<rd>today|yesterday)\b", False),
    (r"\b(?P<same>(?:on )?the same day|that same day)\b", False),
    (r"\b(?P<rm>this month|last month)\b", False),
    (r"\b(?:in|since|during|from|until|by|of) (?:the year )?(?P<y>(?:19|20)\d{2})\b", False),
    (r"\b(?P<ry>last year|this year)\b", False),
]
RELATIVE_DAYS = {"today": 0, "yesterday": -1}
RELATIVE_MONTHS = {"this month": 0, "last month": -1}
RELATIVE_YEARS = {"last year": -1, "this year": 0}
# fmt: on
