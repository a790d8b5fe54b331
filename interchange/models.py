from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PendingImport(models.Model):
    """A file previewed on the dashboard and not applied yet: kept in the database (not on one web server's disk)
    so that "Apply" writes exactly the file that was previewed, whichever server answers. Deleted once applied,
    and a day after it was uploaded."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("file name"), max_length=200)
    sheet = models.CharField(_("sheet of a CSV file"), max_length=40, blank=True)
    digest = models.CharField(_("SHA-256"), max_length=64)
    content = models.BinaryField(_("content"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("previewed import")
        verbose_name_plural = _("previewed imports")

    def __str__(self) -> str:
        return f"{self.name} ({self.digest[:12]})"
