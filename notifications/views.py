from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Profile
from accounts.policy import acting_user
from accounts.services import profile_for, profile_update
from negotiations.models import Agreement

from . import feeds, services
from .delivery import site_url
from .models import Notification, Watch

UNSUBSCRIBE_MAX_AGE = 60 * 60 * 24 * 90


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["language", "time_zone"]


def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """One click from an e-mail: stop e-mails about one agreement (or all). GET asks, POST does it (RFC 8058)."""
    try:
        data = signing.loads(token, salt="unsubscribe", max_age=UNSUBSCRIBE_MAX_AGE)
    except signing.BadSignature:
        raise Http404(_("This link is not valid or has expired.")) from None
    user = get_object_or_404(get_user_model(), pk=data["u"])
    agreement = Agreement.objects.filter(pk=data.get("a")).first() if data.get("a") else None
    done = False
    if request.method == "POST":
        services.email_unsubscribe(user=user, agreement=agreement)
        done = True
    return render(request, "notifications/unsubscribe.html", {"agreement": agreement, "done": done})


@login_required
def watches(request: HttpRequest) -> HttpResponse:
    """The user's watches, their recent notices, their calendar address and their e-mail language and time zone."""
    user = acting_user(request.user)
    profile = profile_for(user)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        profile_update(user=user, **form.cleaned_data)
        messages.success(request, _("Your settings were saved."))
        return redirect("watches")
    context = {
        "form": form,
        "watches": Watch.objects.filter(user=user).select_related("agreement", "state").prefetch_related("webhooks"),
        "notifications": Notification.objects.filter(user=user).order_by("-created_at")[:20],
        "calendar_url": request.session.pop("calendar_url", None),
    }
    return render(request, "notifications/watches.html", context)


@login_required
@require_POST
def watch_toggle(request: HttpRequest, slug: str) -> HttpResponse:
    """The watch button of an agreement page."""
    agreement = get_object_or_404(Agreement, slug=slug)
    if not services.watch_toggle(user=acting_user(request.user), agreement=agreement):
        messages.success(request, _("You no longer watch this agreement."))
    else:
        messages.success(request, _("You watch this agreement: reminders and status changes come by e-mail."))
    return redirect(agreement.get_absolute_url())


@login_required
@require_POST
def watch_news(request: HttpRequest, pk: int) -> HttpResponse:
    """Whether the watch also tells of facts found in the news (candidates to review)."""
    user = acting_user(request.user)
    watch = get_object_or_404(Watch, pk=pk, user=user)
    told = services.watch_news_toggle(user=user, watch=watch)
    messages.success(
        request, _("Facts from the news will be told.") if told else _("Facts from the news are not told.")
    )
    return redirect("watches")


@login_required
@require_POST
def watch_remove(request: HttpRequest, pk: int) -> HttpResponse:
    user = acting_user(request.user)
    services.watch_delete(user=user, watch=get_object_or_404(Watch, pk=pk, user=user))
    return redirect("watches")


@login_required
@require_POST
def calendar_reset(request: HttpRequest) -> HttpResponse:
    secret = services.calendar_feed_reset(user=acting_user(request.user))
    request.session["calendar_url"] = site_url(reverse("calendar-private", args=[secret]))
    return redirect("watches")


def calendar_private(request: HttpRequest, secret: str) -> HttpResponse:
    user = services.calendar_feed_user(secret)
    if user is None:
        raise Http404(_("No calendar at this address."))
    return feeds.private_calendar(request, user)
