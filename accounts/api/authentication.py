from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from accounts.models import ApiToken
from accounts.services import token_authenticate
from raa_tracker import provenance


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Token <key>`; the key is looked up by its digest. Expired and revoked keys say so."""

    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[object, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the header as 'Authorization: Token <key>'."))
        try:
            key = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = token_authenticate(key)
        if token is None:
            raise exceptions.AuthenticationFailed(self._why_not(key))
        # The change log names the token (or its prefix, if unnamed); the middleware resets this when the request ends.
        provenance.begin(token_name=token.name or f"{token.prefix}…")
        return token.user, token

    def _why_not(self, key: str) -> str:
        token = ApiToken.objects.filter(digest=ApiToken.digest_of(key)).first()
        if token is None:
            return _("The token is not valid.")
        if token.revoked_at is not None:
            return _("The token was revoked.")
        if token.expires_at is not None and token.expires_at <= timezone.now():
            return _("The token has expired.")
        return _("The token's user is inactive.")

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Documents the token header in the OpenAPI schema."""

    target_class = "accounts.api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: object) -> dict:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "`Token <key>`; create keys with `create_api_token` or POST /api/v1/tokens/.",
        }
