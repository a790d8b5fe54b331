"""Webhook URLs must not point into our own network unless a setting allows it (server-side request forgery).

The guard itself is raa_tracker.outbound's, shared with the intake's fetches; this gives its refusals the
webhook form's messages.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from raa_tracker.outbound import AddressRefused, HostNotFound, OutboundError, check_outbound_url


def check_webhook_url(url: str) -> None:
    """Raise ValidationError when the URL is not http(s) or resolves to a private, loopback or reserved address."""
    try:
        check_outbound_url(url, allow_loopback=settings.WEBHOOK_ALLOW_LOOPBACK)
    except AddressRefused as refused:
        raise ValidationError(
            _("Webhooks may not be sent to private or local addresses (%(address)s).") % {"address": refused.address}
        ) from None
    except HostNotFound:
        raise ValidationError(_("The host name does not resolve.")) from None
    except OutboundError:
        raise ValidationError(_("Give an http:// or https:// address.")) from None
