"""Every row of every table as text, so a test can prove a refused request wrote nothing."""

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core import serializers


def everything_stored() -> str:
    """All rows but sessions (a request may touch its own session): any write shows up as a difference."""
    models = sorted((m for m in apps.get_models() if m is not Session), key=lambda m: m._meta.label)
    return "\n".join(serializers.serialize("json", m._base_manager.order_by("pk")) for m in models)
