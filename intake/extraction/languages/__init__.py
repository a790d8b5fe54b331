"""What the extraction knows of each language: one module per language, the same names in each.

Each module holds regular expressions (cue phrases for the lifecycle's steps, agreement types, hedges and
denials) and the few state names locale data lacks. `CAPITALS` is shared: the capitals that stand for the
governments of the record's parties ("Tokyo and Paris agreed"), by language.
"""

import functools
from importlib import import_module
from types import ModuleType

LANGUAGES = ("en", "de", "fr", "ja")

# Capitals of the states the record holds agreements for, as each language writes them.
CAPITALS: dict[str, dict[str, tuple[str, ...]]] = {
    "JPN": {"en": ("Tokyo",), "de": ("Tokio",), "fr": ("Tokyo",), "ja": ("東京",)},
    "FRA": {"en": ("Paris",), "de": ("Paris",), "fr": ("Paris",), "ja": ("パリ",)},
    "GBR": {"en": ("London",), "de": ("London",), "fr": ("Londres",), "ja": ("ロンドン",)},
    "AUS": {"en": ("Canberra",), "de": ("Canberra",), "fr": ("Canberra",), "ja": ("キャンベラ",)},
    "PHL": {"en": ("Manila",), "de": ("Manila",), "fr": ("Manille",), "ja": ("マニラ",)},
    "USA": {"en": ("Washington",), "de": ("Washington",), "fr": ("Washington",), "ja": ("ワシントン",)},
    "DEU": {"en": ("Berlin",), "de": ("Berlin",), "fr": ("Berlin",), "ja": ("ベルリン",)},
    "ITA": {"en": ("Rome",), "de": ("Rom",), "fr": ("Rome",), "ja": ("ローマ",)},
    "CAN": {"en": ("Ottawa",), "de": ("Ottawa",), "fr": ("Ottawa",), "ja": ("オタワ",)},
    "NZL": {"en": ("Wellington",), "de": ("Wellington",), "fr": ("Wellington",), "ja": ("ウェリントン",)},
    "IND": {"en": ("New Delhi",), "de": ("Neu-Delhi",), "fr": ("New Delhi",), "ja": ("ニューデリー",)},
    "IDN": {"en": ("Jakarta",), "de": ("Jakarta",), "fr": ("Jakarta",), "ja": ("ジャカルタ",)},
    "VNM": {"en": ("Hanoi",), "de": ("Hanoi",), "fr": ("Hanoï",), "ja": ("ハノイ",)},
    "THA": {"en": ("Bangkok",), "de": ("Bangkok",), "fr": ("Bangkok",), "ja": ("バンコク",)},
    "MYS": {"en": ("Kuala Lumpur",), "de": ("Kuala Lumpur",), "fr": ("Kuala Lumpur",), "ja": ("クアラルンプール",)},
    "PNG": {"en": ("Port Moresby",), "de": ("Port Moresby",), "fr": ("Port Moresby",), "ja": ("ポートモレスビー",)},
    "ARE": {"en": ("Abu Dhabi",), "de": ("Abu Dhabi",), "fr": ("Abou Dabi", "Abu Dhabi"), "ja": ("アブダビ",)},
    "KOR": {"en": ("Seoul",), "de": ("Seoul",), "fr": ("Séoul",), "ja": ("ソウル",)},
    "CHN": {"en": ("Beijing",), "de": ("Peking",), "fr": ("Pékin",), "ja": ("北京",)},
    "ESP": {"en": ("Madrid",), "de": ("Madrid",), "fr": ("Madrid",), "ja": ("マドリード",)},
    "POL": {"en": ("Warsaw",), "de": ("Warschau",), "fr": ("Varsovie",), "ja": ("ワルシャワ",)},
    "UKR": {"en": ("Kyiv", "Kiev"), "de": ("Kiew",), "fr": ("Kiev", "Kyiv"), "ja": ("キーウ",)},
    "RUS": {"en": ("Moscow",), "de": ("Moskau",), "fr": ("Moscou",), "ja": ("モスクワ",)},
    "SWE": {"en": ("Stockholm",), "de": ("Stockholm",), "fr": ("Stockholm",), "ja": ("ストックホルム",)},
    "NLD": {"en": ("The Hague",), "de": ("Den Haag",), "fr": ("La Haye",), "ja": ("ハーグ",)},
}


@functools.cache
def language_data(language: str) -> ModuleType:
    if language not in LANGUAGES:
        raise ValueError(f"the intake reads {', '.join(LANGUAGES)}, not {language!r}")
    return import_module(f"intake.extraction.languages.{language}")
