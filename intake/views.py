"""The review pages: the inbox of candidate facts, an article with its evidence marked, the submission form
and a candidate's review. Thin: the services decide, and their errors are shown beside the fields."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import policy
from accounts.policy import Action, acting_user, readable_page

from . import presentation, selectors, services
from .choices import Review
from .filtersets import CandidateFilterSet
from .forms import AcceptForm, ArticleForm, RejectForm
from .models import Article, Candidate

INBOX_SIZE = 100


def _service_errors(form: forms.BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, texts in error.message_dict.items():
            form.add_error(field if field in form.fields else None, texts)
    else:
        form.add_error(None, error.messages)


@readable_page(Candidate)
def inbox(request: HttpRequest) -> HttpResponse:
    """Candidate facts from the news, waiting for review unless the filter asks for others."""
    data = request.GET.copy()
    if "review" not in data:
        data.setlist("review", [Review.PENDING])
    filterset = CandidateFilterSet(data, queryset=selectors.candidates().order_by("-created_at", "-id"))
    candidates = list(filterset.qs[:INBOX_SIZE]) if filterset.is_valid() else []
    selectors.mark_reviewable(request.user, candidates)
    for candidate in candidates:
        candidate.marked = presentation.evidence(candidate)
    context = {"filter": filterset, "candidates": candidates, "reject_form": RejectForm(), "shown": INBOX_SIZE}
    return render(request, "intake/inbox.html", context)


@login_required
def article_create(request: HttpRequest) -> HttpResponse:
    """Any signed-in user submits an article: pasted (read at once), or by its address (fetched)."""
    form = ArticleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            article, created = services.article_submit(actor=acting_user(request.user), **form.cleaned_data)
        except ValidationError as error:
            _service_errors(form, error)
        else:
            if not created:
                messages.info(request, _("This article was submitted before; here it is."))
            elif article.text:
                count = article.candidates.count()
                messages.success(request, _("The article was read: %(count)d candidate facts.") % {"count": count})
            else:
                messages.success(request, _("The article will be fetched from its address in a moment."))
            return redirect(reverse("intake-article", args=[article.pk]))
    return render(request, "intake/article_form.html", {"form": form})


@readable_page(Candidate)
def article_detail(request: HttpRequest, pk: int) -> HttpResponse:
    article = get_object_or_404(Article.objects.select_related("feed", "source", "submitted_by"), pk=pk)
    candidates = list(selectors.candidates().filter(article=article).order_by("evidence_start", "id"))
    selectors.mark_reviewable(request.user, candidates)
    for candidate in candidates:
        candidate.marked = presentation.evidence(candidate)  # type: ignore[attr-defined]
    context = {
        "article": article,
        "paragraphs": presentation.article_text(article.text, candidates),
        "candidates": candidates,
        "reject_form": RejectForm(),
    }
    return render(request, "intake/article_detail.html", context)


def _reviewable(request: HttpRequest, pk: int) -> Candidate:
    candidate = get_object_or_404(selectors.candidates(), pk=pk)
    policy.require(request.user, Action.CHANGE, candidate)
    return candidate


@login_required
def candidate_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Edit, then accept; or reject with a reason. A refused step (the lifecycle's) is shown, nothing written."""
    candidate = _reviewable(request, pk)
    accept_form = AcceptForm(request.POST if request.POST.get("action") == "accept" else None, candidate=candidate)
    reject_form = RejectForm(request.POST if request.POST.get("action") == "reject" else None)
    if request.method == "POST":
        actor = acting_user(request.user)
        try:
            if request.POST.get("action") == "reject" and reject_form.is_valid():
                services.candidate_reject(actor=actor, candidate=candidate, reason=reject_form.cleaned_data["reason"])
                messages.success(request, _("The candidate was rejected; it stays with your reason."))
                return redirect(reverse("intake-article", args=[candidate.article_id]) + f"#candidate-{pk}")
            if request.POST.get("action") == "accept" and accept_form.is_valid():
                services.candidate_accept(actor=actor, candidate=candidate, **accept_form.corrections())
                messages.success(request, _("The fact was recorded, with the article as its source."))
                return redirect(reverse("intake-article", args=[candidate.article_id]) + f"#candidate-{pk}")
        except ValidationError as error:
            candidate = _reviewable(request, pk)  # as stored: nothing of the refused write was kept
            _service_errors(reject_form if request.POST.get("action") == "reject" else accept_form, error)
    candidate.marked = presentation.evidence(candidate)  # type: ignore[attr-defined]
    context = {"candidate": candidate, "accept_form": accept_form, "reject_form": reject_form}
    return render(
        request,
        "intake/candidate_review.html",
        context,
        status=400 if accept_form.errors or reject_form.errors else 200,
    )


@login_required
@require_POST
def candidate_quick(request: HttpRequest, pk: int) -> HttpResponse:
    """Accept as proposed, or reject with a reason, from the inbox or the article page (no JavaScript)."""
    try:
        candidate = _reviewable(request, pk)
    except PermissionDenied as refusal:
        messages.error(request, str(refusal))
        return redirect(request.POST.get("next") or reverse("intake-inbox"))
    actor = acting_user(request.user)
    back = request.POST.get("next") or reverse("intake-inbox")
    if not back.startswith("/") or back.startswith("//"):
        back = reverse("intake-inbox")
    try:
        if request.POST.get("action") == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Say why the candidate is wrong."))
                return redirect(back)
            services.candidate_reject(actor=actor, candidate=candidate, reason=form.cleaned_data["reason"])
            messages.success(request, _("The candidate was rejected; it stays with your reason."))
        else:
            services.candidate_accept(actor=actor, candidate=candidate)
            messages.success(request, _("The fact was recorded, with the article as its source."))
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("intake-candidate", args=[pk]))
    return redirect(back)
