"""Helpers for the action log's tests: a client with a known address, and an admin form as it was loaded."""

import pytest
from django.forms import CheckboxInput, MultiWidget
from django.test import Client

from audit.models import ActionLogEntry

STAFF_ADDRESS = "203.0.113.7"
BROWSER = "Mozilla/5.0 (audit test)"


def client_for(user, *, address: str = STAFF_ADDRESS) -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER)
    client.force_login(user)
    return client


@pytest.fixture
def staff(staff_user):
    """A superuser with an authenticator app, signed in from a known address and browser."""
    return client_for(staff_user)


def logged(action: str) -> list[ActionLogEntry]:
    return list(ActionLogEntry.objects.filter(action=action).order_by("id"))


def only(action: str) -> ActionLogEntry:
    entries = logged(action)
    assert len(entries) == 1, f"{len(entries)} entries for {action}"
    return entries[0]


def change_form_data(client: Client, url: str) -> dict:
    """The POST an admin change page would send unchanged: its form and every inline, as loaded."""
    context = client.get(url).context
    data = {}

    def put(name, widget, value):
        if isinstance(widget, MultiWidget):  # a date and a time: one input each
            for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
                data[f"{name}{suffix}"] = "" if part is None else str(part)
        else:
            data[name] = "" if value is None else str(value)

    def add(form):
        for field in form:
            value = field.value()
            if field.field.show_hidden_initial:  # as the page's hidden initial-… input sends it
                put(field.html_initial_name, field.field.hidden_widget(), field.initial)
            if isinstance(field.field.widget, MultiWidget):
                put(field.html_name, field.field.widget, value)
            elif isinstance(field.field.widget, CheckboxInput):
                if value:
                    data[field.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[field.html_name] = [str(item) for item in value]
            elif value is not None:
                data[field.html_name] = str(value)

    add(context["adminform"].form)
    for inline in context["inline_admin_formsets"]:
        add(inline.formset.management_form)
        for form in inline.formset.forms:
            add(form)
    return data
