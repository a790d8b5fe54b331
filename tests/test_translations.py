"""English and German are complete: every string is in the German catalogue, translated, and compiled."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "de" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")


def _entries(text: str) -> list[dict]:
    """A small .po reader: msgid, msgid_plural, msgstr[n] and flags of every entry."""
    entries, current, key = [], None, None
    for line in text.splitlines():
        if not line.strip():
            if current:
                entries.append(current)
            current, key = None, None
            continue
        current = current or {"flags": "", "msgstr": {}}
        if line.startswith("#,"):
            current["flags"] += line
        elif line.startswith("#"):
            continue
        elif match := re.match(r'^(msgid|msgid_plural|msgctxt|msgstr(?:\[(\d)\])?) "(.*)"$', line):
            key = match.group(1)
            value = match.group(3)
            if key.startswith("msgstr"):
                key = ("msgstr", match.group(2) or "0")
                current["msgstr"][key[1]] = value
            else:
                current[key] = value
        elif line.startswith('"') and key:
            value = line[1:-1]
            if isinstance(key, tuple):
                current["msgstr"][key[1]] += value
            else:
                current[key] += value
    if current:
        entries.append(current)
    return [e for e in entries if e.get("msgid")]


def test_every_german_string_is_translated() -> None:
    entries = _entries(PO.read_text())
    assert len(entries) > 300
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values()) or not e["msgstr"]]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [] and fuzzy == []
    for entry in entries:
        for placeholder in re.findall(r"%\(\w+\)s|\{\{ ?\w+ ?\}\}", entry["msgid"]):
            assert all(placeholder.replace(" ", "") in s.replace(" ", "") for s in entry["msgstr"].values()), entry


def test_compiled_catalogue_is_up_to_date(tmp_path: Path) -> None:
    if not shutil.which("msgfmt"):
        need_service("GNU gettext (msgfmt) is not installed")
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], check=True)
    assert fresh.read_bytes() == MO.read_bytes(), "run: python manage.py compilemessages"


def test_no_string_is_missing_from_the_catalogue(tmp_path: Path) -> None:
    if not shutil.which("xgettext"):
        need_service("GNU gettext (xgettext) is not installed")
    from django.conf import settings

    local_apps = [app for app in settings.INSTALLED_APPS if (ROOT / app).is_dir()]
    for name in dict.fromkeys(["manage.py", "raa_tracker", "templates", *local_apps]):
        source = ROOT / name
        target = tmp_path / name
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "migrations"))
        else:
            shutil.copy(source, target)
    (tmp_path / "locale").mkdir()
    subprocess.run(
        [
            str(ROOT / ".venv" / "bin" / "python") if (ROOT / ".venv").exists() else "python",
            "manage.py",
            "makemessages",
            "-l",
            "de",
            "--no-location",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"DEBUG": "true", "PATH": "/usr/bin:/bin"},
    )
    extracted = {e["msgid"] for e in _entries((tmp_path / "locale/de/LC_MESSAGES/django.po").read_text())}
    catalogued = {e["msgid"] for e in _entries(PO.read_text())}
    assert sorted(extracted - catalogued) == [], "run: python manage.py makemessages -l de, then translate"


@pytest.mark.django_db
def test_status_names_are_german_in_german(client: object) -> None:
    page = client.get("/", headers={"accept-language": "de"}).content.decode()
    assert "in Kraft" in page
