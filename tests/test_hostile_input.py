"""Hostile values in every learner form: never a 5xx, and a refused form stores nothing.

Hypothesis mixes valid values with control and format characters, NUL, bidi overrides, huge and
malformed numbers and dates, markup and formula text. Each example runs inside a savepoint that is
rolled back, so one example's accepted write never changes what the next one starts from.
"""

import unicodedata
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from quizzes.services import attempt_start
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import ActivityFactory, make_quiz
from tests.stored import everything_stored

EXAMPLES = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run, so CI never turns red by chance
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "Ann\u202eeoJ",
    "Line\r\nBreak",
    "\ufeffBOM",
    "zero\u200bwidth",
    '=HYPERLINK("http://x")',
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "9" * 400,
    "-1",
    "0",
    "1e309",
    "NaN",
    "Infinity",
    "999.99",
    "0.001",
    "0001-01-01",
    "9999-12-31",
    "2026-02-30",
    "李小龍",
    "محمد",
]
hostile_text = st.one_of(
    st.sampled_from(NASTY),
    st.text(st.characters(exclude_categories=["Cs"]), max_size=120),
)


def either(*valid) -> st.SearchStrategy:
    return st.one_of(st.sampled_from(valid), hostile_text)


@contextmanager
def rolled_back():
    cache.clear()  # rate-limit counters: every example starts fresh
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def post_and_check(client, url: str, data: dict, *, accepted: int = 302):
    """Post hostile data; a refusal must leave every table as it was."""
    before = everything_stored()
    response = client.post(url, data)
    assert response.status_code < 500, response.content[:500]
    if response.status_code != accepted:
        assert everything_stored() == before, f"refused with {response.status_code} but something was stored"
    return response


def printable(text: str) -> bool:
    return not any(unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp", "Co", "Cs", "Cn"} for ch in text)


@pytest.fixture
def activity(db):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    return activity


@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {
            "first_name": either("Ana", "José", "李"),
            "last_name": either("O'Neil", "Nguyễn", "Al-Amin"),
            "degree": either("MD", "DO", "OTHER", "PHD"),
            "degree_other": either("", "MBBS", "FRCP"),
            "profession": either("physician", "nurse", "other_hcp"),
            "specialty": either("Medical oncology", ""),
            "npi": either("1234567893", "", "1234567890"),
            "certifying_board": either("", "ABIM"),
            "board_id": either("", "123456"),
            "birth_month": either("", "1", "2", "13"),
            "birth_day": either("", "29", "30", "31", "32"),
            "country": either("US", "GB", "XX"),
            "license_region": either("", "MA", "Massachusetts", "ZZ"),
            "license_number": either("", "12345"),
        }
    )
)
def test_the_profile_form(alice_client, data):
    with rolled_back():
        response = post_and_check(alice_client, reverse("accounts:profile"), data)
        if response.status_code == 302:
            alice = User.objects.get(email="alice@example.org")
            for field in ("first_name", "last_name", "degree_other", "specialty"):
                assert printable(getattr(alice, field)), (field, getattr(alice, field))


@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {
            "title": either("Lung cancer update"),
            "provider": either("Another provider"),
            "completed_on": either("2026-01-05", "2025-12-31"),
            "credit_type": either("AMA PRA Category 1 Credit™"),
            "amount": either("1.00", "0.25", "12"),
        }
    )
)
def test_the_self_reported_credit_form(alice_client, data):
    with rolled_back():
        post_and_check(alice_client, reverse("credits:external_add"), data)
        for credit in User.objects.get(email="alice@example.org").external_credits.all():
            assert printable(credit.title) and printable(credit.provider) and printable(credit.credit_type)
            assert Decimal("0") < credit.amount <= Decimal("999.99")


@EXAMPLES
@given(start=either("", "2026-01-01"), end=either("", "2026-12-31"))
def test_the_transcript_filter(alice_client, start, end):
    with rolled_back():
        for name in ("credits:transcript", "credits:transcript_csv", "credits:transcript_pdf"):
            response = alice_client.get(reverse(name), {"start": start, "end": end})
            assert response.status_code < 500


@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {
            "relevance": either("1", "5"),
            "practice_change": either("yes", "no", "already", "unsure"),
            "change_description": either("Screen for ILD.", ""),
            "free_of_commercial_bias": either("yes", "no"),
            "bias_comment": either("", "Too much about one drug."),
            "overall_quality": either("1", "5"),
            "comments": either(""),
            "objective_x": either("5"),
        }
    )
)
def test_the_evaluation_form(alice, alice_client, activity, data):
    data = {**data}
    rating = data.pop("objective_x")
    for objective in activity.objectives.all():
        data[f"objective_{objective.pk}"] = rating
    with rolled_back():
        pass_posttest(alice, activity)
        post_and_check(alice_client, reverse("journey:evaluation", args=[activity.slug]), data)


@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {
            "amount": either("0.50", "0.25", "0.30", "5.00"),
            "attest": either("on", ""),
            "pars_consent": either("", "on"),
        }
    )
)
def test_the_claim_form(alice, alice_client, activity, data):
    with rolled_back():
        pass_posttest(alice, activity)
        evaluate(alice, activity)
        post_and_check(alice_client, reverse("journey:claim", args=[activity.slug]), data)


@EXAMPLES
@given(choice=either("1", "2", "4", "999"), action=either("next", "previous", "review"))
def test_the_answer_form(alice, alice_client, activity, choice, action):
    from activities.models import Enrollment

    with rolled_back():
        Enrollment.objects.get_or_create(user=alice, activity=activity)
        attempt = attempt_start(user=alice, quiz=activity.quizzes.get(kind="post"))
        url = reverse("quizzes:question", args=[attempt.pk, 1])
        response = alice_client.post(url, {"choice": choice, "action": action})
        assert response.status_code < 500


@EXAMPLES
@given(
    data=st.fixed_dictionaries(
        {
            "email": either("new.person@example.org", "alice@example.org", "not-an-email"),
            "password1": either("a-long-enough-passphrase", "short"),
            "password2": either("a-long-enough-passphrase"),
        }
    )
)
def test_the_sign_up_form(client, alice, data):
    with rolled_back():
        users_before = User.objects.count()
        response = client.post(reverse("account_signup"), data)
        assert response.status_code < 500
        if response.status_code != 302:
            assert User.objects.count() == users_before
