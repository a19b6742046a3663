"""record(): who, what, when and from where, with nothing but the action and the object from the caller."""

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory

from activities.models import Activity
from audit.middleware import RequestContextMiddleware
from audit.services import diff, model_values, record
from tests.audit.conftest import BROWSER
from tests.factories import ActivityFactory


def in_request(user, call, *, address="198.51.100.4", **headers):
    """Run `call` as the view of a request from `user` at `address`, through the middleware."""
    request = RequestFactory().get("/", REMOTE_ADDR=address, HTTP_USER_AGENT=BROWSER, **headers)
    request.user = user
    result = {}

    def view(request):
        result["value"] = call()
        return None

    RequestContextMiddleware(view)(request)
    return result["value"]


def test_in_a_request_the_signed_in_user_acts_from_the_request_address(staff_user):
    activity = ActivityFactory(title="Adjuvant update")

    entry = in_request(staff_user, lambda: record(action="pars.exported", obj=activity, detail={"records": 3}))

    assert (entry.actor, entry.actor_label) == (staff_user, staff_user.email)
    assert (entry.ip_address, entry.user_agent) == ("198.51.100.4", BROWSER)
    assert entry.content_type == ContentType.objects.get_for_model(Activity)
    assert (entry.object_id, entry.object_repr) == (str(activity.pk), "Adjuvant update")
    assert entry.detail == {"records": 3}


def test_behind_a_trusted_proxy_the_address_is_the_clients(staff_user, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    activity = ActivityFactory()
    entry = in_request(
        staff_user, lambda: record(action="activity.changed", obj=activity), address="10.0.0.2",
        HTTP_X_FORWARDED_FOR="192.0.2.33",
    )  # fmt: skip
    assert entry.ip_address == "192.0.2.33"


def test_outside_a_request_the_system_acts(db):
    entry = record(action="claims.recorded_past", detail={"claims": 2})
    assert entry.actor is None
    assert entry.actor_label.startswith("system: ")
    assert (entry.ip_address, entry.user_agent, entry.content_type) == (None, "", None)


def test_the_request_is_forgotten_once_it_is_answered(staff_user):
    in_request(staff_user, lambda: None)
    assert record(action="activity.changed", obj=ActivityFactory()).actor is None


def test_an_anonymous_request_is_logged_as_anonymous_with_its_address(db):
    from django.contrib.auth.models import AnonymousUser

    entry = in_request(AnonymousUser(), lambda: record(action="activity.changed", obj=ActivityFactory()))
    assert (entry.actor, entry.actor_label, entry.ip_address) == (None, "anonymous", "198.51.100.4")


def test_a_given_actor_wins_over_the_request(staff_user, alice):
    entry = in_request(staff_user, lambda: record(action="claim.created", obj=ActivityFactory(), actor=alice))
    assert (entry.actor, entry.actor_label, entry.ip_address) == (alice, alice.email, "198.51.100.4")


@pytest.mark.parametrize("action", ["Published", "question", "question published", "question.published!"])
def test_an_action_is_a_dotted_verb(db, action):
    with pytest.raises(ValueError, match="dotted"):
        record(action=action)


def test_an_unsaved_object_is_refused(db):
    with pytest.raises(ValueError, match="saved"):
        record(action="activity.changed", obj=Activity(title="Unsaved"))


def test_diff_keeps_only_what_changed_as_before_and_after_in_json(db):
    activity = ActivityFactory(max_credits=Decimal("1.00"), release_date=date(2026, 1, 1))
    before = model_values(activity)
    activity.max_credits, activity.release_date = Decimal("0.75"), date(2026, 2, 1)

    assert diff(before, model_values(activity)) == {
        "max_credits": ["1.00", "0.75"],
        "release_date": ["2026-01-01", "2026-02-01"],
    }
    assert diff({"a": 1}, {"b": 2}) == {"b": [None, 2], "a": [1, None]}
    assert diff({"provider": activity.provider}, {"provider": activity.provider}) == {}
