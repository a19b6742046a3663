"""The seed activity's pre-test and post-test, as loaded by `make run`."""

import re

import pytest

from quizzes.models import QuestionStatus, Quiz
from quizzes.validation import ChoiceData, single_best_answer_problems, single_best_answer_warnings

# Every decimal or percentage the items may use: the figures of trial-facts.md.
TRIAL_FIGURES = {
    "40.7", "26.9", "0.56", "12.1%", "1.0%", "23.9%", "10.2%", "8.4%", "44.3", "29.1",
    "13.0%", "19.2%", "24.9", "16.3", "0.554", "0.725", "72.7%",
}  # fmt: skip
NUMBER = re.compile(r"\d+\.\d+%?|\d+%")


@pytest.fixture
def quizzes(seed_questions):
    return {quiz.kind: quiz for quiz in Quiz.objects.filter(activity=seed_questions)}


def questions(quiz):
    return [slot.question for slot in quiz.slots.select_related("question__reference").order_by("position")]


def test_the_post_test_has_at_least_ten_items_on_all_three_trials(quizzes):
    post = questions(quizzes["post"])
    assert len(post) >= 10
    assert {question.reference.trial for question in post} == {"DESTINY-Breast09", "PATINA", "HER2CLIMB-05"}
    assert {question.objective.position for question in post} == {1, 2, 3, 4}


def test_the_post_test_covers_the_required_findings(quizzes):
    keys = " ".join(
        question.choices.get(is_correct=True).text + " " + question.explanation
        for question in questions(quizzes["post"])
    )
    for figure in ("40.7", "0.56", "12.1%", "23.9%", "44.3", "13.0%", "24.9", "0.554", "72.7%"):
        assert figure in keys, figure


def test_the_pretest_has_four_or_five_items_each_matched_on_its_objective(quizzes):
    pre_slots = list(quizzes["pre"].slots.select_related("question__objective", "matched_question__objective"))
    assert 4 <= len(pre_slots) <= 5
    post_ids = set(quizzes["post"].slots.values_list("question_id", flat=True))
    for slot in pre_slots:
        assert slot.matched_question_id in post_ids
        assert slot.matched_question.objective == slot.question.objective
    assert quizzes["pre"].attempts_allowed == 1


def test_every_item_keeps_the_item_writing_rules(quizzes):
    for quiz in quizzes.values():
        for question in questions(quiz):
            assert question.status == QuestionStatus.PUBLISHED
            choices = [ChoiceData(c.text, c.is_correct) for c in question.choices.all()]
            assert len(choices) == 4
            assert single_best_answer_problems(choices) == [], question.title
            assert single_best_answer_warnings(choices) == [], question.title
            assert question.stem.rstrip().endswith("?"), question.title
            assert question.versions.count() == 1


def test_every_figure_in_stems_keys_feedback_and_explanations_is_a_trial_figure(quizzes):
    for quiz in quizzes.values():
        for question in questions(quiz):
            texts = [question.stem, question.explanation]
            texts += [text for choice in question.choices.all() for text in (choice.text, choice.feedback)]
            for text in texts:
                for number in NUMBER.findall(text):
                    assert number in TRIAL_FIGURES or number.rstrip("%") in TRIAL_FIGURES, (question.title, number)


def test_every_explanation_cites_its_trial_journal_and_year(quizzes):
    for quiz in quizzes.values():
        for question in questions(quiz):
            reference = question.reference
            assert reference.trial in question.explanation, question.title
            assert reference.journal in question.explanation and str(reference.year) in question.explanation


def test_no_item_treats_the_patina_cns_finding_as_decisive(quizzes):
    """PATINA's CNS result is a composite from a secondary analysis: an item may ask about it, never rest on it."""
    for quiz in quizzes.values():
        for question in questions(quiz):
            key = question.choices.get(is_correct=True).text
            if "CNS" in question.stem + key:
                assert "hypothesis-generating" in question.explanation, question.title
                assert "prevent" not in key and "protect" not in key, question.title
