"""The dashboard's import page: upload, a preview of every row (errors beside their rows), then apply."""

import datetime
import io
from pathlib import PurePath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from accounts import policy
from accounts.policy import Action, acting_user
from negotiations.models import Agreement

from .forms import ImportForm
from .importer import UNCHANGED, ImportReport, RowResult, file_digest, import_records
from .models import PendingImport
from .reading import FileRefused, refuse_declared_size

KEPT_FOR = datetime.timedelta(days=1)
SHOWN_ROWS = 2000  # the preview lists every refused and changed row, and unchanged ones up to this many


@csrf_exempt  # the CSRF check reads the body; _import_page checks it once the size is known to be allowed
@login_required
def import_records_page(request: HttpRequest) -> HttpResponse:
    if not policy.can(request.user, Action.CREATE, Agreement):
        raise PermissionDenied(_("Only officials and administrators import records."))
    if request.method == "POST":
        try:
            refuse_declared_size(request.META.get("CONTENT_LENGTH"))  # before Django stores the upload
        except FileRefused as refused:
            context = {"form": ImportForm.refusing(refused.message)}
            return render(request, "interchange/import.html", context, status=refused.status)
    return _import_page(request)


@csrf_protect
def _import_page(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "apply" in request.POST:
        return _apply(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    report: ImportReport | None = None
    pending: PendingImport | None = None
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = import_records(  # which refuses a file over IMPORT_MAX_BYTES, as every door
                upload,
                name=upload.name,
                actor=acting_user(request.user),
                dry_run=True,
                sheet=form.cleaned_data["sheet"] or None,
            )
        except FileRefused as refused:
            form.add_error("file", refused.message)
            status = 413 if refused.status == 413 else 400  # a page answers a file it cannot read as a bad form
        else:
            if report.ok:
                pending = _keep(request, upload, form.cleaned_data["sheet"])
            else:
                status = 422
    elif form.errors:
        status = 400
    context = {"form": form, "report": report, "pending": pending, "rows": _shown(report)}
    return render(request, "interchange/import.html", context, status=status)


def _shown(report: ImportReport | None) -> list[RowResult]:
    if report is None:
        return []
    listed = [row for row in report.rows if row.outcome != UNCHANGED]
    unchanged = [row for row in report.rows if row.outcome == UNCHANGED][: max(SHOWN_ROWS - len(listed), 0)]
    return sorted(listed + unchanged, key=lambda row: (row.sheet != "sources", row.sheet, row.row))


def _keep(request: HttpRequest, upload: object, sheet: str) -> PendingImport:
    """Keep the previewed file until it is applied (or for a day), for this user only."""
    PendingImport.objects.filter(uploaded_at__lt=timezone.now() - KEPT_FOR).delete()
    upload.seek(0)  # type: ignore[attr-defined]
    content = upload.read()  # type: ignore[attr-defined]
    return PendingImport.objects.create(
        user=acting_user(request.user),
        name=_short_name(upload.name),  # type: ignore[attr-defined]
        sheet=sheet,
        digest=file_digest(io.BytesIO(content)),
        content=content,
    )


def _short_name(name: str) -> str:
    """The file's name within PendingImport.name, its extension kept (it says how to read the file)."""
    limit = PendingImport._meta.get_field("name").max_length or 200
    if len(name) <= limit:
        return name
    suffix = PurePath(name).suffix[: limit // 2]
    return name[: limit - len(suffix)] + suffix


def _apply(request: HttpRequest) -> HttpResponse:
    """Apply a previewed file, once: the preview is claimed (deleted) in the import's transaction, so a second
    submit finds it gone; a refused import rolls the claim back with everything else."""
    with transaction.atomic():
        pending = PendingImport.objects.filter(
            pk=int(request.POST["apply"]) if str(request.POST.get("apply", "")).isdigit() else 0,
            user=acting_user(request.user),
            digest=request.POST.get("digest", ""),
            uploaded_at__gte=timezone.now() - KEPT_FOR,
        ).first()
        if pending is None or PendingImport.objects.filter(pk=pending.pk).delete()[0] != 1:
            messages.error(request, _("That preview has expired or was applied already; upload the file again."))
            return redirect("import-records")
        try:
            report = import_records(
                io.BytesIO(bytes(pending.content)),
                name=pending.name,
                actor=acting_user(request.user),
                dry_run=False,
                sheet=pending.sheet or None,
            )
        except FileRefused as refused:  # the file was previewed, so this is not expected; say so all the same
            transaction.set_rollback(True)
            messages.error(request, refused.message)
            return redirect("import-records")
        if not report.ok:  # the record changed since the preview (someone else wrote): show what is refused now
            transaction.set_rollback(True)
            context = {"form": ImportForm(), "report": report, "rows": _shown(report)}
            return render(request, "interchange/import.html", context, status=409)
    messages.success(request, _("Imported %(name)s: %(summary)s") % {"name": pending.name, "summary": report.summary()})
    return redirect("change-list")
