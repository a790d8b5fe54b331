"""The seeded record (negotiations/data/record.yaml) holds every usable dated fact of shared/docs/RECORD.md §1–3,
exactly, with its precision and its source; and none of what RECORD.md §5 marks not found or unverified.

The tables below were written from RECORD.md §1–3, DOMAIN.md (for the six agreements seeded first) and the
decisions of the record plan, not from record.yaml: they are an independent statement of what the seed must hold.
A date is written as far as it is known: "2024-09-18" (the day), "2024-09" (the month), "2014" (the year); stored,
it is the first day of its period plus a precision (negotiations.choices.DatePrecision).

The test database is seeded once per run, by the session fixture `django_db_setup` of tests/conftest.py (the
same `seed_record` that `manage.py seed` runs); these tests only read it.
"""

import datetime
import re
from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from negotiations.choices import CitationRole, DatePrecision, MilestoneStatus
from negotiations.models import Agreement, Citation, Milestone, NegotiationRound, Participation, Source
from negotiations.selectors import counting_events


def parse(text: str) -> tuple[datetime.date, str]:
    """A date text and its precision: "2024-09-18" is a day, "2024-09" a month (2024-09-01), "2014" a year."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return datetime.date.fromisoformat(text), DatePrecision.DAY
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return datetime.date(int(text[:4]), int(text[5:]), 1), DatePrecision.MONTH
    if re.fullmatch(r"\d{4}", text):
        return datetime.date(int(text), 1, 1), DatePrecision.YEAR
    raise ValueError(f"not a date: {text!r}")


def period(text: str) -> tuple[datetime.date, datetime.date]:
    """The first and last day that a date text covers."""
    start, precision = parse(text)
    if precision == DatePrecision.DAY:
        return start, start
    if precision == DatePrecision.MONTH:
        following = datetime.date(start.year + start.month // 12, start.month % 12 + 1, 1)
        return start, following - datetime.timedelta(days=1)
    return start, datetime.date(start.year, 12, 31)


# --- Sources cited by more than one fact --------------------------------------------------------------------------

KANTEI_2024 = "https://japan.kantei.go.jp/101_kishida/diplomatic/202405/02luncheon.html"
JAPANTIMES_2024 = "https://www.japantimes.co.jp/news/2024/09/18/japan/politics/france-ambassador-japan-interview/"
MOFA_AU_SIGNING = "https://www.mofa.go.jp/a_o/ocn/au/page4e_001195.html"
MOFA_AU_EIF = "https://www.mofa.go.jp/press/release/press1e_000453.html"
JSCT_AU_RAA = (
    "http://www.aph.gov.au/Parliamentary_Business/Committees/Joint/Treaties/Australia-JapanRAA/Report/"
    "section?id=committees%2Freportjnt%2F024987%2F80140"
)
MOFA_UK_LAUNCH = "https://www.mofa.go.jp/press/release/press4e_003044.html"
MOFA_UK_EIF = "https://www.mofa.go.jp/press/release/press4e_003298.html"
PNA_2023 = "https://www.pna.gov.ph/articles/1213011"
MOFA_PH_SIGNING = "https://www.mofa.go.jp/s_sa/sea2/ph/pageite_000001_00432.html"
BW_NOTES = "https://www.bworldonline.com/the-nation/2025/08/12/691154/phl-japan-raa-takes-effect-in-sept"
MOFA_FR_ACSA = "https://www.mofa.go.jp/mofaj/press/release/press4_007458.html"
MOFA_FR_DEA = "https://www.mofa.go.jp/mofaj/press/release/press4_003989.html"
CHIBA_2017 = "http://chibanippo.co.jp/newspack/20170323/396103"
MOFA_DE_ACSA_EIF = "https://www.mofa.go.jp/mofaj/press/release/pressit_000001_00887.html"
EMB_DE_2023 = "https://www.de.emb-japan.go.jp/itpr_de/presse_pm231202.html"
EMB_DE_2021 = "https://www.de.emb-japan.go.jp/itpr_de/presse_pm210322.html"
J_DEFENSE_2025 = "https://j-defense.ikaros.jp/docs/mod/003652.html"
MOFA_NZ_2025 = "https://www.mofa.go.jp/press/release/pressite_000001_01940.html"
MOFA_IT_ISA = "https://www.mofa.go.jp/mofaj/press/release/press4_003394.html"
GOVUK_2013 = "https://www.gov.uk/government/news/foreign-secretary-signs-groundbreaking-defence-and-security-agreements-with-japan"
USMUSLIMS_2025 = "https://www.usmuslims.com/service/amp/japan-canada-seek-early-signing-of-security-pact-302579h.htm"
SCRIBD_VFA = "https://ru.scribd.com/document/247100611/107852"
SOBAOO_PH_FR = "https://sobaoo.com/philippines-france-start-vfa-talks-in-paris-120271.html"
NIPPON_IT_ACSA = (
    "https://www.nippon.com/en/news/yjj2024061401257/japan-italy-agree-to-start-talks-on-defense-logistics-pact.html"
)
NIKKEI_2017 = "https://www.nikkei.com/article/DGXLASFS14H09_U7A410C1EAF000/"
MENAFN_2024 = "https://menafn.com/1107701730/Japan-UAE-Defense-Equipment-Technology-Transfer-Pact-Enters-Into-Force"

# --- Status changes: (slug, status, effective date, URL of its source or None when it has none with a URL) -------

EVENTS = [
    # §1.1 and DOMAIN.md; the plan: negotiating from the ambassador's interview, month precision.
    ("france-japan-raa", "talks_agreed", "2024-05-02", KANTEI_2024),
    ("france-japan-raa", "negotiating", "2024-09", JAPANTIMES_2024),
    # The six of DOMAIN.md (record.toml), with the sources RECORD.md §2.4 adds (the UK signature).
    ("japan-australia-raa", "negotiating", "2014-07", None),
    ("japan-australia-raa", "agreed_in_principle", "2020-11-17", None),
    ("japan-australia-raa", "signed", "2022-01-06", MOFA_AU_SIGNING),
    ("japan-australia-raa", "in_force", "2023-08-13", MOFA_AU_EIF),
    ("japan-uk-raa", "negotiating", "2021-09-28", MOFA_UK_LAUNCH),
    ("japan-uk-raa", "agreed_in_principle", "2022-05-05", None),
    ("japan-uk-raa", "signed", "2023-01-11", MOFA_UK_EIF),
    ("japan-uk-raa", "in_force", "2023-10-15", MOFA_UK_EIF),
    ("japan-philippines-raa", "proposed", "2022-04", None),
    ("japan-philippines-raa", "talks_agreed", "2023-11-03", PNA_2023),
    ("japan-philippines-raa", "negotiating", "2023-11-29", None),
    ("japan-philippines-raa", "signed", "2024-07-08", MOFA_PH_SIGNING),
    ("japan-philippines-raa", "in_force", "2025-09-11", None),
    ("japan-us-sofa", "signed", "1960-01-19", None),
    ("japan-us-sofa", "in_force", "1960-06-23", None),
    # §2.1.8
    ("japan-italy-acsa", "talks_agreed", "2024-06-14", NIPPON_IT_ACSA),
    (
        "japan-italy-acsa",
        "agreed_in_principle",
        "2024-10-18",
        "https://japannews.yomiuri.co.jp/politics/defense-security/20241020-217553/",
    ),
    ("japan-italy-acsa", "signed", "2024-11-25", "https://japantimes.co.jp/news/2024/11/25/japan/japan-italy-acsa"),
    ("japan-italy-acsa", "in_force", "2025-09-05", J_DEFENSE_2025),
    # §2.1.1
    ("japan-france-acsa", "talks_agreed", "2017-01", MOFA_FR_ACSA),
    (
        "japan-france-acsa",
        "agreed_in_principle",
        "2018-01-26",
        "https://www.mofa.go.jp/mofaj/erp/we/fr/page4_003692.html",
    ),
    (
        "japan-france-acsa",
        "signed",
        "2018-07-13",
        "https://www.fr.emb-japan.go.jp/itpr_ja/20180713nichifutsu-acsa-no-shomei.html",
    ),
    ("japan-france-acsa", "in_force", "2019-06-26", MOFA_FR_ACSA),
    # §2.1.2: in force, date not found
    (
        "japan-canada-acsa",
        "agreed_in_principle",
        "2017-05-26",
        "https://manila-stv.ph/japan_news/japan-canada-reach-effective-agreement-on-defense-logistics-pact.html",
    ),
    (
        "japan-canada-acsa",
        "signed",
        "2018-04-21",
        "https://www.canada.ca/en/global-affairs/news/2018/04/"
        "canada-and-japan-sign-acquisition-and-cross-servicing-agreement-to-strengthen-military-cooperation.html",
    ),
    # §2.1.3: in force, date not found
    (
        "japan-uk-acsa",
        "talks_agreed",
        "2014-05",
        "https://expydoc.com/doc/11790219/%E6%A6%82%E8%A6%81%EF%BC%88pdf%EF%BC%89",
    ),
    (
        "japan-uk-acsa",
        "signed",
        "2017-01-26",
        "https://www.gov.uk/government/news/uk-and-japan-strengthen-defence-ties",
    ),
    # §2.1.4: the original ACSA and the new one of 2017 (its entry into force not found)
    (
        "japan-australia-acsa",
        "in_force",
        "2013-01",
        "https://www.mofa.go.jp/mofaj/gaiko/bluebook/2013/html/txt/chapter2_01_05.txt",
    ),
    (
        "japan-australia-acsa-2017",
        "signed",
        "2017-01-14",
        "http://www.defense-aerospace.com/cgi-bin/client/modele.pl?shop=dae&modele=release&prod=180345&cat=3",
    ),
    # §2.1.5: the revision; the original signature is unverified
    ("japan-us-acsa-2016", "signed", "2016-09", CHIBA_2017),
    # §2.1.6: exchange of notes and entry into force rest on note.com alone
    (
        "japan-india-acsa",
        "signed",
        "2020-09-09",
        "https://www.newindianexpress.com/nation/2020/sep/10/"
        "india-japan-ink-pact-for-reciprocal-provision-of-supplies-services-between-defence-forces-2195178.html",
    ),
    # §2.1.7 and the plan: negotiations began in September 2023
    ("japan-germany-acsa", "negotiating", "2023-09", MOFA_DE_ACSA_EIF),
    ("japan-germany-acsa", "agreed_in_principle", "2023-12", EMB_DE_2023),
    (
        "japan-germany-acsa",
        "signed",
        "2024-01-29",
        "https://www.mofa.go.jp/mofaj/press/release/pressit_000001_00269.html",
    ),
    ("japan-germany-acsa", "in_force", "2024-07-12", MOFA_DE_ACSA_EIF),
    # §2.1.9
    ("japan-new-zealand-acsa", "signed", "2025-12-19", MOFA_NZ_2025),
    # §2.1.10
    (
        "japan-philippines-acsa",
        "talks_agreed",
        "2025-04-29",
        "https://mb.com.ph/2025/4/29/ph-japan-agree-to-start-talks-on-acquisition-and-cross-servicing-pact",
    ),
    (
        "japan-philippines-acsa",
        "negotiating",
        "2025-05-28",
        "https://www.sobaoo.com/philippines-japan-start-talks-on-info-security-pact-102266.html",
    ),
    (
        "japan-philippines-acsa",
        "signed",
        "2026-01-15",
        "https://www.nippon.com/en/news/yjj2026011501066/japan-philippines-sign-mutual-logistics-support-pact.html",
    ),
    # §2.2: information-security agreements
    ("japan-us-isa", "in_force", "2007-08", EMB_DE_2021),
    ("japan-france-isa", "in_force", "2011-10-24", "https://www.mofa.go.jp/mofaj/gaiko/treaty/htmls/A-H28-037.html"),
    ("japan-australia-isa", "signed", "2012-05-17", "https://www.mofa.go.jp/announce/announce/2012/5/0517_01.html"),
    (
        "japan-australia-isa",
        "in_force",
        "2013-03",
        "https://www.asiapacificsecuritymagazine.com/australia-japan-information-security-agreement-enters-into-force/",
    ),
    ("japan-uk-isa", "signed", "2013-07", GOVUK_2013),
    ("japan-uk-isa", "in_force", "2014-01", EMB_DE_2021),
    ("japan-india-isa", "in_force", "2015-12", EMB_DE_2021),
    ("japan-italy-isa", "signed", "2016-03-19", MOFA_IT_ISA),
    ("japan-italy-isa", "in_force", "2016-06-07", MOFA_IT_ISA),
    ("japan-south-korea-isa", "in_force", "2016-11", EMB_DE_2021),
    # the plan: "negotiations had run since February 2019" is negotiating, not agreed in principle
    (
        "japan-germany-isa",
        "negotiating",
        "2019-02",
        "https://japantoday.com/category/politics/japan-germany-sign-intel-sharing-pact-to-boost-defense-cooperation",
    ),
    (
        "japan-germany-isa",
        "signed",
        "2021-03-22",
        "https://auswaertiges-amt.de/en/aussenpolitik/laenderinformationen/japan-node/"
        "japan-agreement-security-information/2449392",
    ),
    (
        "japan-new-zealand-isa",
        "agreed_in_principle",
        "2024-06-19",
        "https://toronto.citynews.ca/2024/06/19/"
        "japan-new-zealand-agree-on-intel-sharing-pact-amid-growing-regional-security-concerns/",
    ),
    ("japan-new-zealand-isa", "signed", "2025-12-19", MOFA_NZ_2025),
    (
        "japan-canada-isa",
        "talks_agreed",
        "2022-10-11",
        "https://www.marketscreener.com/news/latest/"
        "Japan-Canada-eye-information-sharing-pact-citing-challenges-to-world-order--41981582/"
        "?utm_medium=RSS&utm_content=20221011",
    ),
    ("japan-canada-isa", "agreed_in_principle", "2025", USMUSLIMS_2025),
    (
        "japan-canada-isa",
        "signed",
        "2025-07-08",
        "https://www.nippon.com/en/news/yjj2025070800863/japan-canada-sign-information-security-agreement.html",
    ),
    (
        "japan-philippines-isa",
        "proposed",
        "2025-02-24",
        "https://www.business-standard.com/amp/world-news/"
        "japan-philippines-to-boost-ties-due-to-mutual-alarm-over-china-aggression-125022400356_1.html",
    ),
    # §2.3: defence equipment and technology transfer agreements
    ("japan-uk-dea", "signed", "2013-07", GOVUK_2013),
    ("japan-australia-dea", "signed", "2014-07", "https://www.openaustralia.org.au/senate/?id=2014-07-08.36.1"),
    ("japan-france-dea", "signed", "2015-03-13", MOFA_FR_DEA),
    ("japan-france-dea", "in_force", "2016-12-01", MOFA_FR_DEA),
    (
        "japan-india-dea",
        "signed",
        "2015-12-12",
        "https://idsa.demosl-03.rvsolutions.in/publisher/"
        "make-in-india-and-the-expanding-scope-for-india-japan-defence-cooperation",
    ),
    (
        "japan-philippines-dea",
        "agreed_in_principle",
        "2015-11-19",
        "https://news.abs-cbn.com/nation/11/19/15/japan-philippines-approve-defense-equipment-transfer",
    ),
    (
        "japan-philippines-dea",
        "signed",
        "2016-02-29",
        "https://www.bloomberg.com/news/articles/2016-02-29/japan-seals-defense-equipment-transfer-deal-with-the-philippines",
    ),
    (
        "japan-italy-dea",
        "signed",
        "2017-05-22",
        "https://www.gazzettaufficiale.it/atto/serie_generale/caricaArticolo?art.codiceRedazionale=19G00016"
        "&art.dataPubblicazioneGazzetta=2019-02-12&art.flagTipoArticolo=1&art.idArticolo=7&art.idGruppo=0"
        "&art.idSottoArticolo=1&art.idSottoArticolo1=10&art.progressivo=0&art.versione=1",
    ),
    (
        "japan-germany-dea",
        "signed",
        "2017-07-17",
        "https://www.defensenews.com/2017/07/24/japan-germany-sign-deal-to-partner-amid-tensions-with-china/",
    ),
    (
        "japan-malaysia-dea",
        "talks_agreed",
        "2015-05-25",
        "https://www.japantimes.co.jp/news/2015/05/26/national/politics-diplomacy/"
        "japan-malaysia-agree-to-beef-up-defense-cooperation/",
    ),
    (
        "japan-malaysia-dea",
        "signed",
        "2018-04-18",
        "https://en.vietnamplus.vn/malaysia-japan-sign-agreement-on-defence-equipment-transfer/129761.vnp",
    ),
    (
        "japan-vietnam-dea",
        "agreed_in_principle",
        "2020-10-19",
        "https://www.daytondailynews.com/nation-world/"
        "japan-vietnam-agree-to-boost-defense-ties-resume-flights/XF5PLUBOXJFPTH7IQVI73VYZIY/",
    ),
    ("japan-vietnam-dea", "signed", "2021-09-11", "https://www.mofa.go.jp/press/release/press3e_000244.html"),
    (
        "japan-indonesia-dea",
        "signed",
        "2021-03-30",
        "https://nationalpost.com/pmn/news-pmn/with-eyes-on-china-japan-and-indonesia-bolster-security-ties",
    ),
    (
        "japan-thailand-dea",
        "signed",
        "2022-05-02",
        "https://japannews.yomiuri.co.jp/politics/defense-security/20220503-25115/",
    ),
    (
        "japan-singapore-dea",
        "talks_agreed",
        "2022-06-11",
        "https://www.straitstimes.com/singapore/singapore-and-japan-to-enhance-defence-security-and-economic-cooperation",
    ),
    (
        "japan-uae-dea",
        "signed",
        "2023-05-25",
        "https://eastcoastdaily.in/2023/05/27/"
        "japan-signs-deal-with-the-united-arab-emirates-for-defence-equipment-and-technology-transfer.html",
    ),
    ("japan-uae-dea", "in_force", "2024-01-09", MENAFN_2024),
    ("japan-canada-dea", "agreed_in_principle", "2025", USMUSLIMS_2025),
    # §2.4: RAAs with other partners
    (
        "japan-germany-raa",
        "proposed",
        "2026-03-22",
        "https://www.grosswald.org/pistorius-germany-japan-reciprocal-access-agreement-yokosuka-first-outside-nato/",
    ),
    (
        "japan-canada-raa",
        "proposed",
        "2026-03-06",
        "https://japannews.yomiuri.co.jp/politics/politics-government/20260306-314935/",
    ),
    # §3: other states' visiting-forces agreements
    ("philippines-us-vfa", "signed", "1998-02-10", SCRIBD_VFA),
    ("philippines-us-vfa", "in_force", "1999-06-01", SCRIBD_VFA),
    ("philippines-us-vfa-2", "signed", "1998-10-09", SCRIBD_VFA),
    ("philippines-us-vfa-2", "in_force", "1999-06-01", SCRIBD_VFA),
    (
        "philippines-australia-sovfa",
        "signed",
        "2007-05-31",
        "https://aph.gov.au/Parliamentary_Business/Committees/Joint/Completed_Inquiries/jsct/7august2007/report1/chapter3",
    ),
    (
        "philippines-australia-sovfa",
        "in_force",
        "2012-09",
        "https://www.imoa.ph/the-philippines-search-for-strategic-partners/",
    ),
    (
        "philippines-new-zealand-sovfa",
        "signed",
        "2025-04-30",
        "https://www.philstar.com/headlines/2025/04/30/2439523/philippines-new-zealand-sign-visiting-forces-agreement",
    ),
    (
        "philippines-canada-sovfa",
        "negotiating",
        "2025-01-16",
        "https://thevoicenewsweekly.com/ph-canada-conclude-negotiations-on-status-of-visiting-forces-agreement/",
    ),
    ("philippines-canada-sovfa", "agreed_in_principle", "2025-03-08", "https://www.geopoliticalmonitor.com/?p=46636"),
    (
        "philippines-canada-sovfa",
        "signed",
        "2025-11-02",
        "https://www.newswatchplus.ph/news/2025/11/2/ph-canada-sign-sovfa.html",
    ),
    (
        "philippines-france-sovfa",
        "talks_agreed",
        "2024-07",
        "https://eurotvph.com/"
        "france-to-submit-draft-military-interoperability-agreement-with-the-philippines-by-end-of-september-envoy",
    ),
    ("philippines-france-sovfa", "negotiating", "2025-06", SOBAOO_PH_FR),
    (
        "australia-papua-new-guinea-pukpuk-treaty",
        "agreed_in_principle",
        "2025-09-17",
        "https://www.nbc.com.pg/post/26673/png-and-australia-sign-pukpuk-treaty-communique",
    ),
    (
        "australia-papua-new-guinea-pukpuk-treaty",
        "signed",
        "2025-10-06",
        "https://www.perthnow.com.au/news/politics/federal-politics/"
        "australia-png-to-ink-historic-war-pact-in-canberra-c-20252422",
    ),
    (
        "australia-indonesia-dca",
        "agreed_in_principle",
        "2024-08-20",
        "https://www.perthnow.com.au/news/australia-indonesia-to-sign-historic-defence-treaty-c-15765297",
    ),
    ("australia-indonesia-dca", "signed", "2024-08-29", "https://arabnews.com/node/2569313/amp"),
]

# --- Milestones: (slug, due date, status, URL of its source or None); matched by agreement + due date + status ----

MILESTONES = [
    # §1.1: the reported French sounding-out (the Sankei original as source), the 2+2 meetings that moved the RAA,
    # the foreign ministers' calls; the year-end target of DOMAIN.md stays planned (overdue).
    ("france-japan-raa", "2021-12-05", "done", "https://www.sankei.com/article/20211205-O3IA75UI75I35LY7UY65JOJIHE/"),
    ("france-japan-raa", "2022-01-20", "done", "https://sp.m.jiji.com/english/show/17467"),
    (
        "france-japan-raa",
        "2023-05-09",
        "done",
        "https://www.nippon.com/en/news/yjj2023050900644/japan-france-to-accelerate-talks-for-defense-cooperation.html",
    ),
    ("france-japan-raa", "2024-10-11", "done", "https://www.fr.emb-japan.go.jp/itpr_ja/11_000001_02691.html"),
    ("france-japan-raa", "2024-11-26", "done", "https://sankeiweekly.com/politics/50011.html"),
    ("france-japan-raa", "2024-12-31", "planned", JAPANTIMES_2024),
    # §1.2: the 1st and 2nd 2+2 moved the equipment agreement, the 3rd and 4th the ACSA
    ("japan-france-dea", "2014-01", "done", "http://www.clearing.mod.go.jp/hakusho_data/2014/html/n3328000.html"),
    ("japan-france-dea", "2015-03-13", "done", "http://www.mod.go.jp/e/jdf/no63/leaders.html"),
    ("japan-france-acsa", "2017-01", "done", "https://www.mofa.go.jp/mofaj/erp/we/fr/page11_000033.html"),
    (
        "japan-france-acsa",
        "2018-01-26",
        "done",
        "https://japantoday.com/category/politics/update3-japan-france-strike-broad-accord-on-defense-sharing-pact",
    ),
    # §2.1.1: Japan notifies France that its procedures are complete
    ("japan-france-acsa", "2019-05-27", "done", MOFA_FR_ACSA),
    # DOMAIN.md (record.toml) for the six, with the URLs RECORD.md gives their sources
    ("japan-australia-raa", "2022-02-14", "done", JSCT_AU_RAA),
    ("japan-australia-raa", "2022-09-05", "done", JSCT_AU_RAA),
    ("japan-australia-raa", "2023-08-08", "done", MOFA_AU_EIF),
    ("japan-uk-raa", "2023-09-15", "done", MOFA_UK_EIF),
    ("japan-philippines-raa", "2024-06-11", "done", None),
    ("japan-philippines-raa", "2024-11-05", "done", "https://www.manila-shimbun.com/category/english/news280692.html"),
    (
        "japan-philippines-raa",
        "2024-11-25",
        "done",
        "https://tribune.net.ph/2024/12/16/senate-concurs-with-phl-japan-reciprocal-access-agreement",
    ),
    ("japan-philippines-raa", "2025-08-12", "done", BW_NOTES),
    ("japan-italy-acsa", "2025-08-06", "done", J_DEFENSE_2025),
    # §2.1.3–2.1.5: both houses passed the UK, Australia and revised US ACSAs together
    ("japan-uk-acsa", "2017-03-23", "done", CHIBA_2017),
    ("japan-uk-acsa", "2017-04-14", "done", NIKKEI_2017),
    ("japan-australia-acsa-2017", "2017-03-23", "done", CHIBA_2017),
    ("japan-australia-acsa-2017", "2017-04-14", "done", NIKKEI_2017),
    ("japan-us-acsa-2016", "2017-03-23", "done", CHIBA_2017),
    ("japan-us-acsa-2016", "2017-04-14", "done", NIKKEI_2017),
    # §2.1.7
    ("japan-germany-acsa", "2022-11", "done", EMB_DE_2023),
    ("japan-germany-acsa", "2024-05-16", "done", MOFA_DE_ACSA_EIF),
    # §2.1.9
    (
        "japan-new-zealand-acsa",
        "2024-06-19",
        "done",
        "https://japannews.yomiuri.co.jp/politics/politics-government/20240620-193389/",
    ),
    # §2.2
    (
        "japan-australia-isa",
        "2012-10-30",
        "done",
        "https://www.aph.gov.au/parliamentary_business/committees/house_of_representatives_committees"
        "?url=jsct/18september2012/report/chapter4.htm",
    ),
    ("japan-italy-isa", "2016-06-07", "done", MOFA_IT_ISA),  # notes exchanged, in force that day
    ("japan-canada-isa", "2025-06-17", "done", USMUSLIMS_2025),
    ("japan-philippines-isa", "2025-04-29", "done", "https://manila-shimbun.com/ja/category/english/news286862.html"),
    # §2.3: notices / notes exchanged on the day of entry into force; the leaders' G7 meeting covered both pacts
    ("japan-france-dea", "2016-12-01", "done", MOFA_FR_DEA),
    ("japan-uae-dea", "2024-01-09", "done", MENAFN_2024),
    ("japan-canada-dea", "2025-06-17", "done", USMUSLIMS_2025),
    # §3
    (
        "philippines-us-vfa",
        "1999-05-25",
        "done",
        "https://www.thefreelibrary.com/Philippine+Senate+approves+VFA+on+second+reading-a054889143",
    ),
    (
        "philippines-new-zealand-sovfa",
        "2025-02",
        "done",
        "https://sobaoo.com/philippines-new-zealand-to-sign-vfa-this-week-77856.html",
    ),
    ("philippines-france-sovfa", "2023-12-02", "done", SOBAOO_PH_FR),
    ("philippines-france-sovfa", "2024-05", "cancelled", None),  # AP, 2024-04-25: no URL given
]

# --- Negotiation rounds: (slug, number, start, URL of its source or None) ----------------------------------------

ROUNDS = [
    ("japan-uk-raa", 1, "2021-10-07", MOFA_UK_LAUNCH),
    ("japan-philippines-raa", 1, "2023-11-29", None),
    ("philippines-france-sovfa", 1, "2025-06", SOBAOO_PH_FR),
    (
        "philippines-france-sovfa",
        2,
        "2025-12",
        "https://mb.com.ph/2025/12/11/dnd-ph-france-discussions-on-visiting-forces-of-agreement-productive-on-the-right-track",
    ),
]

# --- Each party's own steps: (slug, state, field, value text; None: must be empty) --------------------------------

PARTY_STEPS = [
    ("japan-australia-raa", "JPN", "signed_on", "2022-01-06"),
    ("japan-australia-raa", "JPN", "approval_status", "approved"),
    ("japan-australia-raa", "JPN", "approval_body", "Diet"),
    ("japan-australia-raa", "JPN", "approval_decided_on", "2023-04-28"),
    ("japan-australia-raa", "JPN", "entry_into_force_on", "2023-08-13"),
    ("japan-australia-raa", "AUS", "signed_on", "2022-01-06"),
    ("japan-australia-raa", "AUS", "approval_status", "submitted"),
    ("japan-australia-raa", "AUS", "approval_submitted_on", "2022-02-14"),
    ("japan-australia-raa", "AUS", "approval_decided_on", None),
    ("japan-australia-raa", "AUS", "entry_into_force_on", "2023-08-13"),
    ("japan-uk-raa", "JPN", "signed_on", "2023-01-11"),
    ("japan-uk-raa", "JPN", "approval_status", "approved"),
    ("japan-uk-raa", "JPN", "approval_body", "Diet"),
    ("japan-uk-raa", "JPN", "approval_decided_on", "2023-04-28"),
    ("japan-uk-raa", "JPN", "entry_into_force_on", "2023-10-15"),
    ("japan-uk-raa", "GBR", "signed_on", "2023-01-11"),
    ("japan-uk-raa", "GBR", "entry_into_force_on", "2023-10-15"),
    ("japan-philippines-raa", "JPN", "signed_on", "2024-07-08"),
    ("japan-philippines-raa", "JPN", "approval_status", "approved"),
    ("japan-philippines-raa", "JPN", "approval_body", "Diet"),
    ("japan-philippines-raa", "JPN", "approval_submitted_on", "2025-05-02"),
    ("japan-philippines-raa", "JPN", "approval_decided_on", "2025-06-06"),
    ("japan-philippines-raa", "JPN", "entry_into_force_on", "2025-09-11"),
    ("japan-philippines-raa", "PHL", "signed_on", "2024-07-08"),
    ("japan-philippines-raa", "PHL", "approval_status", "approved"),
    ("japan-philippines-raa", "PHL", "approval_body", "Senate"),
    ("japan-philippines-raa", "PHL", "approval_decided_on", "2024-12-16"),
    ("japan-philippines-raa", "PHL", "entry_into_force_on", "2025-09-11"),
    ("japan-us-sofa", "JPN", "signed_on", "1960-01-19"),
    ("japan-us-sofa", "JPN", "entry_into_force_on", "1960-06-23"),
    ("japan-us-sofa", "USA", "signed_on", "1960-01-19"),
    ("japan-us-sofa", "USA", "entry_into_force_on", "1960-06-23"),
    ("france-japan-raa", "JPN", "signed_on", None),
    ("france-japan-raa", "JPN", "approval_decided_on", None),
    ("france-japan-raa", "FRA", "signed_on", None),
    ("france-japan-raa", "FRA", "approval_decided_on", None),
    # §2.1.8: referred to the Diet on 2 May 2025; the final approval is not found
    ("japan-italy-acsa", "JPN", "approval_status", "submitted"),
    ("japan-italy-acsa", "JPN", "approval_submitted_on", "2025-05-02"),
    ("japan-italy-acsa", "JPN", "approval_decided_on", None),
    # §2.1.1, §2.1.2: the upper house approved on "the 8th" of a month the source does not give
    ("japan-france-acsa", "JPN", "approval_status", "approved"),
    ("japan-france-acsa", "JPN", "approval_decided_on", None),
    ("japan-canada-acsa", "JPN", "approval_status", "approved"),
    ("japan-canada-acsa", "JPN", "approval_decided_on", None),
    # §2.1.3–2.1.5: the House of Councillors, 14 April 2017
    ("japan-uk-acsa", "JPN", "approval_status", "approved"),
    ("japan-uk-acsa", "JPN", "approval_decided_on", "2017-04-14"),
    ("japan-australia-acsa-2017", "JPN", "approval_status", "approved"),
    ("japan-australia-acsa-2017", "JPN", "approval_decided_on", "2017-04-14"),
    ("japan-us-acsa-2016", "JPN", "approval_status", "approved"),
    ("japan-us-acsa-2016", "JPN", "approval_decided_on", "2017-04-14"),
    # §2.1.6
    ("japan-india-acsa", "JPN", "approval_status", "approved"),
    ("japan-india-acsa", "JPN", "approval_decided_on", "2021-05-19"),
    # §2.1.7: the month of the upper house's vote is unverified
    ("japan-germany-acsa", "JPN", "approval_status", "approved"),
    ("japan-germany-acsa", "JPN", "approval_decided_on", None),
    # §2.2: tabled in the Australian Parliament
    ("japan-australia-isa", "AUS", "approval_submitted_on", "2012-10-30"),
    # §3
    ("philippines-us-vfa", "PHL", "approval_status", "approved"),
    ("philippines-us-vfa", "PHL", "approval_decided_on", "1999-05"),
    ("philippines-australia-sovfa", "PHL", "approval_status", "approved"),
    ("philippines-australia-sovfa", "PHL", "approval_decided_on", None),  # the day rests on Wikipedia alone
    ("philippines-new-zealand-sovfa", "PHL", "approval_decided_on", None),
    ("philippines-canada-sovfa", "PHL", "approval_decided_on", None),
]

# --- Where each agreement stands, and its parties ----------------------------------------------------------------

FINAL_STATUS = {
    "france-japan-raa": "negotiating",
    "japan-australia-raa": "in_force",
    "japan-uk-raa": "in_force",
    "japan-philippines-raa": "in_force",
    "japan-us-sofa": "in_force",
    "japan-italy-acsa": "in_force",
    "japan-france-acsa": "in_force",
    "japan-canada-acsa": "signed",  # reported in force, date not found
    "japan-uk-acsa": "signed",  # reported in force, date not found
    "japan-australia-acsa": "in_force",
    "japan-australia-acsa-2017": "signed",  # entry into force not found
    "japan-us-acsa-2016": "signed",
    "japan-india-acsa": "signed",  # entry into force rests on note.com alone
    "japan-germany-acsa": "in_force",
    "japan-new-zealand-acsa": "signed",
    "japan-philippines-acsa": "signed",
    "japan-us-isa": "in_force",
    "japan-france-isa": "in_force",
    "japan-australia-isa": "in_force",
    "japan-uk-isa": "in_force",
    "japan-india-isa": "in_force",
    "japan-italy-isa": "in_force",
    "japan-south-korea-isa": "in_force",
    "japan-germany-isa": "signed",
    "japan-new-zealand-isa": "signed",
    "japan-canada-isa": "signed",  # in force before 2026-03-06, date not found
    "japan-philippines-isa": "proposed",
    "japan-uk-dea": "signed",
    "japan-australia-dea": "signed",
    "japan-france-dea": "in_force",
    "japan-india-dea": "signed",
    "japan-philippines-dea": "signed",
    "japan-italy-dea": "signed",
    "japan-germany-dea": "signed",  # in force on signature rests on 5ch alone
    "japan-malaysia-dea": "signed",
    "japan-vietnam-dea": "signed",
    "japan-indonesia-dea": "signed",
    "japan-thailand-dea": "signed",
    "japan-singapore-dea": "talks_agreed",
    "japan-uae-dea": "in_force",
    "japan-canada-dea": "agreed_in_principle",  # signed before 2026-03-06, date not found
    "japan-germany-raa": "proposed",
    "japan-canada-raa": "proposed",
    "philippines-us-vfa": "in_force",
    "philippines-us-vfa-2": "in_force",
    "philippines-australia-sovfa": "in_force",
    "philippines-new-zealand-sovfa": "signed",
    "philippines-canada-sovfa": "signed",
    "philippines-france-sovfa": "negotiating",
    "australia-papua-new-guinea-pukpuk-treaty": "signed",
    "australia-indonesia-dca": "signed",
}

PARTIES = {
    "france-japan-raa": "FRA JPN",
    "japan-australia-raa": "AUS JPN",
    "japan-uk-raa": "GBR JPN",
    "japan-philippines-raa": "JPN PHL",
    "japan-us-sofa": "JPN USA",
    "japan-italy-acsa": "ITA JPN",
    "japan-france-acsa": "FRA JPN",
    "japan-canada-acsa": "CAN JPN",
    "japan-uk-acsa": "GBR JPN",
    "japan-australia-acsa": "AUS JPN",
    "japan-australia-acsa-2017": "AUS JPN",
    "japan-us-acsa-2016": "JPN USA",
    "japan-india-acsa": "IND JPN",
    "japan-germany-acsa": "DEU JPN",
    "japan-new-zealand-acsa": "JPN NZL",
    "japan-philippines-acsa": "JPN PHL",
    "japan-us-isa": "JPN USA",
    "japan-france-isa": "FRA JPN",
    "japan-australia-isa": "AUS JPN",
    "japan-uk-isa": "GBR JPN",
    "japan-india-isa": "IND JPN",
    "japan-italy-isa": "ITA JPN",
    "japan-south-korea-isa": "JPN KOR",
    "japan-germany-isa": "DEU JPN",
    "japan-new-zealand-isa": "JPN NZL",
    "japan-canada-isa": "CAN JPN",
    "japan-philippines-isa": "JPN PHL",
    "japan-uk-dea": "GBR JPN",
    "japan-australia-dea": "AUS JPN",
    "japan-france-dea": "FRA JPN",
    "japan-india-dea": "IND JPN",
    "japan-philippines-dea": "JPN PHL",
    "japan-italy-dea": "ITA JPN",
    "japan-germany-dea": "DEU JPN",
    "japan-malaysia-dea": "JPN MYS",
    "japan-vietnam-dea": "JPN VNM",
    "japan-indonesia-dea": "IDN JPN",
    "japan-thailand-dea": "JPN THA",
    "japan-singapore-dea": "JPN SGP",
    "japan-uae-dea": "ARE JPN",
    "japan-canada-dea": "CAN JPN",
    "japan-germany-raa": "DEU JPN",
    "japan-canada-raa": "CAN JPN",
    "philippines-us-vfa": "PHL USA",
    "philippines-us-vfa-2": "PHL USA",
    "philippines-australia-sovfa": "AUS PHL",
    "philippines-new-zealand-sovfa": "NZL PHL",
    "philippines-canada-sovfa": "CAN PHL",
    "philippines-france-sovfa": "FRA PHL",
    "australia-papua-new-guinea-pukpuk-treaty": "AUS PNG",
    "australia-indonesia-dca": "AUS IDN",
}

# --- Further sources the plan requires: (slug, fact, key, URL, role); key: event (status, date), milestone
# (due date, status), party (state,) -----------------------------------------------------------------------------

CITATIONS = [
    ("france-japan-raa", "milestone", ("2021-12-05", "done"), "http://2blo.net/link?kiji_id=3145713", "states"),
    (
        "france-japan-raa",
        "milestone",
        ("2021-12-05", "done"),
        "https://sputniknews.jp/amp/20211206/9680364.html",
        "states",
    ),
    (
        "japan-france-acsa",
        "event",
        ("signed", "2018-07-13"),
        "https://japannews.yomiuri.co.jp/society/general-news/20240503-183943/",
        "contradicts",
    ),
    (
        "philippines-australia-sovfa",
        "party",
        ("PHL",),
        "https://en.wikipedia.org/wiki/Philippines%E2%80%93Australia_Status_of_Visiting_Forces_Agreement",
        "states",
    ),
]

# --- Publication dates RECORD.md gives the sources of these facts (None: "n/d") ------------------------------------

SOURCE_DATES = {
    KANTEI_2024: "2024-05-02",
    JAPANTIMES_2024: "2024-09-18",
    "https://www.sankei.com/article/20211205-O3IA75UI75I35LY7UY65JOJIHE/": "2021-12-05",
    "https://sp.m.jiji.com/english/show/17467": "2022-01-21",
    "https://www.nippon.com/en/news/yjj2023050900644/japan-france-to-accelerate-talks-for-defense-cooperation.html": (
        "2023-05-09"
    ),
    "https://www.fr.emb-japan.go.jp/itpr_ja/11_000001_02691.html": "2024-10-11",
    "https://sankeiweekly.com/politics/50011.html": None,
    MOFA_AU_SIGNING: "2022-01-06",
    MOFA_AU_EIF: "2023-08-08",
    MOFA_UK_LAUNCH: "2021-09-28",
    MOFA_UK_EIF: "2023-09-15",
    BW_NOTES: "2025-08-12",
    "https://www.manila-shimbun.com/category/english/news280692.html": None,
    "https://tribune.net.ph/2024/12/16/senate-concurs-with-phl-japan-reciprocal-access-agreement": "2024-12-16",
    "https://japannews.yomiuri.co.jp/politics/defense-security/20241020-217553/": "2024-10-20",
    "https://japantimes.co.jp/news/2024/11/25/japan/japan-italy-acsa": "2024-11-25",
    J_DEFENSE_2025: "2025-08-12",
    NIPPON_IT_ACSA: "2024-06-15",
    NIKKEI_2017: "2017-04-14",
    MENAFN_2024: "2024-01-09",
    MOFA_FR_ACSA: "2019-05-28",
    "https://www.fr.emb-japan.go.jp/itpr_ja/20180713nichifutsu-acsa-no-shomei.html": "2018-07-18",
    "https://japantoday.com/category/politics/update3-japan-france-strike-broad-accord-on-defense-sharing-pact": (
        "2018-01-26"
    ),
    "https://manila-stv.ph/japan_news/japan-canada-reach-effective-agreement-on-defense-logistics-pact.html": (
        "2017-05-28"
    ),
    "https://www.gov.uk/government/news/uk-and-japan-strengthen-defence-ties": "2017-01-26",
    CHIBA_2017: "2017-03-23",
    "http://www.defense-aerospace.com/cgi-bin/client/modele.pl?shop=dae&modele=release&prod=180345&cat=3": (
        "2017-01-14"
    ),
    MOFA_DE_ACSA_EIF: "2024-07-12",
    EMB_DE_2023: "2023-12-02",
    "https://www.mofa.go.jp/mofaj/press/release/pressit_000001_00269.html": "2024-01-29",
    "https://japannews.yomiuri.co.jp/politics/politics-government/20240620-193389/": "2024-06-20",
    MOFA_NZ_2025: "2025-12-19",
    "https://mb.com.ph/2025/4/29/ph-japan-agree-to-start-talks-on-acquisition-and-cross-servicing-pact": "2025-04-29",
    "https://www.sobaoo.com/philippines-japan-start-talks-on-info-security-pact-102266.html": "2025-05-29",
    "https://www.nippon.com/en/news/yjj2026011501066/japan-philippines-sign-mutual-logistics-support-pact.html": (
        "2026-01-15"
    ),
    EMB_DE_2021: "2021-03-22",
    "https://www.mofa.go.jp/announce/announce/2012/5/0517_01.html": "2012-05-17",
    "https://www.asiapacificsecuritymagazine.com/australia-japan-information-security-agreement-enters-into-force/": (
        "2013-03-26"
    ),
    MOFA_IT_ISA: "2016-06-16",
    "https://japantoday.com/category/politics/japan-germany-sign-intel-sharing-pact-to-boost-defense-cooperation": (
        "2021-03-22"
    ),
    USMUSLIMS_2025: "2025-06",
    "https://www.nippon.com/en/news/yjj2025070800863/japan-canada-sign-information-security-agreement.html": (
        "2025-07-09"
    ),
    "https://www.openaustralia.org.au/senate/?id=2014-07-08.36.1": "2014-07-08",
    MOFA_FR_DEA: "2016-12-02",
    "https://news.abs-cbn.com/nation/11/19/15/japan-philippines-approve-defense-equipment-transfer": "2015-11-20",
    "https://www.defensenews.com/2017/07/24/japan-germany-sign-deal-to-partner-amid-tensions-with-china/": (
        "2017-07-24"
    ),
    "https://en.vietnamplus.vn/malaysia-japan-sign-agreement-on-defence-equipment-transfer/129761.vnp": "2018-04",
    "https://www.mofa.go.jp/press/release/press3e_000244.html": "2021-09-13",
    "https://japannews.yomiuri.co.jp/politics/defense-security/20220503-25115/": "2022-05-03",
    "https://japannews.yomiuri.co.jp/politics/politics-government/20260306-314935/": "2026-03-06",
    "https://www.grosswald.org/pistorius-germany-japan-reciprocal-access-agreement-yokosuka-first-outside-nato/": (
        "2026-03-22"
    ),
    "https://www.thefreelibrary.com/Philippine+Senate+approves+VFA+on+second+reading-a054889143": "1999-05",
    "https://sobaoo.com/philippines-new-zealand-to-sign-vfa-this-week-77856.html": "2025-04",
    "https://thevoicenewsweekly.com/ph-canada-conclude-negotiations-on-status-of-visiting-forces-agreement/": (
        "2025-03"
    ),
    "https://www.newswatchplus.ph/news/2025/11/2/ph-canada-sign-sovfa.html": "2025-11-02",
    SOBAOO_PH_FR: "2025-06-27",
    (
        "https://eurotvph.com/"
        "france-to-submit-draft-military-interoperability-agreement-with-the-philippines-by-end-of-september-envoy"
    ): "2024",
    "https://www.nbc.com.pg/post/26673/png-and-australia-sign-pukpuk-treaty-communique": "2025-09-17",
    (
        "https://www.perthnow.com.au/news/politics/federal-politics/"
        "australia-png-to-ink-historic-war-pact-in-canberra-c-20252422"
    ): "2025-10",
    "https://www.perthnow.com.au/news/australia-indonesia-to-sign-historic-defence-treaty-c-15765297": "2024-08-20",
    "https://arabnews.com/node/2569313/amp": "2024-08-29",
    "https://japannews.yomiuri.co.jp/society/general-news/20240503-183943/": "2024-05-03",
}

# --- What RECORD.md §5 and the plan's decisions keep out ------------------------------------------------------------

ABSENT_AGREEMENTS = ["japan-new-zealand-raa", "japan-nato-isa", "japan-sweden-dea"]

# (slug, status): no status change of this kind
ABSENT_EVENTS = [
    ("france-japan-raa", "agreed_in_principle"),
    ("france-japan-raa", "signed"),
    ("france-japan-raa", "in_force"),
    ("japan-uk-acsa", "in_force"),
    ("japan-canada-acsa", "in_force"),
    ("japan-australia-acsa-2017", "in_force"),
    ("japan-us-acsa-2016", "in_force"),
    ("japan-india-acsa", "in_force"),
    ("japan-new-zealand-acsa", "in_force"),
    ("japan-philippines-acsa", "in_force"),
    ("japan-italy-acsa", "negotiating"),
    ("japan-germany-isa", "agreed_in_principle"),
    ("japan-germany-isa", "in_force"),
    ("japan-new-zealand-isa", "in_force"),
    ("japan-canada-isa", "in_force"),
    ("japan-india-isa", "signed"),
    ("japan-philippines-isa", "talks_agreed"),
    ("japan-philippines-isa", "negotiating"),
    ("japan-germany-dea", "in_force"),
    ("japan-canada-dea", "signed"),
    ("japan-singapore-dea", "signed"),
    ("japan-germany-raa", "talks_agreed"),
    ("japan-canada-raa", "talks_agreed"),
    ("japan-canada-raa", "negotiating"),
    ("philippines-new-zealand-sovfa", "in_force"),
    ("philippines-canada-sovfa", "in_force"),
    ("philippines-france-sovfa", "agreed_in_principle"),
]

# (slug, date text, why): no status change, milestone, round or party's step of the agreement falls in that period
ABSENT_ON = [
    ("france-japan-raa", "2019-01", "the 5th 2+2 (Brest) moved no agreement"),
    ("japan-france-acsa", "2019-01", "the 5th 2+2 (Brest) moved no agreement"),
    ("japan-france-dea", "2019-01", "the 5th 2+2 (Brest) moved no agreement"),
    ("france-japan-raa", "2025-05-02", "the FMs' lunch: no RAA mention"),
    ("france-japan-raa", "2025-04-16", "the Ishiba–Macron call: no RAA mention"),
    ("france-japan-raa", "2024-03-05", "thesun.my's date field, before the event it reports"),
    ("france-japan-raa", "2024-05-01", "Japan Today's time-zone date"),
    ("japan-australia-raa", "2022-12", "GIFAS's 'concluded in December 2022'"),
    ("japan-uk-raa", "2022-12", "GIFAS's 'concluded in December 2022'"),
    ("japan-france-acsa", "2019-05-08", "the upper house's '8th': the month is inferred"),
    ("japan-canada-acsa", "2019-05-08", "the upper house's '8th': the month is inferred"),
    ("japan-canada-acsa", "2019-06", "NHK only expected entry into force the following month"),
    ("japan-us-acsa-2016", "1996", "original signature unverified"),
    ("japan-us-acsa-2016", "1998", "original signature unverified"),
    ("japan-india-acsa", "2020-04-26", "yestoday-piano-bar.fr's virtual summit"),
    ("japan-india-acsa", "2021-06-11", "exchange of notes: note.com alone"),
    ("japan-india-acsa", "2021-07-11", "entry into force: note.com alone"),
    ("japan-germany-acsa", "2024-04", "the upper house's month is an inference"),
    ("japan-italy-acsa", "2025-05-09", "the committee vote is unverified"),
    ("japan-italy-acsa", "2025-06-06", "final Diet approval not found"),
    ("japan-philippines-acsa", "2025-05-29", "todayheadline's date of the FMs' meeting"),
    ("japan-germany-isa", "2021-02-17", "instantanius.com's Suga–Merkel signing"),
    ("japan-india-isa", "2015-12-12", "the ISA's signing day is not verified"),
    ("japan-canada-isa", "2026-03-06", "the joint statement's date is not the entry into force"),
    ("japan-canada-dea", "2026-03-06", "the joint statement's date is not the signature"),
    ("japan-uae-dea", "2023-05-27", "cedarnews's Saturday"),
    ("philippines-us-vfa", "1999-05-27", "the Senate's day rests on kennedywarne.com"),
    ("philippines-australia-sovfa", "2012-07-24", "the Senate vote rests on Wikipedia alone"),
    ("philippines-australia-sovfa", "2012-09-28", "the day of entry into force rests on Wikipedia alone"),
    ("philippines-france-sovfa", "2025-06-17", "the article's 'June 17' typo"),
    ("australia-papua-new-guinea-pukpuk-treaty", "2025-10-05", "PerthNow's preview date"),
]

NO_ROUNDS = ["france-japan-raa", "philippines-new-zealand-sovfa", "philippines-canada-sovfa"]

FRANCE_JAPAN = ["france-japan-raa", "japan-france-acsa", "japan-france-dea"]

# Facts of DOMAIN.md that record.toml gives without a source and RECORD.md gives none for (the UK RAA's signature
# has one in RECORD.md §2.4, which EVENTS requires).
UNSOURCED = {
    ("event", "japan-us-sofa", "signed 1960-01-19"),
    ("event", "japan-us-sofa", "in_force 1960-06-23"),
    ("party", "japan-us-sofa", "JPN"),
    ("party", "japan-us-sofa", "USA"),
    ("event", "japan-philippines-raa", "proposed 2022-04-01"),
    ("event", "japan-philippines-raa", "negotiating 2023-11-29"),
    ("round", "japan-philippines-raa", "1"),
    ("milestone", "japan-philippines-raa", "done 2024-06-11"),
}

# Weak sources (RECORD.md §4.11, the plan): corroboration only, never the source a fact is recorded with ...
WEAK_HOSTS = (
    "2blo.net",
    "5ch.net",
    "wikipedia.org",
    "note.com",
    "kennedywarne.com",
    "shinchonews.com",
    "sankeiweekly.com",
    "nippontime.com",
)
# ... except the Kyodo report of 2024-11-26, which RECORD.md lists with its sankeiweekly repost as its only URL.
WEAK_ALLOWED = {("milestone", "france-japan-raa", "done 2024-11-26")}


def _row_id(*parts: object) -> str:
    return "-".join(str(part) for part in parts)


def _check_url(source: Source | None, url: str | None) -> None:
    if url is None:
        assert source is None or source.url == "", f"expected a source without URL, got {source and source.url}"
    else:
        assert source is not None, f"expected the source {url}, got none"
        assert source.url == url


def _is_weak(url: str) -> bool:
    host = (urlsplit(url).hostname or "").rstrip(".")
    return any(host == weak or host.endswith("." + weak) for weak in WEAK_HOSTS)


# --- The tables are consistent with themselves ----------------------------------------------------------------------


def test_the_tables_are_consistent() -> None:
    assert set(PARTIES) == set(FINAL_STATUS)
    for slug, *_ in [*EVENTS, *MILESTONES, *ROUNDS, *PARTY_STEPS]:
        assert slug in FINAL_STATUS, slug
    events = [(slug, status, parse(date)) for slug, status, date, _ in EVENTS]
    assert len(set(events)) == len(events)
    milestones = [(slug, parse(due), status) for slug, due, status, _ in MILESTONES]
    assert len(set(milestones)) == len(milestones)
    steps = [(slug, state, field) for slug, state, field, _ in PARTY_STEPS]
    assert len(set(steps)) == len(steps)
    last: dict[str, tuple[datetime.date, str]] = {}
    for slug, status, date, _ in EVENTS:
        day = parse(date)[0]
        assert slug not in last or last[slug][0] <= day, f"{slug}: EVENTS out of date order"
        last[slug] = (day, status)
    assert {slug: status for slug, (_, status) in last.items()} == FINAL_STATUS
    urls = {url for *_, url in [*EVENTS, *MILESTONES, *ROUNDS]} | {url for *_, url, _ in CITATIONS}
    assert set(SOURCE_DATES) <= urls


# --- Status changes -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "status", "date", "url"), EVENTS, ids=[_row_id(slug, status, date) for slug, status, date, _ in EVENTS]
)
def test_event(slug: str, status: str, date: str, url: str | None) -> None:
    day, precision = parse(date)
    found = list(
        counting_events().filter(agreement__slug=slug, status=status, effective_on=day).select_related("source")
    )
    assert len(found) == 1, f"{slug}: {len(found)} {status} event(s) on {day}"
    assert found[0].date_precision == precision
    _check_url(found[0].source, url)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", list(FINAL_STATUS))
def test_the_agreement_has_these_status_changes_and_no_other(slug: str) -> None:
    expected = [(status, *parse(date)) for s, status, date, _ in EVENTS if s == slug]
    stored = [(e.status, e.effective_on, e.date_precision) for e in counting_events().filter(agreement__slug=slug)]
    assert stored == expected


@pytest.mark.django_db
def test_final_status() -> None:
    stored = dict(Agreement.objects.values_list("slug", "status"))
    assert stored == FINAL_STATUS


@pytest.mark.django_db
def test_parties() -> None:
    stored: dict[str, set[str]] = defaultdict(set)
    for slug, state in Participation.objects.values_list("agreement__slug", "state__alpha3"):
        stored[slug].add(state)
    assert dict(stored) == {slug: set(states.split()) for slug, states in PARTIES.items()}


# --- Milestones and rounds ------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "due", "status", "url"),
    MILESTONES,
    ids=[_row_id(slug, due, status) for slug, due, status, _ in MILESTONES],
)
def test_milestone(slug: str, due: str, status: str, url: str | None) -> None:
    day, precision = parse(due)
    found = list(Milestone.objects.filter(agreement__slug=slug, due_on=day, status=status).select_related("source"))
    assert len(found) == 1, f"{slug}: {len(found)} {status} milestone(s) due {day}"
    assert found[0].due_precision == precision
    _check_url(found[0].source, url)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "number", "starts", "url"), ROUNDS, ids=[_row_id(slug, "round", number) for slug, number, *_ in ROUNDS]
)
def test_round(slug: str, number: int, starts: str, url: str | None) -> None:
    day, precision = parse(starts)
    found = NegotiationRound.objects.select_related("source").get(agreement__slug=slug, number=number)
    assert (found.starts_on, found.starts_precision) == (day, precision)
    _check_url(found.source, url)


@pytest.mark.django_db
def test_no_other_rounds() -> None:
    stored = set(NegotiationRound.objects.values_list("agreement__slug", "number"))
    assert stored == {(slug, number) for slug, number, *_ in ROUNDS}


@pytest.mark.django_db
@pytest.mark.parametrize("slug", NO_ROUNDS)
def test_no_rounds(slug: str) -> None:
    assert not NegotiationRound.objects.filter(agreement__slug=slug).exists()


# --- Each party's steps ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "state", "field", "value"),
    PARTY_STEPS,
    ids=[_row_id(slug, state, field) for slug, state, field, _ in PARTY_STEPS],
)
def test_party_step(slug: str, state: str, field: str, value: str | None) -> None:
    party = Participation.objects.get(agreement__slug=slug, state__alpha3=state)
    stored = getattr(party, field)
    if field in ("approval_status", "approval_body"):
        assert stored == value
    elif value is None:
        assert stored is None
    else:
        day, precision = parse(value)
        assert stored == day
        if field == "approval_decided_on":
            assert party.approval_decided_precision == precision
        else:
            assert precision == DatePrecision.DAY, f"{field} takes a day only"


@pytest.mark.django_db
def test_a_party_signs_and_comes_into_force_on_the_agreement_s_dates() -> None:
    """A party's signature and entry into force, where given, are the days of the agreement's own events; an
    agreement signed in a month only leaves the party's date of signature empty."""
    events = {
        (e.agreement.slug, e.status): e
        for e in counting_events().filter(status__in=["signed", "in_force"]).select_related("agreement")
    }
    wrong = []
    for party in Participation.objects.select_related("agreement", "state"):
        for field, status in (("signed_on", "signed"), ("entry_into_force_on", "in_force")):
            day = getattr(party, field)
            if day is None:
                continue
            event = events.get((party.agreement.slug, status))
            if event is None or event.effective_on != day or event.date_precision != DatePrecision.DAY:
                wrong.append((party.agreement.slug, party.state.alpha3, field, day))
    assert wrong == []


# --- Further sources and publication dates --------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("slug", "fact", "key", "url", "role"),
    CITATIONS,
    ids=[_row_id(slug, fact, *key, urlsplit(url).hostname) for slug, fact, key, url, _ in CITATIONS],
)
def test_citation(slug: str, fact: str, key: tuple[str, ...], url: str, role: str) -> None:
    citations = Citation.objects.filter(agreement__slug=slug, source__url=url)
    if fact == "event":
        citations = citations.filter(event__status=key[0], event__effective_on=parse(key[1])[0])
    elif fact == "milestone":
        citations = citations.filter(milestone__due_on=parse(key[0])[0], milestone__status=key[1])
    else:
        citations = citations.filter(participation__state__alpha3=key[0])
    assert [c.role for c in citations] == [CitationRole(role)]


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "published"), list(SOURCE_DATES.items()), ids=list(SOURCE_DATES))
def test_source_publication_date(url: str, published: str | None) -> None:
    source = Source.objects.get(url=url)
    if published is None:
        assert source.published_on is None
    else:
        assert (source.published_on, source.published_precision) == parse(published)


# --- What is not found or not verified stays out --------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ABSENT_AGREEMENTS)
def test_no_such_agreement(slug: str) -> None:
    assert not Agreement.objects.filter(slug=slug).exists()


@pytest.mark.django_db
def test_no_agreement_with_nato() -> None:
    assert not Agreement.objects.filter(slug__contains="nato").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("slug", "status"), ABSENT_EVENTS, ids=[_row_id(*row) for row in ABSENT_EVENTS])
def test_no_such_event(slug: str, status: str) -> None:
    assert Agreement.objects.filter(slug=slug).exists()
    assert not counting_events().filter(agreement__slug=slug, status=status).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("slug", "date", "why"), ABSENT_ON, ids=[_row_id(slug, date) for slug, date, _ in ABSENT_ON])
def test_nothing_on(slug: str, date: str, why: str) -> None:
    first, last = period(date)
    agreement = Agreement.objects.get(slug=slug)
    found: list[object] = [
        *counting_events().filter(agreement=agreement, effective_on__range=(first, last)),
        *Milestone.objects.filter(agreement=agreement, due_on__range=(first, last)),
        *NegotiationRound.objects.filter(agreement=agreement, starts_on__range=(first, last)),
    ]
    for party in agreement.participations.all():
        for field in ("signed_on", "approval_submitted_on", "approval_decided_on", "entry_into_force_on"):
            day = getattr(party, field)
            if day is not None and first <= day <= last:
                found.append((party.state_id, field, day))
    assert found == [], why


@pytest.mark.django_db
def test_no_5th_or_8th_japan_france_2_plus_2() -> None:
    titles = Milestone.objects.filter(agreement__slug__in=FRANCE_JAPAN).values_list("title", flat=True)
    assert [title for title in titles if re.search(r"\b(5th|8th|fifth|eighth)\b", title, re.IGNORECASE)] == []


# --- Every fact carries its source ----------------------------------------------------------------------------------


def _facts() -> list[tuple[tuple[str, str, str], object]]:
    """Every dated fact of the record, named (kind, slug, key), with its source."""
    facts: list[tuple[tuple[str, str, str], object]] = []
    for e in counting_events().select_related("agreement", "source"):
        facts.append((("event", e.agreement.slug, f"{e.status} {e.effective_on}"), e.source))
    for m in Milestone.objects.select_related("agreement", "source"):
        facts.append((("milestone", m.agreement.slug, f"{m.status} {m.due_on}"), m.source))
    for r in NegotiationRound.objects.select_related("agreement", "source"):
        facts.append((("round", r.agreement.slug, str(r.number)), r.source))
    dated = ("signed_on", "approval_submitted_on", "approval_decided_on", "entry_into_force_on")
    for p in Participation.objects.select_related("agreement", "state", "source"):
        if any(getattr(p, field) for field in dated):
            facts.append((("party", p.agreement.slug, p.state.alpha3), p.source))
    return facts


@pytest.mark.django_db
def test_every_dated_fact_has_a_source_but_the_few_domain_md_gives_without() -> None:
    unsourced = {name for name, source in _facts() if source is None}
    assert unsourced <= UNSOURCED, sorted(unsourced - UNSOURCED)


@pytest.mark.django_db
def test_no_fact_rests_on_a_weak_source() -> None:
    weak = {name for name, source in _facts() if source is not None and source.url and _is_weak(source.url)}
    assert weak <= WEAK_ALLOWED, sorted(weak - WEAK_ALLOWED)


@pytest.mark.django_db
def test_the_overdue_target_for_the_france_japan_raa_stays_planned() -> None:
    target = Milestone.objects.get(agreement__slug="france-japan-raa", due_on=datetime.date(2024, 12, 31))
    assert target.status == MilestoneStatus.PLANNED
    assert target.is_overdue()
