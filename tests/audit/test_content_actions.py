"""Editing an activity, editing, publishing and importing questions, changing a quiz: each lands in the log."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from activities.models import Contributor
from audit.models import ActionLogEntry
from quizzes.models import Question, QuestionStatus, Quiz
from quizzes.services import attempt_start, attempt_submit
from tests.audit.conftest import BROWSER, STAFF_ADDRESS, change_form_data, logged, only
from tests.factories import make_quiz
from tests.quizzes.conftest import answer

SEED_SLUG = "her2-positive-mbc-frontline-and-maintenance"


class TestAnActivityEdit:
    def test_changed_credit_and_content_are_logged_before_and_after(self, staff, staff_user, seed_activity):
        url = reverse("admin:activities_activity_change", args=[seed_activity.pk])
        objective = seed_activity.objectives.order_by("position").first()
        data = change_form_data(staff, url)
        old_body = data["body"]
        data["max_credits"] = "0.75"
        data["body"] = old_body + "\n\nA new paragraph."
        data["objectives-0-text"] = "Choose frontline therapy."

        assert staff.post(url, data).status_code == 302

        entry = only("activity.changed")
        assert entry.changes["max_credits"] == [f"{seed_activity.max_credits}", "0.75"]
        assert entry.changes["body"] == [old_body, old_body + "\n\nA new paragraph."]
        objective_change = [values for field, values in entry.changes.items() if field.endswith("· text")]
        assert objective_change == [[objective.text, "Choose frontline therapy."]]
        assert (entry.actor, entry.ip_address, entry.user_agent) == (staff_user, STAFF_ADDRESS, BROWSER)
        assert (entry.object_id, entry.object_repr) == (str(seed_activity.pk), seed_activity.title)

    def test_saving_without_a_change_logs_nothing(self, staff, seed_activity):
        url = reverse("admin:activities_activity_change", args=[seed_activity.pk])
        staff.post(url, change_form_data(staff, url))  # the form's own clean-up (trailing whitespace) is a change
        logged_before = ActionLogEntry.objects.count()

        assert staff.post(url, change_form_data(staff, url)).status_code == 302

        assert ActionLogEntry.objects.count() == logged_before

    def test_a_disclosure_edited_on_the_contributors_page_is_logged_against_the_activity(self, staff, seed_activity):
        contributor = Contributor.objects.filter(activity=seed_activity).first()
        url = reverse("admin:activities_contributor_change", args=[contributor.pk])
        data = change_form_data(staff, url)
        old_role = data["role"]
        data["role"] = "planner" if old_role != "planner" else "faculty"

        assert staff.post(url, data).status_code == 302

        entry = only("activity.changed")
        assert entry.object_id == str(seed_activity.pk)
        contributor.refresh_from_db()
        assert entry.changes == {f"contributor “{contributor}” · role": [old_role, data["role"]]}


class TestQuestions:
    def test_an_edit_in_admin_is_logged_with_the_version_it_became(self, staff, staff_user, seed_questions, alice):
        quiz = Quiz.objects.get(activity=seed_questions, kind="post")
        attempt = attempt_start(user=alice, quiz=quiz)
        answer(attempt, correct=attempt.items.count())
        attempt_submit(attempt=attempt)  # version 1 has been shown: the edit becomes version 2
        question = quiz.slots.order_by("position").first().question
        url = reverse("admin:quizzes_question_change", args=[question.pk])
        data = change_form_data(staff, url)
        old_stem = data["stem"]
        data["stem"] = "Which regimen is now preferred?"

        assert staff.post(url, data).status_code == 302

        entry = only("question.changed")
        assert entry.changes == {"stem": [old_stem, "Which regimen is now preferred?"]}
        assert entry.detail == {"version": 2}
        assert (entry.actor, entry.ip_address, entry.object_id) == (staff_user, STAFF_ADDRESS, str(question.pk))

    def test_publishing_and_unpublishing_from_the_list_are_logged(self, staff, staff_user, seed_questions):
        question = Question.objects.filter(activity=seed_questions).first()
        Question.objects.filter(pk=question.pk).update(status=QuestionStatus.DRAFT)
        changelist = reverse("admin:quizzes_question_changelist")

        staff.post(changelist, {"action": "publish", "_selected_action": [question.pk]})
        staff.post(changelist, {"action": "unpublish", "_selected_action": [question.pk]})

        published, unpublished = only("question.published"), only("question.unpublished")
        assert published.changes == {"status": ["draft", "published"]}
        assert unpublished.changes == {"status": ["published", "draft"]}
        assert {published.object_id, unpublished.object_id} == {str(question.pk)}
        assert (published.actor, published.ip_address) == (staff_user, STAFF_ADDRESS)

    def test_publishing_what_is_already_published_logs_nothing(self, staff, seed_questions):
        question = Question.objects.filter(activity=seed_questions, status=QuestionStatus.PUBLISHED).first()
        staff.post(
            reverse("admin:quizzes_question_changelist"), {"action": "publish", "_selected_action": [question.pk]}
        )
        assert not logged("question.published")

    def test_an_import_in_admin_is_one_entry_with_its_counts_and_one_per_new_item(self, staff, staff_user,
                                                                                   seed_questions):  # fmt: skip
        gift = (
            f"$CATEGORY: {SEED_SLUG}/post\n\n"
            '// cme: {"objective": 1, "reference": "DESTINY-Breast09", "status": "published"}\n'
            "::Imported one::Which statement is true?{=Right ~Wrong one ~Wrong two ~Wrong three}\n\n"
            "::Imported two::Which other statement is true?{=Right ~Wrong one ~Wrong two ~Wrong three}\n"
        )
        upload = SimpleUploadedFile("update.gift", gift.encode(), content_type="text/plain")

        response = staff.post(reverse("admin:quizzes_question_import"), {"file": upload})

        assert response.status_code == 200
        entry = only("questions.imported")
        assert entry.detail == {"file": "update.gift", "activities": [SEED_SLUG], "new": 2, "changed": 0,
                                "unchanged": 0, "left_out_unsupported": 0}  # fmt: skip
        assert (entry.object_id, entry.actor, entry.ip_address) == (str(seed_questions.pk), staff_user, STAFF_ADDRESS)
        created = logged("question.created")
        assert [e.object_repr for e in created] == ["Imported one", "Imported two"]
        assert created[0].changes["stem"] == [None, "Which statement is true?"]

    def test_a_dry_run_logs_nothing(self, staff, seed_questions):
        gift = f"$CATEGORY: {SEED_SLUG}/post\n\n::Dry::Which is true?{{=Right ~Wrong ~Other ~Another}}\n"
        upload = SimpleUploadedFile("dry.gift", gift.encode(), content_type="text/plain")
        staff.post(reverse("admin:quizzes_question_import"), {"file": upload, "dry_run": "on"})
        assert not ActionLogEntry.objects.exists()

    def test_a_reimport_from_the_command_line_is_the_systems_and_logs_each_revision(self, seed_questions, tmp_path):
        call_command("export_questions", "--format", "gift", "--activity", SEED_SLUG, stdout=(out := _Text()))
        question = Question.objects.get(activity=seed_questions, idnumber=_first_idnumber(out.text))
        edited = out.text.replace(question.stem.split("\n")[0], "A revised question text?", 1)
        path = tmp_path / "questions.gift"
        path.write_text(edited)

        call_command("import_questions", str(path), stdout=_Text())

        imported = only("questions.imported")
        assert imported.actor is None and imported.actor_label.startswith("system: ")
        assert (imported.detail["changed"], imported.detail["new"]) == (1, 0)
        revised = only("question.revised")
        assert revised.object_id == str(question.pk)
        assert revised.changes["stem"][1].startswith("A revised question text?")


class TestAQuizEdit:
    def test_withdrawing_an_item_from_a_quiz_is_logged(self, staff, staff_user, db):
        from tests.factories import ActivityFactory

        quiz = make_quiz(ActivityFactory(), "post", questions=3)
        entries_before = ActionLogEntry.objects.count()
        url = reverse("admin:quizzes_quiz_change", args=[quiz.pk])
        data = change_form_data(staff, url)
        data["slots-2-DELETE"] = "on"

        assert staff.post(url, data).status_code == 302

        assert ActionLogEntry.objects.count() == entries_before + 1
        entry = only("quiz.changed")
        ((field, values),) = entry.changes.items()
        assert field.startswith("quiz slot") and values[1] is None
        assert (entry.actor, entry.object_id) == (staff_user, str(quiz.pk))


class _Text:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass


def _first_idnumber(gift: str) -> str:
    import re

    return re.search(r"\[id:([^\]]+)\]", gift).group(1)
