"""Pieces shared by admin actions that run a service for each selected object (refund, reissue, approve,
decline): the reason form and the confirmation page, and the loop that reports each refusal."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

T = TypeVar("T")


class AuditReasonForm(forms.Form):
    """The reason an admin gives on an action's confirmation page (kept in the audit log)."""

    reason = forms.CharField(
        label=_("Reason (kept in the audit log)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )

    @classmethod
    def for_request(cls, request) -> "AuditReasonForm":
        """Bound once the confirmation page was submitted ("apply"), unbound on the first visit."""
        return cls(request.POST if "apply" in request.POST else None)


def admin_apply_each(
    model_admin,
    request,
    items: Iterable[T],
    act: Callable[[T], object],
    *,
    label: Callable[[T], str],
    done: Callable[[int], str],
) -> int:
    """Run ``act`` on each item. A refusal (DomainError) becomes a warning naming the item and the others go on;
    ``done(count)`` is the success message when any succeeded. Returns how many did."""
    count = 0
    for item in items:
        try:
            act(item)
        except DomainError as exc:
            model_admin.message_user(request, f"{label(item)}: {exc.message}", messages.WARNING)
        else:
            count += 1
    if count:
        model_admin.message_user(request, done(count), messages.SUCCESS)
    return count


def confirmation_page(
    model_admin, request, *, template: str, action: str, title: str, submit_label: str, selected_ids, form, **extra
) -> TemplateResponse:
    """The page that lists what an action is about to change and asks for the reason; ``template`` extends
    admin/action_confirmation.html. Submitting it runs ``action`` again with ``apply``."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "opts": model_admin.model._meta,
        "action": action,
        "submit_label": submit_label,
        "selected_ids": list(selected_ids),
        "form": form,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        **extra,
    }
    return TemplateResponse(request, template, context)
