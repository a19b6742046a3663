"""The checkable NBME item-writing rules, kept by the seed pre-test and post-test.

Case & Swanson, "Constructing Written Test Questions for the Basic and Clinical
Sciences": no cues that let a test-wise learner find the key without the
knowledge (a longest key, convergence, reversed pairs, absolute terms, one stem
answering another), keys spread over the positions, pre/post pairs that are
parallel forms rather than the same item, and every item tied to an objective
and a reference with feedback on every option. Whether a statement is clinically
right is for a reviewer; these tests keep what a reviewer should not have to count.
"""

import re
from collections import Counter
from math import floor

import pytest

from activities.models import LearningObjective
from quizzes.models import Quiz

CHOICES_PER_ITEM = 4
LONGEST_KEY_SHARE = 0.25  # of a quiz's items whose key is the one uniquely longest option
KEY_POSITION_SHARE = 0.40  # of a quiz's keys stored at any one position
ABSOLUTE = re.compile(r"\b(always|never|all|none|only|every|entirely|completely)\b", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\w-])\d+(?:\.\d+)?(?![\w-])")  # a figure, not the digits of HER2 or HER2CLIMB-05
VERSUS = re.compile(r"\s+(?:vs\.?|versus)\s+", re.IGNORECASE)
WORD = re.compile(r"[a-z0-9][a-z0-9.+/-]*")
STOPWORDS = {
    "a", "an", "the", "of", "and", "or", "with", "to", "in", "for", "from", "by", "on", "at", "as", "is", "was",
    "were", "be", "its", "it", "her", "she", "than", "that", "this", "so", "but", "not", "no",
}  # fmt: skip


@pytest.fixture
def quizzes(seed_questions):
    return {quiz.kind: quiz for quiz in Quiz.objects.filter(activity=seed_questions)}


def questions(quiz):
    return [
        slot.question
        for slot in quiz.slots.select_related("question__objective", "question__reference").order_by("position")
    ]


def normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def key_of(question):
    return question.choices.get(is_correct=True)


def content_words(text: str) -> set[str]:
    return {word for word in WORD.findall(text.casefold()) if word not in STOPWORDS}


# ------------------------------------------------------------------ pre/post pairs


def test_matched_pairs_are_parallel_forms_not_the_same_item(quizzes):
    for slot in quizzes["pre"].slots.select_related("question", "matched_question"):
        pre, post = slot.question, slot.matched_question
        assert post is not None and post != pre, pre.title
        assert post.slots.filter(quiz=quizzes["post"]).exists(), pre.title
        assert pre.objective_id == post.objective_id, pre.title
        assert normalised(pre.stem) != normalised(post.stem), pre.title
        shared = {normalised(c.text) for c in pre.choices.all()} & {normalised(c.text) for c in post.choices.all()}
        assert not shared, (pre.title, post.title, shared)


# ------------------------------------------------------------------ cues


def test_the_key_is_the_uniquely_longest_option_in_at_most_a_quarter_of_each_quiz(quizzes):
    for kind, quiz in quizzes.items():
        longest = []
        for question in questions(quiz):
            key = key_of(question)
            others = [len(c.text.strip()) for c in question.choices.exclude(pk=key.pk)]
            if len(key.text.strip()) > max(others):
                longest.append(question.title)
        allowed = floor(LONGEST_KEY_SHARE * len(questions(quiz)))
        assert len(longest) <= allowed, (kind, longest)


def test_keys_are_spread_over_the_positions(quizzes):
    for kind, quiz in quizzes.items():
        items = questions(quiz)
        positions = Counter(key_of(question).position for question in items)
        busiest, count = positions.most_common(1)[0]
        assert count <= KEY_POSITION_SHARE * len(items), (kind, busiest, positions)
    post_positions = {key_of(question).position for question in questions(quizzes["post"])}
    assert post_positions == set(range(1, CHOICES_PER_ITEM + 1))


def test_no_option_reverses_another(quizzes):
    """'40.7 vs 26.9' beside '26.9 vs 40.7', or two subgroups' values swapped: the pair points at the key."""
    for quiz in quizzes.values():
        for question in questions(quiz):
            texts = [c.text for c in question.choices.all()]
            for index, first in enumerate(texts):
                for second in texts[index + 1 :]:
                    ours, theirs = NUMBER.findall(first), NUMBER.findall(second)
                    swapped = len(ours) >= 2 and sorted(ours) == sorted(theirs) and ours != theirs
                    sides = [normalised(side) for side in VERSUS.split(first)]
                    reversed_sides = len(sides) == 2 and sides[::-1] == [normalised(s) for s in VERSUS.split(second)]
                    assert not (swapped or reversed_sides), (question.title, first, second)


def test_no_option_uses_an_absolute_term(quizzes):
    for quiz in quizzes.values():
        for question in questions(quiz):
            for choice in question.choices.all():
                assert not ABSOLUTE.search(choice.text), (question.title, choice.text)


def test_the_key_never_converges_with_the_other_options(quizzes):
    """The key must not be the one option sharing the most words with the rest (the 'convergence' cue)."""
    for quiz in quizzes.values():
        for question in questions(quiz):
            choices = list(question.choices.all())
            words = [content_words(c.text) for c in choices]
            common = set.intersection(*words)
            words = [w - common for w in words]
            overlap = [sum(len(w & other) for other in words if other is not w) for w in words]
            key = next(i for i, c in enumerate(choices) if c.is_correct)
            others = overlap[:key] + overlap[key + 1 :]
            assert overlap[key] == 0 or overlap[key] <= max(others), (question.title, overlap)


def test_no_stem_gives_away_the_key_of_another_item_in_the_same_quiz(quizzes):
    for kind, quiz in quizzes.items():
        items = questions(quiz)
        for question in items:
            key = key_of(question).text
            figures = NUMBER.findall(key)
            for other in items:
                if other == question:
                    continue
                stem = normalised(other.stem)
                assert normalised(key) not in stem, (kind, question.title, other.title)
                for figure in figures:
                    if "." in figure:  # trial figures; whole numbers such as ages and months are left alone
                        assert figure not in NUMBER.findall(other.stem), (kind, question.title, other.title, figure)


# ------------------------------------------------------------------ completeness


def test_every_item_has_four_options_one_key_an_objective_a_reference_an_explanation_and_feedback(quizzes):
    for quiz in quizzes.values():
        for question in questions(quiz):
            choices = list(question.choices.all())
            assert len(choices) == CHOICES_PER_ITEM, question.title
            assert sum(c.is_correct for c in choices) == 1, question.title
            assert question.objective_id and question.reference_id, question.title
            assert question.explanation.strip(), question.title
            for choice in choices:
                assert choice.feedback.strip(), (question.title, choice.text)
            assert key_of(question).feedback.startswith("Correct"), question.title


def test_every_objective_is_assessed_in_the_post_test(quizzes, seed_questions):
    objectives = set(LearningObjective.objects.filter(activity=seed_questions).values_list("pk", flat=True))
    assessed = {question.objective_id for question in questions(quizzes["post"])}
    assert objectives and objectives == assessed


def test_every_version_equals_its_working_copy(quizzes):
    for quiz in quizzes.values():
        for question in questions(quiz):
            version = question.versions.order_by("-number").first()
            assert version is not None and version.number == 1, question.title
            assert (version.stem, version.explanation, version.objective_id, version.reference_id) == (
                question.stem,
                question.explanation,
                question.objective_id,
                question.reference_id,
            ), question.title
            fields = ("position", "text", "is_correct", "feedback")
            working = list(question.choices.order_by("position").values_list(*fields))
            shown = list(version.choices.order_by("position").values_list(*fields))
            assert shown == working, question.title
            assert [row[0] for row in working] == list(range(1, len(working) + 1)), question.title
