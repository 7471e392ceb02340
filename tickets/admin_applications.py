"""Applications in Django admin: admins read everything and decide through the same services as organizers
(approve; decline with a reason on a confirmation page), so each decision is audited and e-mailed."""

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_actions import admin_apply_each, confirmation_page
from tickets.models import Application, ApplicationAttachment
from tickets.services.applications import MAX_REASON_LENGTH, application_approve, application_decline


class ApplicationAttachmentInline(admin.TabularInline):
    model = ApplicationAttachment
    extra = 0
    can_delete = False
    fields = readonly_fields = ["download", "content_type", "size", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("file"))
    def download(self, obj: ApplicationAttachment) -> str:
        return format_html('<a href="{}">{}</a>', reverse("applications:attachment", args=[obj.pk]), obj.original_name)


class DeclineReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to each applicant"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ["id", "name", "email", "event", "team_name", "quantity", "status", "created_at", "decided_at"]
    list_filter = ["status", ("event", admin.RelatedOnlyFieldListFilter), "created_at"]
    search_fields = ["name", "email", "team_name", "applicant__email", "event__title"]
    list_select_related = ["event", "applicant"]
    date_hierarchy = "created_at"
    inlines = [ApplicationAttachmentInline]
    actions = ["approve", "decline"]
    fields = readonly_fields = [
        "event", "applicant", "ticket_type", "quantity", "name", "email", "phone", "team_name", "team_members",
        "answers", "status", "decline_reason", "decided_by", "decided_at", "withdrawn_at", "order", "created_at",
        "updated_at",
    ]  # fmt: skip

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_decide_permission(self, request) -> bool:
        return request.user.is_admin

    @admin.action(description=_("Approve selected applications"), permissions=["decide"])
    def approve(self, request, queryset):
        now = timezone.now()
        admin_apply_each(
            self,
            request,
            queryset.order_by("created_at", "id"),
            lambda application: application_approve(application=application, actor=request.user, now=now),
            label=lambda application: f"#{application.pk} {application.name}",
            done=lambda count: (
                ngettext("%(count)d application approved.", "%(count)d applications approved.", count)
                % {"count": count}
            ),
        )

    @admin.action(description=_("Decline selected applications…"), permissions=["decide"])
    def decline(self, request, queryset):
        form = DeclineReasonForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            now = timezone.now()
            admin_apply_each(
                self,
                request,
                queryset,
                lambda application: application_decline(
                    application=application, actor=request.user, reason=form.cleaned_data["reason"], now=now
                ),
                label=lambda application: f"#{application.pk} {application.name}",
                done=lambda count: (
                    ngettext("%(count)d application declined.", "%(count)d applications declined.", count)
                    % {"count": count}
                ),
            )
            return None
        applications = list(queryset.select_related("event"))
        return confirmation_page(
            self,
            request,
            template="admin/tickets/application_decline.html",
            action="decline",
            title=_("Decline applications"),
            submit_label=_("Decline"),
            selected_ids=[application.pk for application in applications],
            form=form,
            applications=applications,
        )
