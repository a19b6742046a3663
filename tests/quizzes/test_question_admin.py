"""Authoring questions in Django admin: validation, versioning, preview, import and export."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quizzes.models import Question, QuestionStatus
from quizzes.services import attempt_start, attempt_submit
from tests.quizzes.conftest import answer

ADD_URL = reverse("admin:quizzes_question_add")


def question_form(activity, choices, **overrides):
    objective = activity.objectives.first()
    reference = activity.references.first()
    data = {
        "activity": activity.pk,
        "title": "New item",
        "status": "published",
        "stem": "Which regimen?",
        "objective": objective.pk,
        "reference": reference.pk,
        "explanation": "Because.",
        "choices-TOTAL_FORMS": str(len(choices)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "3",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for index, (text, correct) in enumerate(choices):
        data[f"choices-{index}-position"] = str(index + 1)
        data[f"choices-{index}-text"] = text
        data[f"choices-{index}-feedback"] = f"About {text}"
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def activity(seed_activity):
    return seed_activity


def test_staff_author_a_valid_question_and_it_gets_version_1(staff_client, activity):
    response = staff_client.post(ADD_URL, question_form(activity, [("THP", False), ("T-DXd", True), ("TCH", False)]))
    assert response.status_code == 302
    question = Question.objects.get(title="New item")
    assert question.versions.get().choices.get(is_correct=True).text == "T-DXd"


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ([("A", True), ("B", False)], "needs at least 3 choices"),
        ([("A", False), ("B", False), ("C", False)], "exactly one correct choice; it has 0"),
        ([("A", True), ("B", True), ("C", False)], "exactly one correct choice; it has 2"),
        ([("A", True), ("b ", False), ("B", False)], "are the same"),
    ],
)
def test_the_admin_refuses_a_broken_item(staff_client, activity, choices, message):
    response = staff_client.post(ADD_URL, question_form(activity, choices))
    assert response.status_code == 200
    assert message in response.text
    assert not Question.objects.filter(title="New item").exists()


def test_publishing_needs_objective_and_reference(staff_client, activity):
    data = question_form(activity, [("A", True), ("B", False), ("C", False)], objective="", reference="")
    response = staff_client.post(ADD_URL, data)
    assert "needs its learning objective and its reference before it is published" in response.text
    assert not Question.objects.exists()


def test_all_of_the_above_is_saved_with_a_warning(staff_client, activity):
    choices = [("A", True), ("B", False), ("All of the above", False)]
    response = staff_client.post(ADD_URL, question_form(activity, choices), follow=True)
    assert "all/none-of-the-above option" in response.text
    assert Question.objects.filter(title="New item").exists()


def test_editing_a_used_question_in_admin_makes_version_2(staff_client, alice, seed_questions):
    from activities.models import Enrollment
    from quizzes.models import Quiz

    Enrollment.objects.create(user=alice, activity=seed_questions)
    quiz = Quiz.objects.get(activity=seed_questions, kind="pre")
    attempt = attempt_start(user=alice, quiz=quiz)
    answer(attempt, correct=5)
    attempt_submit(attempt=attempt)
    question = quiz.slots.order_by("position").first().question
    choices = list(question.choices.all())
    data = question_form(seed_questions, [], title=question.title, stem=question.stem + " (edited)")
    data.update({"objective": question.objective_id, "reference": question.reference_id,
                 "choices-TOTAL_FORMS": str(len(choices)), "choices-INITIAL_FORMS": str(len(choices))})  # fmt: skip
    for index, choice in enumerate(choices):
        data.update({f"choices-{index}-id": choice.pk, f"choices-{index}-question": question.pk,
                     f"choices-{index}-position": choice.position, f"choices-{index}-text": choice.text,
                     f"choices-{index}-feedback": choice.feedback})  # fmt: skip
        if choice.is_correct:
            data[f"choices-{index}-is_correct"] = "on"
    response = staff_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data, follow=True)
    assert "your edit became version 2" in response.text
    assert list(question.versions.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert attempt.items.get(version__question=question).version.number == 1


def test_staff_preview_a_question_as_learners_see_it(staff_client, seed_questions):
    question = Question.objects.filter(activity=seed_questions).first()
    html = staff_client.get(reverse("quizzes:preview", args=[question.pk])).text
    assert "Choose the single best answer" in html
    assert question.choices.first().text in html
    assert "Staff preview" in html


def test_learners_cannot_preview_and_are_not_told_the_page_exists(alice_client, seed_questions):
    question = Question.objects.first()
    response = alice_client.get(reverse("quizzes:preview", args=[question.pk]))
    assert response.status_code == 404
    assert "Right" not in response.text


def test_the_bank_filters_and_searches(staff_client, seed_questions):
    url = reverse("admin:quizzes_question_changelist")
    response = staff_client.get(url, {"q": "tucatinib", "status__exact": "published"})
    assert response.status_code == 200
    assert "HER2CLIMB-05 tucatinib adverse event profile" in response.text


def test_the_export_action_downloads_gift(staff_client, seed_questions):
    ids = list(Question.objects.filter(activity=seed_questions).values_list("pk", flat=True)[:3])
    response = staff_client.post(
        reverse("admin:quizzes_question_changelist"), {"action": "export_gift", "_selected_action": ids}
    )
    assert response["Content-Disposition"] == 'attachment; filename="questions.gift"'
    assert response.content.decode().count("\n::") == 3


def test_the_import_view_dry_runs_then_imports(staff_client, activity):
    url = reverse("admin:quizzes_question_import")
    gift = f"$CATEGORY: $module$/top/{activity.slug}/post\n\n::Imported::Which?{{=a ~b ~c}}\n".encode()
    dry = staff_client.post(url, {"file": SimpleUploadedFile("q.gift", gift), "dry_run": "on"})
    assert "Would import 1 question(s): 1 new, 0 changed, 0 unchanged." in dry.text
    assert f"→ {activity.slug}, post-test: new" in dry.text
    assert not Question.objects.exists()
    real = staff_client.post(url, {"file": SimpleUploadedFile("q.gift", gift)})
    assert "Imported 1 question(s): 1 new, 0 changed, 0 unchanged." in real.text
    question = Question.objects.get(title="Imported")
    assert question.status == QuestionStatus.DRAFT
    assert question.slots.get().quiz.kind == "post"


def test_importing_the_same_file_again_in_admin_changes_nothing(staff_client, seed_questions):
    url = reverse("admin:quizzes_question_import")
    exported = staff_client.post(
        reverse("admin:quizzes_quiz_changelist"),
        {"action": "export_moodle_xml", "_selected_action": list(seed_questions.quizzes.values_list("pk", flat=True))},
    ).content
    total = seed_questions.quizzes.get(kind="pre").slots.count() + seed_questions.quizzes.get(kind="post").slots.count()
    response = staff_client.post(url, {"file": SimpleUploadedFile("q.xml", exported)})
    assert f"Imported {total} question(s): 0 new, 0 changed, {total} unchanged." in response.text
    assert Question.objects.count() == total


def test_the_admin_refuses_a_title_on_two_lines(staff_client, activity):
    data = question_form(activity, [("A", True), ("B", False), ("C", False)], title="First line\r\nsecond line")
    response = staff_client.post(ADD_URL, data)
    assert response.status_code == 200
    assert "Use one line without control characters (found U+000D, U+000A)." in response.text
    assert not Question.objects.exists()


def test_a_new_question_left_without_an_id_number_gets_one(staff_client, activity):
    response = staff_client.post(ADD_URL, question_form(activity, [("A", True), ("B", False), ("C", False)]))
    assert response.status_code == 302
    assert Question.objects.get(title="New item").idnumber.startswith("q-")


def test_an_id_number_the_activity_already_uses_is_refused(staff_client, activity):
    choices = [("A", True), ("B", False), ("C", False)]
    staff_client.post(ADD_URL, question_form(activity, choices, idnumber="db09-pfs"))
    response = staff_client.post(ADD_URL, question_form(activity, choices, title="Other", idnumber="db09-pfs"))
    assert "Another question of this activity already has this ID number." in response.text
    assert not Question.objects.filter(title="Other").exists()


def test_an_existing_question_cannot_lose_its_id_number(staff_client, activity):
    staff_client.post(ADD_URL, question_form(activity, [("A", True), ("B", False), ("C", False)]))
    question = Question.objects.get(title="New item")
    data = question_form(activity, [], idnumber="")
    data.update({"choices-TOTAL_FORMS": "3", "choices-INITIAL_FORMS": "3"})
    for index, choice in enumerate(question.choices.order_by("position")):
        data.update({f"choices-{index}-id": choice.pk, f"choices-{index}-question": question.pk,
                     f"choices-{index}-position": choice.position, f"choices-{index}-text": choice.text,
                     f"choices-{index}-is_correct": "on" if choice.is_correct else ""})  # fmt: skip
    response = staff_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    assert "Every question needs an ID number; imports recognise it by that." in response.text
    assert Question.objects.get(pk=question.pk).idnumber == question.idnumber


def test_the_import_view_reports_every_problem(staff_client, activity):
    url = reverse("admin:quizzes_question_import")
    upload = SimpleUploadedFile("bad.gift", b"::One::Q?{=a ~b}\n\n::Two::Q?{TRUE}\n")
    response = staff_client.post(url, {"file": upload})
    assert "“One” (line 1)" in response.text
    assert "“Two” (line 3) is a true/false question" in response.text
    assert not Question.objects.exists()


def test_moving_the_key_to_another_choice_saves_cleanly(staff_client, activity):
    staff_client.post(ADD_URL, question_form(activity, [("A", True), ("B", False), ("C", False)]))
    question = Question.objects.get(title="New item")
    choices = list(question.choices.order_by("position"))
    data = question_form(activity, [])
    data.update({"choices-TOTAL_FORMS": "3", "choices-INITIAL_FORMS": "3"})
    for index, choice in enumerate(choices):
        data.update({f"choices-{index}-id": choice.pk, f"choices-{index}-question": question.pk,
                     f"choices-{index}-position": choice.position, f"choices-{index}-text": choice.text})  # fmt: skip
    data["choices-2-is_correct"] = "on"  # C becomes the key, A no longer is
    response = staff_client.post(reverse("admin:quizzes_question_change", args=[question.pk]), data)
    assert response.status_code == 302
    assert question.choices.get(is_correct=True).text == "C"
    assert question.versions.get().choices.get(is_correct=True).text == "C"
