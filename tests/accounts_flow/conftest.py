import pytest

from tests.factories import ActivityFactory, make_quiz


@pytest.fixture
def activity(db):
    """An activity with one objective and a post-test, as tests/credits uses."""
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    return activity
