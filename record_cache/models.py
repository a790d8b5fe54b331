"""The record's generation: a token the database itself replaces whenever the record changes.

Triggers (record_cache.triggers) on every table of the parties and negotiations apps replace the
token in the same transaction as the change, so any write (service, admin, bulk load, raw SQL)
invalidates every cache entry keyed by the old token, and no reader sees new data under an old token.
"""

from django.db import models


class Generation(models.Model):
    """A single row (id 1) whose token changes with every committed change to the record."""

    token = models.CharField(max_length=32)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="generation_single_row")]

    def __str__(self) -> str:
        return self.token


class PendingChange(models.Model):
    """PostgreSQL only: one row per writing transaction, whose deferred trigger replaces the token at
    commit. Taking the generation row's lock at commit (not at the first write) keeps writers from
    queueing behind each other for the whole of their transactions, and from deadlocking on it."""

    def __str__(self) -> str:
        return f"pending change {self.pk}"
