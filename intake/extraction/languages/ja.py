"""Japanese: cue phrases, agreement types, hedges, and the one-kanji abbreviations of compounds (日仏, 日豪英).

Japanese puts the verb last and the hedge after it ("署名を目指す", "発効する見通し"); its plain non-past
("発効する。") speaks of what is still to come. Texts have no spaces, so patterns match without word breaks.
"""

# One kanji per state, in compounds of two or more (日仏, 日比, 日英伊); never alone (日 is also "day").
ABBREVIATIONS = {
    "日": "JPN",
    "仏": "FRA",
    "豪": "AUS",
    "英": "GBR",
    "比": "PHL",
    "伊": "ITA",
    "独": "DEU",
    "加": "CAN",
    "印": "IND",
    "米": "USA",
    "韓": "KOR",
    "中": "CHN",
    "露": "RUS",
    "越": "VNM",
    "尼": "IDN",
    "泰": "THA",
}
STATE_VARIANTS = {"アメリカ": "USA", "豪州": "AUS", "英国": "GBR", "米国": "USA", "ニュージーランド": "NZL"}
NOT_STATES = ("インド太平洋", "インド洋", "南シナ海", "東シナ海", "ニューカレドニア", "国連", "日本海", "中国地方")
BODIES = {r"国会|参院|衆院|参議院|衆議院": "JPN", r"連邦議会": "DEU"}

TYPES = [
    (r"訪問軍地位協定|訪問部隊地位協定|\bVFA\b", "VFA"),
    (r"地位協定|\bSOFA\b", "SOFA"),
    (r"(?:部隊間協力)?円滑化協定|\bRAA\b", "RAA"),
    (r"物品役務相互提供協定|物品・役務相互提供協定|ACSA", "ACSA"),
    (r"(?:秘密)?情報保護協定|GSOMIA", "ISA"),
    (r"防衛装備品・技術移転協定|防衛装備品及び技術の移転に関する協定|装備品・技術移転協定", "DEA"),
    (r"自由貿易協定|FTA", "FTA"),
    (r"経済連携協定|EPA", "EPA"),
    (r"防衛協力協定", "DCA"),
    (r"相互防衛条約", "MDT"),
]
ANAPHORS = r"協定|条約|交渉|同種"

STATUS_CUES = [
    (r"交渉(?:を始める|を開始する|開始|入り)(?:こと)?で(?:合意|一致)", "talks_agreed"),
    (r"大筋合意|実質合意|大筋で合意|実質的に合意|妥結(?:した|し)", "agreed_in_principle"),
    (
        r"交渉を(?:開始し|始め)(?!る)|交渉が始ま(?:った|り)|交渉中|交渉に入っ|交渉入りし|交渉を続け|交渉を進め",
        "negotiating",
    ),
    (r"署名|締結(?=した|し、|され|済み)", "signed"),
    (r"発効", "in_force"),
    (r"停止(?:した|され)", "suspended"),
    (r"破棄|失効(?:した|し)", "terminated"),
]
STEP_CUES = [
    (r"公文(?:を|の)?交換|公文を交わ", "notes_exchanged"),
    (r"承認|批准|同意", "approval"),
]
ROUND_CUE = r"第(?P<n>\d{1,2}|[一二三四五六七八九十]{1,3})回(?:の)?(?:交渉会合|交渉|会合|協議)"
ORDINALS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
MILESTONE_CUES = [
    (r"妥結|締結|交渉を終え", "target_conclusion"),
    (r"署名", "signature"),
    (r"発効", "entry_into_force"),
]
HEDGES_BEFORE = r"仮に|もし|今後"
# After the cue in its clause: a plan, an outlook, a denial, a report not confirmed, the future (する。).
HEDGES_AFTER = (
    r"^(?:する|します)(?!のは)|^(?:には|に必要|に向け|のため|を前に)|^[^。]{0,20}?(?:目指|見通し|方針|予定|考え|可能性|たい|否定|との|という|検討|"
    r"見込|必要|べき|視野|仕組み|すれば|できれば|れば|前に|とする|とされる|報道|と伝え|手続き|を得る)"
)
# Right after a cue, a past or perfect form: the step happened, whatever the clause goes on to say.
# ("合意したとの報道", a report of a step, is not the step.)
DONE_AFTER = r"^(?:した|され|していた|し[、て]|済み|を終え|を開始し)(?![^、。]{0,3}(?:との|という|と報))"
NEGATION = r"(?!x)x"  # a Japanese cue is one word: its negation follows it (HEDGES_AFTER)
# After a date, an attribution: the day something was announced, not the day of the step ("１１日発表した").
ATTRIBUTION_AFTER = r"^(?:に)?(?:発表|明らかに|公表|記者会見)"
OTHER_AGREEMENT = r"別の協定|新たな協定"
PAST_MENTION = r"すでに|既に|これまで|以前"
LOCATIVE_BEFORE = r"(?!x)x"  # Japanese marks a place after the name (マニラで): see the extraction
CLAUSE_BREAKS = r"ており、|ていたが、|ているが、|したが、|され、|終え、|続け、|始め、|開始し、|署名し、|合意し、|；"
WITH = r"(?!x)x"  # the partner's particle follows it (英国との間で): see WITH_AFTER
# After the last state named: the particle of a partner ("フランスとは", "英国との間で"), the subject being another.
WITH_AFTER = r"^(?:とは|との間で|との間では|とも|と(?=[^、。]{0,12}(?:署名|締結|発効|交渉)))"
# A sentence that goes on with the one before ("両外相はまた、..."): without a date, it takes that one's.
CONTINUES = r"^[^、。]{0,10}?また"
DATE_AFTER_WEIGHT = 3.0  # the verb comes last, after its date: a date after the cue is seldom its own

DATE_PATTERNS = [
    (r"(?P<y>\d{4})年(?:末|中)まで|(?P<y2>\d{4})年内", True),
    (r"(?P<ry>今年|来年)(?:末|中)まで|(?P<ry2>年内)|年末まで", True),
    (r"(?:(?P<y>\d{4})年)?(?P<m>\d{1,2})月末まで", True),
    (r"(?P<rm>先月|今月)(?P<d>\d{1,2})日", False),
    (r"(?P<rm>先月|今月)", False),
    (r"(?<![\d月])(?P<d>\d{1,2})日(?:と|から|～|〜|-)\d{1,2}日", False),
    (r"(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})日", False),
    (r"(?:(?P<ry>昨年|去年|今年|本年|来年))?(?P<m>\d{1,2})月(?P<d>\d{1,2})日", False),
    (r"(?P<y>\d{4})年(?P<m>\d{1,2})月", False),
    (r"(?P<ry>昨年|去年|今年|本年|来年)(?P<m>\d{1,2})月", False),
    (r"(?<![\d月年])(?P<m>\d{1,2})月(?![\d日])", False),
    (r"(?<![\d月])(?P<d>\d{1,2})日(?!間|後|前|以内|付|\d)", False),
    (r"(?P<w>{WEEKDAY})", False),
    (r"(?P<rd>本日|今日|きょう|昨日|きのう)", False),
    (r"(?P<same>同日)", False),
    (r"(?P<y>\d{4})年(?![\d度])", False),
    (r"(?P<ry>昨年|去年|今年|本年)(?![\d月])", False),
]
RELATIVE_MONTHS = {"先月": -1, "今月": 0}
RELATIVE_DAYS = {"本日": 0, "今日": 0, "きょう": 0, "昨日": -1, "きのう": -1}
RELATIVE_YEARS = {"昨年": -1, "去年": -1, "今年": 0, "本年": 0, "来年": 1, "年内": 0}
# "同種の協定": the kind of agreement the article is about.
TALKS_ABOUT = r"(?!x)x"  # the agreement comes before its talks: 円滑化協定の正式交渉
SAME_KIND = r"同種|同様の|この種の|同じ種類"
