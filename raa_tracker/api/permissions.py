"""The kinds of API permission that the shared infrastructure (the OpenAPI document) must tell apart; the
permission classes themselves belong to accounts (accounts.api.permissions)."""

from rest_framework import permissions


class PublicReadPermission(permissions.BasePermission):
    """A permission under which anonymous clients may read when settings.PUBLIC_READ is true (the schema then
    documents those reads without credentials); permissions of any other kind never let them read."""
