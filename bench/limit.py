"""The limit: the agreement list as one hand-written SQL query, serialised with orjson, in a bare WSGI app.

It answers GET /api/v1/agreements/?page=N[&page_size=M][&party=XXX][&status=S] with the same document as
the API (count, next, previous, results with links), so the ratio of medians says how much the framework
costs on top of what PostgreSQL and the hardware allow. tests/api/test_listing.py checks the sameness.
"""

import os
from urllib.parse import parse_qsl, urlencode
from wsgiref.types import StartResponse, WSGIEnvironment

import orjson
import psycopg2
from psycopg2.extensions import connection, cursor

_connection: connection | None = None

# The page is cut first (an index scan on title, id); parties are aggregated for its rows only, and the
# total is an uncorrelated subquery that PostgreSQL runs once.
FILTERS = """(%(status)s::text IS NULL OR {a}.status = %(status)s)
  AND (%(party)s::text IS NULL OR EXISTS (SELECT 1 FROM negotiations_participation pp
       JOIN parties_state ps ON ps.id = pp.state_id WHERE pp.agreement_id = {a}.id AND ps.alpha3 = %(party)s))"""
SQL = f"""
WITH page AS (
    SELECT a.id, a.slug, a.title, a.type_id, a.summary, a.status, a.status_since,
           a.entry_into_force_scheduled_on, a.target_conclusion_on, a.checked_on, a.created_at, a.updated_at
    FROM negotiations_agreement a
    WHERE {FILTERS.format(a="a")}
    ORDER BY a.title, a.id
    LIMIT %(limit)s OFFSET %(offset)s
)
SELECT page.slug, page.title, t.code, page.summary, page.status, page.status_since::text,
       page.entry_into_force_scheduled_on::text, page.target_conclusion_on::text,
       to_char(page.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       to_char(page.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
       COALESCE((SELECT json_agg(json_build_object(
            'state', s.alpha3, 'signed_on', p.signed_on, 'approval_status', p.approval_status,
            'approval_body', p.approval_body, 'approval_submitted_on', p.approval_submitted_on,
            'approval_decided_on', p.approval_decided_on,
            'approval_decided_precision', p.approval_decided_precision,
            'entry_into_force_on', p.entry_into_force_on, 'note', p.note, 'source', p.source_id,
            'created_at', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
            'updated_at', to_char(p.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
            ORDER BY s.short_name)
          FROM negotiations_participation p JOIN parties_state s ON s.id = p.state_id
          WHERE p.agreement_id = page.id), '[]'),
       (SELECT count(*) FROM negotiations_agreement b WHERE {FILTERS.format(a="b")}),
       page.checked_on::text
FROM page JOIN negotiations_agreementtype t ON t.id = page.type_id
ORDER BY page.title, page.id
"""  # noqa: S608 - built from the constant FILTERS; values are parameters


def _cursor() -> cursor:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["BENCH_DSN"])
        _connection.autocommit = True
    return _connection.cursor()


def _page_link(base: str, query: dict[str, str], page: int | None) -> str:
    """DRF's next/previous: the same query with `page` replaced (or dropped for page 1), keys sorted."""
    query = {key: value for key, value in query.items() if key != "page"}
    if page is not None:
        query["page"] = str(page)
    return f"{base}?{urlencode(sorted(query.items()))}" if query else base


def application(environ: WSGIEnvironment, start_response: StartResponse) -> list[bytes]:
    query = dict(parse_qsl(environ.get("QUERY_STRING", "")))
    page = max(int(query.get("page", "1")), 1)
    size = min(int(query.get("page_size", "50")), 200)
    with _cursor() as cursor:
        cursor.execute(
            SQL,
            {"status": query.get("status"), "party": query.get("party"), "limit": size, "offset": (page - 1) * size},
        )
        rows = cursor.fetchall()
    origin = f"{environ.get('wsgi.url_scheme', 'http')}://{environ['HTTP_HOST']}"
    api = f"{origin}/api/v1"
    count = rows[0][11] if rows else 0
    results = [
        {
            "url": f"{api}/agreements/{r[0]}/",
            "slug": r[0],
            "title": r[1],
            "type": r[2],
            "summary": r[3],
            "status": r[4],
            "status_since": r[5],
            "entry_into_force_scheduled_on": r[6],
            "target_conclusion_on": r[7],
            "checked_on": r[12],
            "participations": r[10],
            "links": {
                "transition": f"{api}/agreements/{r[0]}/transition/",
                "events": f"{api}/events/?agreement={r[0]}",
                "rounds": f"{api}/rounds/?agreement={r[0]}",
                "milestones": f"{api}/milestones/?agreement={r[0]}",
                "calendar": f"{origin}/calendar/agreements/{r[0]}.ics",
                "feed": f"{origin}/feeds/agreements/{r[0]}.atom",
            },
            "created_at": r[8],
            "updated_at": r[9],
        }
        for r in rows
    ]
    base = f"{origin}{environ.get('PATH_INFO', '/')}"
    document = {
        "count": count,
        "next": _page_link(base, query, page + 1) if page * size < count else None,
        "previous": _page_link(base, query, page - 1 if page > 2 else None) if page > 1 else None,
        "results": results,
    }
    body = orjson.dumps(document)
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
