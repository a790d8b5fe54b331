"""How the review pages show an article: its text with the sentences candidates rest on marked, and each
sentence with the expressions that matched (cue, date) marked within it. Escaped piece by piece."""

from collections.abc import Iterable

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Candidate


def _marked(text: str, spans: list[tuple[int, int, str]]) -> SafeString:
    """`text` with each (start, end, html_id) span in a <mark>, overlapping spans merged, the rest escaped."""
    merged: list[list] = []
    for start, end, html_id in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
            continue
        merged.append([start, end, html_id])
    pieces, position = [], 0
    for start, end, html_id in merged:
        pieces.append(escape(text[position:start]))
        attributes = format_html(' id="{}"', html_id) if html_id else ""
        pieces.append(format_html("<mark{}>{}</mark>", attributes, text[start:end]))
        position = end
    pieces.append(escape(text[position:]))
    return mark_safe("".join(str(piece) for piece in pieces))  # noqa: S308 - every piece escaped above


def article_text(text: str, candidates: Iterable[Candidate]) -> list[SafeString]:
    """The article's paragraphs, the sentences its candidates rest on marked (each anchor named evidence-N)."""
    spans = [(c.evidence_start, c.evidence_end, f"evidence-{c.pk}") for c in candidates if c.evidence_end <= len(text)]
    paragraphs, position = [], 0
    for block in text.split("\n\n"):
        end = position + len(block)
        inside = [(s - position, e - position, i) for s, e, i in spans if position <= s < end]
        if block.strip():
            paragraphs.append(_marked(block, [(s, min(e, len(block)), i) for s, e, i in inside]))
        position = end + 2
    return paragraphs


def evidence(candidate: Candidate) -> SafeString:
    """The candidate's sentence with the expressions that matched marked."""
    sentence = candidate.evidence
    spans = []
    for cue in candidate.cues or []:
        found = sentence.find(cue) if isinstance(cue, str) and cue else -1
        if found >= 0:
            spans.append((found, found + len(cue), ""))
    return _marked(sentence, spans)
