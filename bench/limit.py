"""The limit: the agreement list as one hand-written SQL query, serialised with orjson, in a bare WSGI app.

Same payload fields as /api/v1/agreements/ (page of 50 by title), so the ratio of medians says how much
the framework costs on top of what PostgreSQL and the hardware allow.
"""

import os
from urllib.parse import parse_qs

import orjson
import psycopg2

_connection = None

SQL = """
SELECT a.slug, a.title, t.code, a.summary, a.status, a.status_since, a.entry_into_force_scheduled_on,
       a.target_conclusion_on, a.created_at, a.updated_at,
       COALESCE((SELECT json_agg(json_build_object(
            'state', s.alpha3, 'signed_on', p.signed_on, 'approval_status', p.approval_status,
            'approval_body', p.approval_body, 'approval_submitted_on', p.approval_submitted_on,
            'approval_decided_on', p.approval_decided_on,
            'approval_decided_precision', p.approval_decided_precision,
            'entry_into_force_on', p.entry_into_force_on, 'note', p.note, 'source', p.source_id,
            'created_at', p.created_at, 'updated_at', p.updated_at) ORDER BY s.short_name)
          FROM negotiations_participation p JOIN parties_state s ON s.id = p.state_id
          WHERE p.agreement_id = a.id), '[]') AS participations,
       COUNT(*) OVER () AS total
FROM negotiations_agreement a JOIN negotiations_agreementtype t ON t.id = a.type_id
WHERE (%(status)s IS NULL OR a.status = %(status)s)
  AND (%(party)s IS NULL OR EXISTS (SELECT 1 FROM negotiations_participation pp JOIN parties_state ps
                                    ON ps.id = pp.state_id WHERE pp.agreement_id = a.id AND ps.alpha3 = %(party)s))
ORDER BY a.title, a.id
LIMIT %(limit)s OFFSET %(offset)s
"""


def _cursor() -> object:
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg2.connect(os.environ["BENCH_DSN"])
        _connection.autocommit = True
    return _connection.cursor()


def application(environ: dict, start_response: object) -> list[bytes]:
    query = {key: values[0] for key, values in parse_qs(environ.get("QUERY_STRING", "")).items()}
    page = max(int(query.get("page", "1")), 1)
    size = min(int(query.get("page_size", "50")), 200)
    with _cursor() as cursor:
        cursor.execute(
            SQL,
            {"status": query.get("status"), "party": query.get("party"), "limit": size, "offset": (page - 1) * size},
        )
        rows = cursor.fetchall()
    results = [
        {
            "slug": r[0],
            "title": r[1],
            "type": r[2],
            "summary": r[3],
            "status": r[4],
            "status_since": r[5],
            "entry_into_force_scheduled_on": r[6],
            "target_conclusion_on": r[7],
            "participations": r[10],
            "created_at": r[8],
            "updated_at": r[9],
        }
        for r in rows
    ]
    body = orjson.dumps({"count": rows[0][11] if rows else 0, "results": results})
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]
