"""The dashboard: server-rendered pages on the selectors, services, FilterSets and policy (thin views)."""

import datetime
from collections import OrderedDict
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.api.throttling import anonymous_report_allowed
from accounts.policy import Action, acting_user
from parties.models import State
from raa_tracker.versions import version_of
from record_cache.cache import cached

from . import changelog, lifecycle, pages, selectors, services
from .choices import Status
from .filtersets import AgreementFilterSet, ChangeFilterSet
from .forms import (
    CitationForm,
    ConfirmCurrentForm,
    ErrorReportForm,
    MilestoneForm,
    NewSourceFields,
    ReportCorrectedForm,
    ReportCorrectionForm,
    ReportDismissForm,
    RoundForm,
    SourceForm,
    StatusChangeForm,
)
from .models import (
    FACT_MODELS,
    Agreement,
    Change,
    Citation,
    ErrorReport,
    Fact,
    Milestone,
    NegotiationRound,
    Source,
    fact_label,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

PAGE_SIZE = 25
OVERVIEW_ROWS = 15
CHANGES_PAGE_SIZE = 50
AGREEMENT_CHANGES = 10  # the latest changes on the agreement page; the rest on /changes/?agreement=


_readable = policy.readable_page(Agreement)  # pages need a sign-in when PUBLIC_READ is false


@_readable
def overview(request: HttpRequest) -> HttpResponse:
    """Counts by status and type, what is due and overdue, recent changes, negotiations in progress."""
    today = timezone.localdate()
    # The figures are the same for every reader on a given day (in a language and time zone) until the record
    # changes, so they are rendered once per change; the page around them (user menu, forms) per request. The
    # cache keeps the SafeString that the template rendered (it pickles as one), so nothing is marked safe here:
    # a value of any other type from the cache would be escaped, not trusted.
    parts = [today.isoformat(), get_language(), timezone.get_current_timezone_name()]
    figures = cached("overview", parts, lambda: render_to_string("negotiations/_overview.html", _overview(today)))
    return render(request, "negotiations/overview.html", {"figures": figures})


def _overview(today: datetime.date) -> dict[str, object]:
    figures = selectors.overview(today, OVERVIEW_ROWS)
    counts = figures["status_counts"]
    for agreement in figures["in_progress"]:
        # A figure for the template only, on the evaluated row (never saved).
        agreement.running_days = (  # type: ignore[attr-defined]
            (today - agreement.started_on).days if agreement.started_on else None
        )
    return figures | {
        "status_counts": [(status, counts.get(status.value, 0)) for status in Status],
        "unrecorded": counts.get(None, 0),
        "in_progress_total": sum(counts.get(status.value, 0) for status in lifecycle.IN_PROGRESS),
        "rows": OVERVIEW_ROWS,
        "today": today,
        "stale_after_days": settings.STALE_AFTER_DAYS,
    }


SORTABLE = OrderedDict(
    [
        ("title", gettext_lazy("Agreement")),
        ("status", gettext_lazy("Status")),
        ("status_since", gettext_lazy("Since")),
        ("updated_at", gettext_lazy("Changed")),
    ]
)


@_readable
def agreement_list(request: HttpRequest) -> HttpResponse:
    """The agreements with the API's filters; the filters live in the URL so that a view can be shared."""
    filterset = AgreementFilterSet(request.GET or None, queryset=selectors.agreements_with_parties().order_by("title"))
    valid = filterset.is_valid() if request.GET else True
    queryset = filterset.qs if request.GET and valid else selectors.agreements_with_parties().order_by("title")
    if not valid:
        queryset = queryset.none()
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    as_of = filterset.form.cleaned_data.get("as_of") if request.GET and valid else None
    if as_of:
        selectors.show_as_of(page)
    query = request.GET.copy()
    query.pop("page", None)
    ordering = request.GET.get("ordering", "title")
    columns = []
    for field, label in SORTABLE.items():
        next_order = f"-{field}" if ordering == field else field
        sort_query = query.copy()
        sort_query["ordering"] = next_order
        direction = "ascending" if ordering == field else "descending" if ordering == f"-{field}" else None
        columns.append({"label": label, "url": "?" + sort_query.urlencode(), "direction": direction})
    csv_query = query.copy()
    csv_query["format"] = "csv"
    csv_query.pop("page_size", None)
    context = {
        "filter": filterset,
        "page": page,
        "columns": columns,
        "query": query.urlencode(),
        "csv_url": reverse("api:agreement-list") + "?" + csv_query.urlencode(),
        "downloads": _downloads(csv_query),
        "filter_errors": filterset.errors if not valid else None,
        "as_of": as_of,
    }
    return render(request, "negotiations/agreement_list.html", context)


@_readable
def agreement_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """One agreement: its parties, timeline, rounds, milestones, history with provenance, and sources."""
    try:
        page = selectors.agreement_page(slug)
    except Agreement.DoesNotExist:
        raise Http404(_("No agreement with this address.")) from None
    today = timezone.localdate()
    agreement = page.agreement
    user = request.user
    can_change = policy.can(user, Action.CHANGE, agreement)
    if can_change:
        for milestone in page.milestones:
            milestone.version = version_of(milestone)  # type: ignore[attr-defined]  # for its form's hidden field
    context = {
        "page": page,
        "agreement": agreement,
        "today": today,
        "can_transition": policy.can(user, Action.TRANSITION, agreement),
        "can_change": can_change,
        "watching": user.is_authenticated and agreement.watches.filter(user=user).exists(),
        "changes": changelog.present(selectors.changes().filter(agreement=agreement)[: AGREEMENT_CHANGES + 1]),
        "changes_shown": AGREEMENT_CHANGES,
        "is_stale": selectors.is_stale(agreement, today),
        "may_report": _may_report(request),
        "stale_after_days": settings.STALE_AFTER_DAYS,
    }
    if can_change:
        context |= {"confirm_form": ConfirmCurrentForm(agreement=agreement), "version": version_of(agreement)}
    context |= pages.sections_context(pages.AGREEMENT_SECTIONS, page, today)
    return render(request, "negotiations/agreement_detail.html", context)


@policy.readable_page(Change)
def change_list(request: HttpRequest) -> HttpResponse:
    """The change log with the API's filters, newest first; "older" pages by id, so a page never shifts as
    new changes arrive (the API's cursor, in the dashboard's terms)."""
    filterset = ChangeFilterSet(request.GET or None, queryset=selectors.changes())
    valid = filterset.is_valid() if request.GET else True
    queryset = filterset.qs if request.GET and valid else selectors.changes()
    if not valid:
        queryset = queryset.none()
    older_than = request.GET.get("cursor", "")
    if older_than.isdigit() and len(older_than) < 19:
        queryset = queryset.filter(id__lt=int(older_than))
    rows = list(queryset[: CHANGES_PAGE_SIZE + 1])
    query = request.GET.copy()
    query.pop("cursor", None)
    older = None
    if len(rows) > CHANGES_PAGE_SIZE:
        rows = rows[:CHANGES_PAGE_SIZE]
        older_query = query.copy()
        older_query["cursor"] = str(rows[-1].pk)
        older = "?" + older_query.urlencode()
    context = {
        "filter": filterset,
        "changes": changelog.present(rows),
        "older_url": older,
        "newest_url": "?" + query.urlencode() if older_than else None,
        "filter_errors": filterset.errors if not valid else None,
    }
    return render(request, "negotiations/change_list.html", context)


@policy.readable_page(State)
def state_detail(request: HttpRequest, alpha3: str) -> HttpResponse:
    """A state's agreements by status, and what other apps show of it (analysis: its network of partners)."""
    state = get_object_or_404(State, alpha3=alpha3.upper())
    agreements = list(selectors.state_agreements(state))
    by_status = []
    for status in Status:
        rows = [a for a in agreements if a.status == status]
        if rows:
            by_status.append((status, rows))
    context = {
        "state": state,
        "by_status": by_status,
        "unrecorded": [a for a in agreements if not a.status],
        "agreement_count": len(agreements),
    }
    context |= pages.sections_context(pages.STATE_SECTIONS, state, agreements)
    return render(request, "negotiations/state_detail.html", context)


def _agreement_for(request: HttpRequest, slug: str, action: Action) -> Agreement:
    agreement = get_object_or_404(Agreement, slug=slug)
    policy.require(request.user, action, agreement)
    return agreement


def _add_service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Put a service's errors beside the form's fields, or above the form when it has no such field."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)


def _message_form_errors(request: HttpRequest, form: forms.BaseForm) -> None:
    """A small form posted from another page: its errors, in one message shown on the page it returns to."""
    messages.error(request, " ".join(str(m) for errors in form.errors.values() for m in errors))


def _source_for(form: NewSourceFields, user: User) -> Source | None:
    new = form.new_source()
    return services.source_find_or_record(actor=user, **new) if new else form.cleaned_data.get("source")


@login_required
@require_POST
def confirm_current(request: HttpRequest, slug: str) -> HttpResponse:
    """An official confirms that the record is still accurate today (a small form on the agreement page)."""
    agreement = _agreement_for(request, slug, Action.CHANGE)
    form = ConfirmCurrentForm(request.POST, agreement=agreement)
    if not form.is_valid():
        _message_form_errors(request, form)
        return redirect(agreement_url(agreement) + "#last-checked")
    try:
        services.agreement_confirm_current(
            actor=acting_user(request.user),
            agreement=agreement,
            source=form.cleaned_data["source"],
            note=form.cleaned_data["note"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Confirmed: the record is still accurate as of today."))
    return redirect(agreement_url(agreement) + "#last-checked")


def _status_change(form: StatusChangeForm, actor: User) -> dict[str, Any]:
    """A status change form's entry as agreement_transition takes it (its source recorded first if new)."""
    data = form.cleaned_data
    return {
        "expected_version": data["version"],
        "status": data["status"],
        "effective_on": data["effective_on"],
        "date_precision": data["date_precision"],
        "place": data["place"],
        "note": data["note"],
        "source": _source_for(form, actor),
        "no_source_reason": form.missing_source_reason(),
    }


@login_required
def record_status(request: HttpRequest, slug: str) -> HttpResponse:
    """An official records what happened: a status change with its date, source and note."""
    agreement = _agreement_for(request, slug, Action.TRANSITION)
    form = StatusChangeForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        actor = acting_user(request.user)
        try:
            services.agreement_transition(actor=actor, agreement=agreement, **_status_change(form, actor))
        except ValidationError as error:  # StaleVersion and TransitionRefused among them
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The status change was recorded."))
            return redirect(agreement_url(agreement) + "#history")
    return render(request, "negotiations/status_form.html", {"form": form, "agreement": agreement})


def _model_fields(form: RoundForm | MilestoneForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in form.Meta.fields if name in form.cleaned_data}


_Row = TypeVar("_Row", bound=NegotiationRound | Milestone)


class _AgreementRowEdit(View, Generic[_Row]):
    """Add or edit a row that belongs to an agreement (a round or a milestone) through its service; the form's
    hidden version makes the service refuse an edit made from a stale page."""

    model: type[_Row]
    form_class: type[RoundForm] | type[MilestoneForm]
    kind: str  # the anchor of the agreement page's section: rounds, milestones
    saved: "StrOrPromise"

    def heading(self, obj: _Row | None) -> str:
        raise NotImplementedError

    def create(self, request: HttpRequest, agreement: Agreement, fields: dict[str, Any]) -> None:
        raise NotImplementedError

    def update(self, request: HttpRequest, obj: _Row, version: str, fields: dict[str, Any]) -> None:
        raise NotImplementedError

    def dispatch(self, request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
        agreement = get_object_or_404(Agreement, slug=slug)
        obj = get_object_or_404(self.model, pk=pk, agreement=agreement) if pk else None
        policy.require(request.user, Action.CHANGE if obj else Action.CREATE, obj or self.model(agreement=agreement))
        if request.method not in ("GET", "HEAD", "POST"):
            return self.http_method_not_allowed(request)
        form = self.form_class(request.POST or None, instance=obj, agreement=agreement)
        if request.method == "POST" and form.is_valid():
            fields = _model_fields(form) | {
                "source": _source_for(form, acting_user(request.user)),
                "no_source_reason": form.missing_source_reason(),
            }
            try:
                if obj is None:
                    self.create(request, agreement, fields)
                else:
                    self.update(request, obj, form.cleaned_data.get("version", ""), fields)
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, self.saved)
                return redirect(agreement_url(agreement) + f"#{self.kind}")
        context = {"form": form, "agreement": agreement, "object": obj, "kind": self.kind.removesuffix("s")}
        return render(request, "negotiations/record_form.html", context | {"heading": self.heading(obj)})


@method_decorator(login_required, name="dispatch")
class RoundEdit(_AgreementRowEdit[NegotiationRound]):
    """Add a negotiation round, or edit one."""

    model, form_class, kind, saved = NegotiationRound, RoundForm, "rounds", gettext_lazy("The round was saved.")

    def heading(self, obj: NegotiationRound | None) -> str:
        return (
            _("Edit round %(number)s") % {"number": obj.number}
            if isinstance(obj, NegotiationRound)
            else _("Add a round")
        )

    def create(self, request: HttpRequest, agreement: Agreement, fields: dict[str, Any]) -> None:
        services.round_record(actor=acting_user(request.user), agreement=agreement, **fields)

    def update(self, request: HttpRequest, obj: NegotiationRound, version: str, fields: dict[str, Any]) -> None:
        services.round_update(actor=acting_user(request.user), round=obj, expected_version=version, **fields)


@method_decorator(login_required, name="dispatch")
class MilestoneEdit(_AgreementRowEdit[Milestone]):
    """Add a milestone, or edit one."""

    model, form_class, kind, saved = Milestone, MilestoneForm, "milestones", gettext_lazy("The milestone was saved.")

    def heading(self, obj: Milestone | None) -> str:
        return _("Edit a milestone") if obj else _("Add a milestone")

    def create(self, request: HttpRequest, agreement: Agreement, fields: dict[str, Any]) -> None:
        services.milestone_record(actor=acting_user(request.user), agreement=agreement, **fields)

    def update(self, request: HttpRequest, obj: Milestone, version: str, fields: dict[str, Any]) -> None:
        services.milestone_update(actor=acting_user(request.user), milestone=obj, expected_version=version, **fields)


round_edit = RoundEdit.as_view()
milestone_edit = MilestoneEdit.as_view()


@login_required
@require_POST
def milestone_done(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Mark a milestone done today (a one-button form on the agreement page)."""
    milestone = get_object_or_404(Milestone, pk=pk, agreement__slug=slug)
    policy.require(request.user, Action.CHANGE, milestone)
    try:
        services.milestone_complete(
            actor=acting_user(request.user),
            milestone=milestone,
            completed_on=timezone.localdate(),
            expected_version=request.POST.get("version", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Marked done: %(title)s") % {"title": milestone.title})
    return redirect(agreement_url(milestone.agreement) + "#milestones")


@login_required
def source_create(request: HttpRequest) -> HttpResponse:
    """Add a source; officials and administrators only."""
    if not policy.can(request.user, Action.CREATE, SourceForm.Meta.model):
        raise PermissionDenied(_("Your account may not add sources."))
    form = SourceForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("overview")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("overview")
    if request.method == "POST" and form.is_valid():
        try:
            services.source_record(actor=acting_user(request.user), **form.cleaned_data)
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The source was added."))
            return HttpResponseRedirect(next_url)
    return render(request, "negotiations/source_form.html", {"form": form, "next": next_url})


@_readable
def upcoming(request: HttpRequest) -> HttpResponse:
    """An agenda of open milestones and rounds, by month, from the first of this month for a year."""
    today = timezone.localdate()
    start = today.replace(day=1)
    end = datetime.date(start.year + 1, start.month, 1) - datetime.timedelta(days=1)
    months: OrderedDict[datetime.date, list] = OrderedDict()
    for day, kind, item in selectors.agenda(start, end):
        months.setdefault(day.replace(day=1), []).append((day, kind, item))
    context = {
        "months": months,
        "start": start,
        "end": end,
        "today": today,
        "overdue": selectors.milestones_overdue(today),
    }
    return render(request, "negotiations/upcoming.html", context)


@_readable
def search(request: HttpRequest) -> HttpResponse:
    """Search across agreements, events, rounds, milestones and sources."""
    query = request.GET.get("q", "").replace("\x00", "").strip()[:200]
    results = selectors.search(query) if query else {}
    total = sum(len(rows) for rows in results.values())
    return render(
        request, "negotiations/search.html", {"query": query, "search_query": query, "results": results, "total": total}
    )


def _may_report(request: HttpRequest) -> bool:
    return request.user.is_authenticated or (settings.ANONYMOUS_REPORTS and settings.PUBLIC_READ)


def _named_fact(request: HttpRequest, agreement: Agreement) -> Fact | None:
    """The fact of `agreement` that the query names (?event=12, ?round=3, …), or None."""
    for name, model in FACT_MODELS.items():
        if request.GET.get(name, "").isdigit():
            return get_object_or_404(model._default_manager.filter(agreement=agreement), pk=int(request.GET[name]))
    return None


@login_required
def citation_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Cite a further source for one fact (?event=, ?round=, ?milestone=, ?participation=): one that confirms
    it or one that reports something else."""
    agreement = get_object_or_404(Agreement, slug=slug)
    fact = _named_fact(request, agreement)
    if fact is None:
        raise Http404(_("Name the fact to cite a source for."))
    policy.require(request.user, Action.CREATE, Citation(agreement=agreement))  # officials of the parties
    form = CitationForm(request.POST or None, agreement=agreement)
    if request.method == "POST" and form.is_valid():
        actor = acting_user(request.user)
        source = _source_for(form, actor)
        assert source is not None  # CitationForm.clean requires a stored or a new source
        try:
            services.citation_add(
                actor=actor,
                fact=fact,
                source=source,
                role=form.cleaned_data["role"],
                quote=form.cleaned_data["quote"],
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The source was cited."))
            return redirect(agreement_url(agreement))
    context = {"form": form, "agreement": agreement, "fact_label": fact_label(fact)}
    return render(request, "negotiations/citation_form.html", context)


def _downloads(query: QueryDict) -> list[tuple[str, str]]:
    """The list's download menu: the same agreements as CSV (one row each) or as a workbook in the record's
    interchange format (every sheet: parties' steps, status changes, rounds, milestones, sources)."""
    links = []
    kinds = (
        ("csv", _("CSV (one row per agreement)")),
        ("xlsx", _("Excel workbook (XLSX)")),
        ("ods", _("OpenDocument spreadsheet (ODS)")),
    )
    for kind, label in kinds:
        chosen = query.copy()
        chosen["format"] = kind
        links.append((label, reverse("api:agreement-list") + "?" + chosen.urlencode()))
    return links


@policy.readable_page(Agreement)
def report_create(request: HttpRequest, slug: str) -> HttpResponse:
    """Report an error in one fact of an agreement (named in the query: ?round=3), or in the agreement."""
    agreement = get_object_or_404(Agreement, slug=slug)
    if not _may_report(request):
        return redirect(reverse("login") + "?next=" + request.get_full_path())
    fact = _named_fact(request, agreement)
    form = ErrorReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if not anonymous_report_allowed(request):  # the API's limit per address, on the same counter
            form.add_error(None, _("Too many reports from your address; try again in an hour, or sign in."))
        else:
            try:
                services.report_file(
                    reporter=request.user if request.user.is_authenticated else None,
                    agreement=agreement,
                    fact=fact,
                    **form.cleaned_data,
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, _("Thank you: the officials of the parties will look at your report."))
                return redirect(agreement_url(agreement))
    context = {
        "form": form,
        "agreement": agreement,
        "fact_label": fact_label(fact),
        "anonymous": not request.user.is_authenticated,
    }
    return render(request, "negotiations/report_form.html", context)


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports a user may see: the queue of officials and administrators (open first), and one's own."""
    reports = selectors.reports_visible_to(request.user).order_by("-status", "created_at")
    status = request.GET.get("status", "open")
    if status in ("open", "corrected", "dismissed"):
        reports = reports.filter(status=status)
    rows = list(reports[:100])
    resolvable = selectors.agreements_resolvable_by(request.user)
    for report in rows:
        # For the template only: whether this user may resolve it (the service asks the policy again).
        report.may_resolve = resolvable is None or report.agreement_id in resolvable  # type: ignore[attr-defined]
    context = {
        "reports": rows,
        "status": status,
        "dismiss_form": ReportDismissForm(),
        "corrected_form": ReportCorrectedForm(),
    }
    return render(request, "negotiations/report_list.html", context)


def _report_for(request: HttpRequest, pk: int) -> ErrorReport:
    report = get_object_or_404(selectors.reports_visible_to(request.user), pk=pk)
    policy.require(request.user, Action.CHANGE, report)
    return report


@login_required
@require_POST
def report_resolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Dismiss a report with a reason, or mark it corrected (after editing the round, milestone or party)."""
    report = _report_for(request, pk)
    actor = acting_user(request.user)
    try:
        if request.POST.get("outcome") == "dismiss":
            form: forms.Form = ReportDismissForm(request.POST)
            if form.is_valid():
                services.report_dismiss(actor=actor, report=report, reason=form.cleaned_data["reason"])
        else:
            form = ReportCorrectedForm(request.POST)
            if form.is_valid():
                services.report_mark_corrected(actor=actor, report=report, resolution=form.cleaned_data["resolution"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if form.is_valid():
            messages.success(request, _("The report was resolved; its reporter will be told."))
        else:
            _message_form_errors(request, form)
    return redirect(reverse("report-list"))


@login_required
def report_correct(request: HttpRequest, pk: int) -> HttpResponse:
    """Resolve a report on a status change by recording the correction that replaces the reported entry."""
    report = _report_for(request, pk)
    if report.event is None:
        raise Http404(_("This report is not about a status change."))
    form = ReportCorrectionForm(request.POST or None, report=report)
    if request.method == "POST" and form.is_valid():
        actor = acting_user(request.user)
        try:
            services.report_correct_event(
                actor=actor, report=report, resolution=form.cleaned_data["resolution"], **_status_change(form, actor)
            )
        except ValidationError as error:
            _add_service_errors(form, error)
        else:
            messages.success(request, _("The correction was recorded and the report resolved."))
            return redirect(agreement_url(report.agreement) + "#history")
    return render(request, "negotiations/report_correct.html", {"form": form, "report": report})


def agreement_url(agreement: Agreement) -> str:
    return agreement.get_absolute_url()
