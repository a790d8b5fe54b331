"""The admin writes through the services, as the forms and the API do: the same policy, rules, locks and
versions hold here, and a refusal shows beside the field (ServiceAdmin)."""

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.policy import acting_user

from . import services
from .forms import StatusEventForm
from .models import (
    Agreement,
    AgreementType,
    Change,
    ErrorReport,
    Milestone,
    NegotiationRound,
    Participation,
    Source,
    StatusEvent,
)
from .services import AGREEMENT_FIELDS, MILESTONE_FIELDS, PARTICIPATION_FIELDS, ROUND_FIELDS, SOURCE_FIELDS


def _changed(form: ModelForm, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in names if name in form.cleaned_data}


def _with_refusal(form_class: type[ModelForm], refusal: ValidationError) -> type[ModelForm]:
    """The admin's form class, failing validation with a service's refusal beside the fields it names."""

    class RefusedForm(form_class):  # type: ignore[valid-type,misc]  # a subclass of a class built at run time
        def clean(self) -> dict[str, Any]:
            cleaned = super().clean()
            if hasattr(refusal, "error_dict"):
                for field, messages in refusal.message_dict.items():
                    self.add_error(field if field in self.fields else None, messages)
            else:
                self.add_error(None, refusal.messages)
            return cleaned

    return RefusedForm


class RefusalsBesideTheFields(admin.ModelAdmin):
    """A service that refuses (ValidationError) in save_form, save_model or save_related rolls the whole change
    back; the form is then shown again with the refusal beside the fields."""

    def changeform_view(
        self, request: HttpRequest, object_id: str | None = None, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as refusal:  # raised by a service in save_model or save_related; rolled back
            request.service_refusal = refusal  # type: ignore[attr-defined]  # read by get_form below
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        return form_class if refusal is None else _with_refusal(form_class, refusal)


class ServiceAdmin(RefusalsBesideTheFields):
    """A ModelAdmin whose save_model/delete_model call services."""

    service_fields: tuple[str, ...] = ()  # what the admin's form hands to the services

    def create(self, actor: User, fields: dict[str, Any]) -> Model:
        raise NotImplementedError

    def update(self, actor: User, obj: Any, fields: dict[str, Any]) -> Model:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        actor, fields = acting_user(request.user), _changed(form, self.service_fields)
        if change:
            self.update(actor, type(obj).objects.get(pk=obj.pk), fields)
        else:
            created = self.create(actor, fields)
            obj.pk, obj._state.adding = created.pk, False  # for the admin's message and redirect

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.record_delete(actor=acting_user(request.user), obj=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        for obj in queryset:
            services.record_delete(actor=acting_user(request.user), obj=obj)


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

    def get_formset(self, request: HttpRequest, obj: Agreement | None = None, **kwargs: Any) -> type:
        return super().get_formset(request, obj, validate_min=True, **kwargs)


class RoundInline(admin.TabularInline):
    model = NegotiationRound
    extra = 0
    autocomplete_fields = ["host", "source"]
    fields = ["number", "starts_on", "ends_on", "place", "host", "source", "no_source_reason"]


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    autocomplete_fields = ["responsible_party", "source", "owner"]
    fields = [
        "kind",
        "title",
        "due_on",
        "status",
        "completed_on",
        "responsible_party",
        "owner",
        "source",
        "no_source_reason",
    ]


_HISTORY_COLUMNS = ("effective_on", "status", "place", "source", "recorded_by", "recorded_at", "corrects", "counts")


class StatusEventInline(admin.TabularInline):
    """The history, read-only: status changes are recorded through the lifecycle service."""

    model = StatusEvent
    fk_name = "agreement"
    extra = 0
    can_delete = False
    fields = readonly_fields = _HISTORY_COLUMNS

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description=_("counts"), boolean=True)
    def counts(self, event: StatusEvent) -> bool:
        return not hasattr(event, "correction")


@admin.register(Agreement)
class AgreementAdmin(ServiceAdmin):
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

    def get_readonly_fields(self, request: HttpRequest, obj: Agreement | None = None) -> list[str]:
        """The slug never changes once the agreement exists (services.agreement_update refuses it too)."""
        return [*self.readonly_fields, "slug"] if obj is not None else list(self.readonly_fields)

    def get_prepopulated_fields(self, request: HttpRequest, obj: Agreement | None = None) -> dict[str, Any]:
        return {} if obj is not None else dict(self.prepopulated_fields)

    def save_model(self, request: HttpRequest, obj: Agreement, form: ModelForm, change: bool) -> None:
        """Written in save_related, where the parties are known: an agreement is created with them."""

    def save_related(self, request: HttpRequest, form: ModelForm, formsets: list[Any], change: bool) -> None:
        inlines = {formset.model: formset for formset in formsets}
        for formset in formsets:  # what formset.save() would record, for the admin's change message
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        fields = _changed(form, AGREEMENT_FIELDS)
        participations = [
            {name: value for name, value in f.cleaned_data.items() if name not in ("id", "agreement", "DELETE")}
            for f in inlines[Participation].forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        if change:
            agreement = services.agreement_update(
                actor=acting_user(request.user),
                agreement=Agreement.objects.get(pk=form.instance.pk),
                participations=participations,
                **fields,
            )
        else:
            agreement = services.agreement_create(
                actor=acting_user(request.user), slug=form.cleaned_data["slug"], participations=participations, **fields
            )
            form.instance.pk, form.instance._state.adding = agreement.pk, False  # for the admin's redirect
        self._save_rows(request, agreement, inlines[NegotiationRound], "round", ROUND_FIELDS)
        self._save_rows(request, agreement, inlines[Milestone], "milestone", MILESTONE_FIELDS)

    def _save_rows(
        self, request: HttpRequest, agreement: Agreement, formset: BaseInlineFormSet, kind: str, names: tuple[str, ...]
    ) -> None:
        """The inline rounds or milestones: each added, changed or deleted through its service."""
        # Called with the row's changed fields as keywords, and the row itself under the name `kind`.
        row_services: dict[str, tuple[Callable[..., Model], Callable[..., Model]]] = {
            "round": (services.round_record, services.round_update),
            "milestone": (services.milestone_record, services.milestone_update),
        }
        create, update = row_services[kind]
        actor = acting_user(request.user)
        for row in formset.forms:
            if not row.cleaned_data or not (row.has_changed() or row.cleaned_data.get("DELETE")):
                continue
            existing = row.cleaned_data.get("id")
            if existing is not None and row.cleaned_data.get("DELETE"):
                services.record_delete(actor=actor, obj=existing)
                formset.deleted_objects.append(existing)
            elif existing is not None:
                changed = update(actor=actor, **{kind: existing}, **_changed(row, names))
                formset.changed_objects.append((changed, row.changed_data))
            elif not row.cleaned_data.get("DELETE"):
                formset.new_objects.append(create(actor=actor, agreement=agreement, **_changed(row, names)))

    @admin.display(description=_("status change"))
    def record_status_change(self, agreement: Agreement) -> str:
        if agreement.pk is None:
            return _("Save the agreement first, then record its status.")
        url = reverse("admin:negotiations_statusevent_add") + f"?agreement={agreement.pk}"
        return format_html('<a class="button" href="{}">{}</a>', url, _("Record a status change"))


@admin.register(StatusEvent)
class StatusEventAdmin(RefusalsBesideTheFields):
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
        return services.agreement_transition(actor=acting_user(request.user), **form.transition_arguments())

    def save_model(self, request: HttpRequest, obj: StatusEvent, form: object, change: bool) -> None:
        """Already saved by the lifecycle service in save_form."""

    def save_related(self, request: HttpRequest, form: object, formsets: object, change: bool) -> None:
        """A status event has no related rows to save."""


@admin.register(AgreementType)
class AgreementTypeAdmin(ServiceAdmin):
    list_display = ["code", "name", "family"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request: HttpRequest, obj: AgreementType | None = None) -> list[str]:
        return ["code"] if obj is not None else []  # agreements and the API name the type by its code

    def create(self, actor: User, fields: dict[str, Any]) -> AgreementType:
        return services.agreement_type_upsert(actor=actor, **fields)[0]

    def update(self, actor: User, obj: AgreementType, fields: dict[str, Any]) -> AgreementType:
        return services.agreement_type_upsert(actor=actor, code=obj.code, **fields)[0]

    # The service sets every one of these (an omitted family would be emptied), so the form hands it all of them.
    service_fields = ("code", "name", "description", "family")


@admin.register(Source)
class SourceAdmin(ServiceAdmin):
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = ["title", "publisher", "published_on", "language", "url"]
    list_filter = ["publisher", "language"]
    search_fields = ["title", "publisher", "url"]
    date_hierarchy = "published_on"

    service_fields = SOURCE_FIELDS

    def create(self, actor: User, fields: dict[str, Any]) -> Source:
        return services.source_record(actor=actor, **fields)

    def update(self, actor: User, obj: Source, fields: dict[str, Any]) -> Source:
        return services.source_update(actor=actor, source=obj, **fields)


@admin.register(NegotiationRound)
class NegotiationRoundAdmin(ServiceAdmin):
    list_display = ["agreement", "number", "starts_on", "ends_on", "place", "host"]
    list_filter = ["agreement__type", "host"]
    search_fields = ["agreement__title", "place", "summary"]
    autocomplete_fields = ["agreement", "host", "source"]
    list_select_related = ["agreement", "host"]

    service_fields = (*ROUND_FIELDS, "agreement")

    def create(self, actor: User, fields: dict[str, Any]) -> NegotiationRound:
        return services.round_record(actor=actor, **fields)

    def update(self, actor: User, obj: NegotiationRound, fields: dict[str, Any]) -> NegotiationRound:
        return services.round_update(actor=actor, round=obj, **fields)


@admin.register(Milestone)
class MilestoneAdmin(ServiceAdmin):
    list_display = ["title", "agreement", "kind", "due_on", "status", "completed_on", "overdue"]
    list_filter = ["status", "kind", "agreement__type"]
    search_fields = ["title", "note", "agreement__title"]
    autocomplete_fields = ["agreement", "responsible_party", "owner", "source"]
    list_select_related = ["agreement"]
    date_hierarchy = "due_on"

    @admin.display(description=_("overdue"), boolean=True)
    def overdue(self, milestone: Milestone) -> bool:
        return milestone.is_overdue()

    service_fields = (*MILESTONE_FIELDS, "agreement")

    def create(self, actor: User, fields: dict[str, Any]) -> Milestone:
        return services.milestone_record(actor=actor, **fields)

    def update(self, actor: User, obj: Milestone, fields: dict[str, Any]) -> Milestone:
        return services.milestone_update(actor=actor, milestone=obj, **fields)


@admin.register(Participation)
class ParticipationAdmin(ServiceAdmin):
    """One party's own steps. Parties are added and removed on the agreement, where the parties rule holds."""

    list_display = ["agreement", "state", "signed_on", "approval_status", "approval_body", "entry_into_force_on"]
    list_filter = ["approval_status", "state"]
    search_fields = ["agreement__title", "state__short_name", "state__alpha3", "approval_body"]
    autocomplete_fields = ["agreement", "state", "source"]
    list_select_related = ["agreement", "state"]
    readonly_fields = ["agreement", "state"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Participation | None = None) -> bool:
        return False

    service_fields = PARTICIPATION_FIELDS

    def update(self, actor: User, obj: Participation, fields: dict[str, Any]) -> Participation:
        return services.participation_update(actor=actor, participation=obj, **fields)


@admin.register(Change)
class ChangeAdmin(admin.ModelAdmin):
    """The change log, to read: rows are written by the services and changed or deleted by nobody."""

    list_display = ("at", "action", "object_type", "object_repr", "agreement_id", "user_name", "channel")
    list_filter = ("channel", "action", "object_type")
    search_fields = ("object_repr", "user_name", "token_name", "system", "request_id", "message")
    date_hierarchy = "at"
    list_select_related = False  # the agreement is shown by id: a deleted one's rows must still list

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Change | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Change | None = None) -> bool:
        return False


@admin.register(ErrorReport)
class ErrorReportAdmin(admin.ModelAdmin):
    """Error reports, to read: they are resolved on the dashboard's queue (or through the API), where the
    services correct the fact and tell the reporter."""

    list_display = ("id", "agreement", "status", "reporter", "created_at", "resolved_by", "resolved_at")
    list_filter = ("status",)
    search_fields = ("note", "resolution", "agreement__title")
    list_select_related = ("agreement", "reporter", "resolved_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ErrorReport | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ErrorReport | None = None) -> bool:
        return False
