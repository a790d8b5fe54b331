import pytest


@pytest.fixture(autouse=True)
def _notification_settings(settings: object) -> None:
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    settings.NOTIFICATION_RETRY_BASE_SECONDS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://raa.example.org"
