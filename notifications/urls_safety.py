"""Webhook URLs must not point into our own network unless a setting allows it (server-side request forgery)."""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_webhook_url(url: str) -> None:
    """Raise ValidationError when the URL is not http(s) or resolves to a private, loopback or reserved address."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValidationError(_("Give an http:// or https:// address."))
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError):
        raise ValidationError(_("The host name does not resolve.")) from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and settings.WEBHOOK_ALLOW_LOOPBACK:
            continue
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_reserved
            or (address.is_multicast or address.is_unspecified)
        ):
            raise ValidationError(
                _("Webhooks may not be sent to private or local addresses (%(address)s).") % {"address": address}
            )
