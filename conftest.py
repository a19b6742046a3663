"""Fixtures shared by the whole suite: a small cast of users and a logged-in client.

Alice and Bob are both learners; tests use Bob to prove Alice's data stays out of reach.
"""

import pytest
from django.core.cache import cache
from django.test import Client

from tests.factories import DEFAULT_PASSWORD, UserFactory


@pytest.fixture(autouse=True)
def _empty_cache():
    # Rate-limit counters and cached pages live in the cache; no test may inherit another's.
    from django.core.cache import caches

    from activities.page_cache import forget_local_pages

    for each in (cache, caches["pages"]):
        each.clear()
    forget_local_pages()
    yield
    for each in (cache, caches["pages"]):
        each.clear()
    forget_local_pages()


@pytest.fixture
def user_factory(db):
    return UserFactory


@pytest.fixture
def password():
    return DEFAULT_PASSWORD


@pytest.fixture
def alice(user_factory):
    return user_factory(email="alice@example.org", first_name="Alice", last_name="Anand", npi="1234567893")


@pytest.fixture
def bob(user_factory):
    return user_factory(email="bob@example.org", first_name="Bob", last_name="Baker", npi="1245319599")


@pytest.fixture
def staff_user(user_factory):
    return user_factory(email="staff@example.org", staff=True)


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice_client(alice):
    return _client_for(alice)


@pytest.fixture
def bob_client(bob):
    return _client_for(bob)


@pytest.fixture
def staff_client(staff_user):
    return _client_for(staff_user)


SEED_FIXTURE = "fixtures/her2-mbc-activity.json"
SEED_SLUG = "her2-positive-mbc-frontline-and-maintenance"


@pytest.fixture
def seed_activity(db):
    """The real HER2+ MBC activity from fixtures/, as `make run` loads it."""
    from django.core.management import call_command

    from activities.models import Activity

    call_command("loaddata", SEED_FIXTURE, verbosity=0)
    return Activity.objects.get(slug=SEED_SLUG)


@pytest.fixture
def seed_questions(seed_activity):
    """The seed activity with its pre-test and post-test from fixtures/."""
    from django.core.management import call_command

    call_command("loaddata", "fixtures/her2-mbc-questions.json", verbosity=0)
    return seed_activity
