"""The organizer dashboard: an event's gate staff, who may scan its tickets."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from core.errors import DomainError
from events import forms
from events.selectors.organizer import event_staff_list
from events.services.staff import staff_add, staff_remove
from events.views.organizer_base import OrganizerEventMixin, manage_url


class EventStaffView(OrganizerEventMixin, TemplateView):
    template_name = "events/dashboard/event_staff.html"

    def get_context_data(self, **kwargs):
        kwargs.setdefault("form", forms.StaffAddForm())
        return {
            **super().get_context_data(**kwargs),
            "active_tab": "staff",
            "staff": list(event_staff_list(event=self.event)),
        }

    def post(self, request, pk: int):
        form = forms.StaffAddForm(request.POST)
        if form.is_valid():
            try:
                member = staff_add(
                    event=self.event, email=form.cleaned_data["email"], actor=request.user, now=timezone.now()
                )
            except DomainError as exc:
                form.add_error("email", exc.message)
            else:
                name = member.user.name or member.user.email
                messages.success(request, _("%(name)s can now scan tickets at this event.") % {"name": name})
                return redirect(manage_url(self.event, "event_staff"))
        return self.render_to_response(self.get_context_data(form=form))


class EventStaffRemoveView(OrganizerEventMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk: int, user_id: int):
        staff_remove(event=self.event, user_id=user_id, actor=request.user, now=timezone.now())
        messages.success(request, _("Their gate access to this event is revoked."))
        return redirect(manage_url(self.event, "event_staff"))
