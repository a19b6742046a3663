"""The one way into the action log: services call record() where the change happens.

record() writes a row in the caller's transaction, so an entry exists exactly
when the change it describes committed. Who and from where come from the
request being served (audit.middleware); outside a request the actor is the
system, named by its process (`system: manage.py import_questions`).
"""

import re
import sys
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from allauth.account.adapter import get_adapter
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.forms import ModelChoiceField, ModelMultipleChoiceField

from audit.middleware import current_request
from audit.models import ActionLogEntry

_ACTION = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")


def record(
    *,
    action: str,
    obj: models.Model | None = None,
    actor=None,
    changes: dict | None = None,
    detail: dict | None = None,
) -> ActionLogEntry:
    """Log one action: `action` a dotted verb ("certificate.revoked"), `obj` what it acted on.

    changes is {field: [before, after]} for an edit (see diff()); detail holds any
    other context. actor defaults to the signed-in user of the current request.
    """
    if not _ACTION.match(action):
        raise ValueError(f"An action is a dotted lower-case verb such as “question.published”, not “{action}”.")
    if obj is not None and obj.pk is None:
        raise ValueError("Log an object once it is saved: the entry points at its primary key.")
    request = current_request()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    entry = ActionLogEntry(
        actor=actor,
        actor_label=_actor_label(actor, request)[:254],
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        changes=json_safe(changes or {}),
        detail=json_safe(detail or {}),
        ip_address=_client_ip(request),
        user_agent=request.headers.get("user-agent", "")[:300] if request is not None else "",
    )
    entry.save()
    return entry


def _actor_label(actor, request) -> str:
    if actor is not None:
        return actor.get_username()
    if request is not None:
        return "anonymous"
    return system_label()


def system_label() -> str:
    """The process acting for nobody in particular: the worker, a management command, a script."""
    program = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    if program == "manage.py" and len(sys.argv) > 1:
        return f"system: manage.py {sys.argv[1]}"
    return f"system: {program}"


def _client_ip(request) -> str | None:
    if request is None:
        return None
    try:
        # allauth's reading of the address (TRUSTED_PROXY_COUNT), the same the rate limits use.
        return get_adapter(request).get_client_ip(request)
    except (PermissionDenied, ImproperlyConfigured):
        # No usable address (or proxies misconfigured): the entry still records who and what.
        return None


# ------------------------------------------------------------------ changes


def json_safe(value):
    """A value as the log stores it: dates as ISO text, decimals as text, objects as they read."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, dict):
        return {str(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, set | frozenset):
        return sorted((json_safe(item) for item in value), key=str)
    if isinstance(value, list | tuple | models.QuerySet):
        return [json_safe(item) for item in value]
    return str(value)


def diff(before: dict, after: dict) -> dict:
    """{key: [before, after]} for each key whose value differs; a key on one side only counts as None on the other."""
    changes = {}
    for key in [*after, *(key for key in before if key not in after)]:
        old, new = json_safe(before.get(key)), json_safe(after.get(key))
        if old != new:
            changes[key] = [old, new]
    return changes


def model_values(instance: models.Model | None, fields: Iterable[str] | None = None) -> dict:
    """The instance's editable fields by name ({} for None); a foreign key as the object it points to."""
    if instance is None:
        return {}
    names = fields or [
        field.name
        for field in instance._meta.concrete_fields
        if field.editable and not field.primary_key and not getattr(field, "auto_now", False)
    ]
    return {name: getattr(instance, name) for name in names}


def form_changes(form, formsets=()) -> dict:
    """What an admin form and its inlines changed, {label: [before, after]}, once they are saved.

    The form's initial values are the row as it was when the form was built, in
    the admin's transaction; its cleaned data are what was saved. An inline row
    added or deleted shows as None on one side.
    """
    changes = {}
    for name in form.changed_data:
        changes[name] = [_initial(form, name), form.cleaned_data.get(name)]
    for formset in formsets:
        label = formset.model._meta.verbose_name
        deleted = {id(inline) for inline in formset.deleted_forms}
        existing = {id(inline) for inline in formset.initial_forms}
        for inline in formset.forms:
            row = f"{label} “{inline.instance}”"
            if id(inline) in deleted:
                if id(inline) in existing:  # a new row ticked for deletion was never saved
                    changes[row] = [str(inline.instance), None]
            elif not inline.has_changed():
                continue
            elif id(inline) not in existing:
                changes[row] = [None, str(inline.instance)]
            else:
                for name in inline.changed_data:
                    changes[f"{row} · {name}"] = [_initial(inline, name), inline.cleaned_data.get(name)]
    # A field the form reports as changed may hold the same value (a callable default's hidden initial).
    return {label: values for label, values in json_safe(changes).items() if values[0] != values[1]}


def _initial(form, name):
    field = form.fields[name]
    value = form.get_initial_for_field(field, name)
    single_choice = isinstance(field, ModelChoiceField) and not isinstance(field, ModelMultipleChoiceField)
    if single_choice and value not in (None, "") and not isinstance(value, models.Model):
        # The form keeps a foreign key's initial value as its key; the log shows what it named.
        value = field.queryset.filter(**{field.to_field_name or "pk": value}).first() or value
    return value
