"""manage.py export_responses: one row per answered question, learners under a pseudonym, never a name or email."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from outcomes.selectors import learner_pseudonym
from quizzes.models import AttemptItem, AttemptState, QuestionVersion, Quiz
from tests.factories import UserFactory
from tests.outcomes.conftest import quizzes_of, record_attempt

HEADER = ["learner", "attempt", "quiz_kind", "attempt_number", "question", "version", "choice_position", "correct"]


def export(activity) -> list[list[str]]:
    out = io.StringIO()
    call_command("export_responses", activity=activity.slug, stdout=out)
    return list(csv.reader(io.StringIO(out.getvalue())))


@pytest.fixture
def answered(course, alice, bob):
    pre, post = quizzes_of(course)
    record_attempt(alice, pre, [3, 1])
    first = record_attempt(alice, post, [1, 4, 1, 2])
    second = record_attempt(alice, post, [1, 1, 1, 1], number=2)
    record_attempt(bob, post, [2, 2, 2, 2], state=AttemptState.IN_PROGRESS)
    return first, second


def test_one_row_per_answered_question_of_each_submitted_attempt(answered, course, alice):
    rows = export(course)
    assert rows[0] == HEADER
    assert len(rows) == 1 + 2 + 4 + 4  # the pre-test, then both post-test attempts; Bob's open attempt is left out
    pre_rows, post_rows = rows[1:3], rows[3:]
    assert [row[2:4] for row in pre_rows] == [["pre", "1"], ["pre", "1"]]
    assert [row[3] for row in post_rows] == ["1"] * 4 + ["2"] * 4
    first, _second = answered
    post = Quiz.objects.get(activity=course, kind="post")
    versions = [QuestionVersion.objects.get(question=slot.question) for slot in post.slots.order_by("position")]
    expected = [
        [learner_pseudonym(alice.pk), str(first.pk), "post", "1", version.question.idnumber, "1", position, correct]
        for version, position, correct in zip(versions, ["1", "4", "1", "2"], ["1", "0", "1", "0"], strict=True)
    ]
    assert post_rows[:4] == expected


def test_the_choice_position_is_as_authored_whatever_order_was_shown(answered, course):
    first, _ = answered
    item = AttemptItem.objects.get(attempt=first, position=2)
    item.choice_order = list(reversed(item.choice_order))  # shown shuffled
    item.save()
    assert export(course)[3 + 1][6] == "4"
    assert item.selected_choice.position == 4


def test_learners_are_a_stable_pseudonym_never_their_name_email_or_id(answered, course, alice, settings):
    text = "\n".join(",".join(row) for row in export(course))
    for secret in (alice.email, alice.first_name, alice.last_name):
        assert secret not in text
    pseudonym = learner_pseudonym(alice.pk)
    assert pseudonym.startswith("L-") and len(pseudonym) == 18
    assert export(course)[1][0] == pseudonym  # the same on every run
    assert learner_pseudonym(UserFactory().pk) != pseudonym
    settings.SECRET_KEY = "another-secret-key-for-another-site-entirely"
    assert learner_pseudonym(alice.pk) != pseudonym  # an HMAC under the site's secret, not a bare hash of the id


def test_an_unknown_activity_is_refused(db):
    with pytest.raises(CommandError, match="No activity"):
        call_command("export_responses", activity="nope", stdout=io.StringIO())
