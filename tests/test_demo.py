from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User


def test_demo_accounts_are_created_once_and_can_log_in(client, db, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)

    assert User.objects.count() == 2
    staff = User.objects.get(email="staff@example.com")
    assert staff.is_staff and staff.is_superuser
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 2
    response = client.post("/accounts/login/", {"login": "learner@example.com", "password": "cme-demo-learner"})
    assert response.status_code == 302


def test_no_demo_accounts_without_debug(db, settings, capsys):
    settings.DEBUG = False
    call_command("load_demo")
    assert not User.objects.exists()
    assert "DEBUG is off" in capsys.readouterr().out


def test_loading_again_never_overwrites_existing_rows(db, settings, capsys):
    from activities.models import Activity
    from quizzes.models import QuestionVersion

    settings.DEBUG = False
    call_command("load_demo")
    assert "her2-mbc-activity.json: 40 new row(s)" in capsys.readouterr().out
    Activity.objects.update(title="Edited by an author")
    version = QuestionVersion.objects.first()
    QuestionVersion.objects.filter(pk=version.pk).update(stem="As an attempt saw it")

    call_command("load_demo")

    assert "her2-mbc-activity.json: already loaded" in capsys.readouterr().out
    assert Activity.objects.get().title == "Edited by an author"
    assert QuestionVersion.objects.get(pk=version.pk).stem == "As an attempt saw it"


def test_after_loading_the_demo_staff_can_add_rows_and_import_questions(db, settings, staff_client):
    """Fixture rows carry their ids; on PostgreSQL the id sequences must be moved past them."""
    from activities.models import AccreditedProvider, Person
    from quizzes.models import Question, QuizSlot

    settings.DEBUG = False
    call_command("load_demo", verbosity=0)

    response = staff_client.post(
        "/admin/activities/accreditedprovider/add/",
        {
            "name": "Second Provider",
            "contact_email": "cme@second-provider.example",
            "accreditation_statement": "Second Provider is accredited by the ACCME.",
        },
    )
    assert response.status_code == 302, response.text
    assert AccreditedProvider.objects.filter(name="Second Provider").exists()
    Person.objects.create(full_name="New Faculty", credentials="MD")
    # The slot the import adds needs the next id after the fixtures' nineteen.
    slot = QuizSlot.objects.order_by("pk").last()
    question = Question.objects.get(pk=slot.question_id)
    question.pk = None
    question.title = "A copy made after the demo loaded"
    question.save()
    QuizSlot.objects.create(quiz=slot.quiz, question=question, position=slot.position + 100)
