from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .forms import StatusEventForm
from .models import Agreement, AgreementType, Milestone, NegotiationRound, Participation, Source, StatusEvent


class ParticipationInline(admin.StackedInline):
    """The parties; an agreement has at least two."""

    model = Participation
    extra = 0
    min_num = 2
    autocomplete_fields = ["state", "source"]
    fields = [
        "state",
        "signed_on",
        ("approval_status", "approval_body"),
        ("approval_submitted_on", "approval_decided_on", "approval_decided_precision"),
        "entry_into_force_on",
        "note",
        "source",
    ]

    def get_formset(self, request: HttpRequest, obj: Agreement | None = None, **kwargs: object) -> type:
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class RoundInline(admin.TabularInline):
    model = NegotiationRound
    extra = 0
    autocomplete_fields = ["host", "source"]
    fields = ["number", "starts_on", "ends_on", "place", "host", "source"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["responsible_party", "source", "owner"]
    fields = ["kind", "title", "due_on", "status", "completed_on", "responsible_party", "owner", "source"]


class StatusEventInline(admin.TabularInline):
    """The history, read-only: status changes are recorded through the lifecycle service."""

    model = StatusEvent
    fk_name = "agreement"
    extra = 0
    can_delete = False
    fields = ["effective_on", "status", "place", "source", "recorded_by", "recorded_at", "corrects", "counts"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("counts"), boolean=True)
    def counts(self, event: StatusEvent) -> bool:
        return not hasattr(event, "correction")


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["title", "type", "status", "status_since", "entry_into_force_scheduled_on", "updated_at"]
    list_filter = ["status", "type", "parties__groupings", ("parties", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["title", "slug", "summary", "parties__short_name", "parties__alpha3"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", "status_since", "record_status_change", "created_at", "updated_at"]
    fields = [
        "title",
        "slug",
        "type",
        "summary",
        ("status", "status_since"),
        "record_status_change",
        "target_conclusion_on",
        "entry_into_force_scheduled_on",
        ("created_at", "updated_at"),
    ]
    inlines = [ParticipationInline, RoundInline, MilestoneInline, StatusEventInline]
    date_hierarchy = "status_since"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agreement]:
        return super().get_queryset(request).select_related("type")

    def save_model(self, request: HttpRequest, obj: Agreement, form: object, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("status change"))
    def record_status_change(self, agreement: Agreement) -> str:
        if agreement.pk is None:
            return _("Save the agreement first, then record its status.")
        url = reverse("admin:negotiations_statusevent_add") + f"?agreement={agreement.pk}"
        return format_html('<a class="button" href="{}">{}</a>', url, _("Record a status change"))


@admin.register(StatusEvent)
class StatusEventAdmin(admin.ModelAdmin):
    """Adding an event runs the lifecycle service; existing events are read-only and never deleted."""

    form = StatusEventForm
    list_display = ["agreement", "status", "effective_on", "recorded_by", "recorded_at", "source", "is_correction"]
    list_filter = ["status", "agreement__type", ("corrects", admin.EmptyFieldListFilter)]
    search_fields = ["agreement__title", "note", "place", "correction_reason", "source__title"]
    autocomplete_fields = ["agreement", "source", "corrects"]
    date_hierarchy = "effective_on"
    list_select_related = ["agreement", "recorded_by", "source"]

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("correction"), boolean=True)
    def is_correction(self, event: StatusEvent) -> bool:
        return event.is_correction

    def save_form(self, request: HttpRequest, form: StatusEventForm, change: bool) -> StatusEvent:
        return services.agreement_transition(actor=request.user, **form.transition_arguments())

    def save_model(self, request: HttpRequest, obj: StatusEvent, form: object, change: bool) -> None:
        """Already saved by the lifecycle service in save_form."""

    def save_related(self, request: HttpRequest, form: object, formsets: object, change: bool) -> None:
        """A status event has no related rows to save."""


@admin.register(AgreementType)
class AgreementTypeAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "published_on", "language", "url"]
    list_filter = ["publisher", "language"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "published_on"


@admin.register(NegotiationRound)
class NegotiationRoundAdmin(admin.ModelAdmin):
    list_display = ["agreement", "number", "starts_on", "ends_on", "place", "host"]
    list_filter = ["agreement__type", "host"]
    search_fields = ["agreement__title", "place", "summary"]
    autocomplete_fields = ["agreement", "host", "source"]
    list_select_related = ["agreement", "host"]


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ["title", "agreement", "kind", "due_on", "status", "completed_on", "overdue"]
    list_filter = ["status", "kind", "agreement__type"]
    search_fields = ["title", "note", "agreement__title"]
    autocomplete_fields = ["agreement", "responsible_party", "owner", "source"]
    list_select_related = ["agreement"]
    date_hierarchy = "due_on"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, milestone: Milestone) -> bool:
        return milestone.is_overdue()


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["agreement", "state", "signed_on", "approval_status", "approval_body", "entry_into_force_on"]
    list_filter = ["approval_status", "state"]
    search_fields = ["agreement__title", "state__short_name", "state__alpha3", "approval_body"]
    autocomplete_fields = ["agreement", "state", "source"]
    list_select_related = ["agreement", "state"]
