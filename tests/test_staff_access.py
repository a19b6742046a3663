"""Staff privileges: every admin URL and staff page checks the model permission it needs, and staff
reach none of them without an authenticator app.

The matrix walks every URL of every registered ModelAdmin (list, add, change, delete, history and
the custom import and revoke views) as staff accounts with too few permissions, GET and POST, and
checks the refusal and that no row anywhere changed.
"""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from credits.models import Certificate, ExternalCredit
from credits.services import credit_claim
from quizzes.models import Question, QuestionStatus, Quiz
from tests.credits.conftest import evaluate, pass_posttest
from tests.factories import DEFAULT_PASSWORD, ActivityFactory, UserFactory, make_quiz
from tests.stored import everything_stored

SEED_SLUG = "her2-positive-mbc-frontline-and-maintenance"


def a_published_post_test_item() -> str:
    """The file that grew the live post-test from 14 to 15 items in the attack."""
    return (
        f"$CATEGORY: {SEED_SLUG}/post\n\n"
        '// cme: {"objective": 1, "reference": "DESTINY-Breast09", "status": "published"}\n'
        "::Injected::Which statement is true?{=Right ~Wrong one ~Wrong two ~Wrong three####Because.}\n"
    )


@pytest.fixture
def records(seed_questions, alice, bob):
    """At least one row of every model the admin shows, including a certificate to revoke."""
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    pass_posttest(alice, activity)
    evaluate(alice, activity)
    credit_claim(user=alice, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False)
    ExternalCredit.objects.create(
        user=alice, title="Lung cancer update", provider="Elsewhere", completed_on="2026-01-05",
        credit_type="AMA PRA Category 1 Credit™", amount=Decimal("1.00"),
    )  # fmt: skip
    Group.objects.create(name="Editors")
    return activity


def admin_urls() -> list[tuple[str, str]]:
    """(label, url) for every named URL of every registered ModelAdmin, with a real object's id."""
    urls = []
    for model, model_admin in sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label):
        obj = model._base_manager.order_by("pk").first()
        for pattern in model_admin.urls:
            if pattern.name is None:
                continue  # the old-style catch-all that only redirects to the change page
            needs_object = bool(pattern.pattern.converters)
            if needs_object and obj is None:
                continue
            args = [obj.pk] if needs_object else []
            urls.append((pattern.name, reverse(f"admin:{pattern.name}", args=args)))
    return urls


def staff_client_with(*permissions: str) -> Client:
    user = UserFactory(is_staff=True)
    for codename in permissions:
        app_label, codename = codename.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    client = Client()
    client.force_login(user)
    return client


def import_post(client: Client, *, dry_run: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("attack.gift", a_published_post_test_item().encode(), content_type="text/plain")
    data = {"file": upload}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("admin:quizzes_question_import"), data)


class TestAStaffAccountWithNoPermissions:
    def test_every_admin_url_refuses_it_and_nothing_is_written(self, records):
        client = staff_client_with()
        before = everything_stored()
        urls = admin_urls()
        refused = []
        for name, url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url, {"post": "yes", "reason": "attack"} if method == "post" else {})
                if response.status_code != 403:
                    refused.append(f"{method.upper()} {url} ({name}) -> {response.status_code}")
        assert refused == []
        assert everything_stored() == before
        # The walk covered every registered model's list and the custom views.
        names = {name for name, _ in urls}
        for model in admin.site._registry:
            assert f"{model._meta.app_label}_{model._meta.model_name}_changelist" in names
        assert {"quizzes_question_import", "credits_certificate_revoke", "quizzes_question_change"} <= names

    def test_it_cannot_import_a_published_item_into_a_live_post_test(self, records):
        client = staff_client_with()
        post_test = Quiz.objects.get(activity__slug=SEED_SLUG, kind="post")

        response = import_post(client)

        assert response.status_code == 403
        assert post_test.slots.count() == 14
        assert not Question.objects.filter(title="Injected").exists()

    def test_it_cannot_preview_a_question_with_its_key(self, records):
        question = Question.objects.first()
        response = staff_client_with().get(reverse("quizzes:preview", args=[question.pk]))
        assert response.status_code == 403

    def test_it_does_not_see_unreleased_activities(self, db):
        unreleased = ActivityFactory(unreleased=True)
        response = staff_client_with().get(unreleased.get_absolute_url())
        assert response.status_code == 404

    def test_the_admin_index_offers_it_nothing(self, records):
        response = staff_client_with().get(reverse("admin:index"))
        assert response.status_code == 200
        assert "have permission to view or edit anything" in response.text


class TestAStaffAccountThatMayOnlyView:
    VIEW_ALL = tuple(
        f"{app}.view_{model}"
        for app, model in [("quizzes", "question"), ("quizzes", "quiz"), ("credits", "certificate"),
                           ("activities", "activity"), ("accounts", "user"), ("audit", "actionlogentry")]
    )  # fmt: skip

    def test_it_reads_but_cannot_import_publish_revoke_or_edit(self, records):
        client = staff_client_with(*self.VIEW_ALL)
        draft = Question.objects.first()
        Question.objects.filter(pk=draft.pk).update(status=QuestionStatus.DRAFT)
        certificate = Certificate.objects.get()
        before = everything_stored()

        assert client.get(reverse("admin:quizzes_question_changelist")).status_code == 200
        assert "Import GIFT" not in client.get(reverse("admin:quizzes_question_changelist")).text
        assert import_post(client).status_code == 403
        assert import_post(client, dry_run=True).status_code == 403
        client.post(
            reverse("admin:quizzes_question_changelist"),
            {"action": "publish", "_selected_action": [draft.pk]},
        )
        revoke = client.post(reverse("admin:credits_certificate_revoke", args=[certificate.pk]), {"reason": "x"})
        assert revoke.status_code == 403
        change = client.post(reverse("admin:quizzes_question_change", args=[draft.pk]), {"title": "Renamed"})
        assert change.status_code == 403

        assert everything_stored() == before

    def test_it_may_export_and_preview(self, records):
        client = staff_client_with(*self.VIEW_ALL)
        question = Question.objects.first()
        response = client.post(
            reverse("admin:quizzes_question_changelist"),
            {"action": "export_gift", "_selected_action": [question.pk]},
        )
        assert response.status_code == 200
        assert response["Content-Disposition"] == 'attachment; filename="questions.gift"'
        assert client.get(reverse("quizzes:preview", args=[question.pk])).status_code == 200


def test_staff_with_the_import_permissions_can_import(records):
    client = staff_client_with(
        "quizzes.view_question", "quizzes.add_question", "quizzes.change_question", "quizzes.add_quiz",
        "quizzes.change_quiz",
    )  # fmt: skip
    response = import_post(client)
    assert response.status_code == 200
    assert Question.objects.filter(title="Injected", status=QuestionStatus.PUBLISHED).exists()


class TestStaffTwoFactor:
    def test_staff_without_an_authenticator_are_sent_to_set_one_up_from_every_admin_url(self, records):
        superuser = UserFactory(staff=True, authenticator=False)
        client = Client()
        client.force_login(superuser)
        before = everything_stored()
        setup = reverse("mfa_activate_totp")
        for _name, url in [("index", reverse("admin:index")), *admin_urls()]:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert (response.status_code, response.get("Location")) == (302, setup), f"{method} {url}"
        assert everything_stored() == before

    def test_staff_pages_outside_the_admin_need_it_too(self, records):
        superuser = UserFactory(staff=True, authenticator=False)
        client = Client()
        client.force_login(superuser)
        question = Question.objects.first()
        response = client.get(reverse("quizzes:preview", args=[question.pk]))
        assert response["Location"] == reverse("mfa_activate_totp")
        unreleased = ActivityFactory(unreleased=True)
        assert client.get(unreleased.get_absolute_url()).status_code == 404

    def test_they_are_told_why_and_the_setup_page_opens(self, db):
        superuser = UserFactory(staff=True, authenticator=False)
        client = Client()
        client.force_login(superuser)
        page = client.get(reverse("admin:index"), follow=True)
        assert page.redirect_chain[0] == (reverse("mfa_activate_totp"), 302)
        assert "Staff accounts need an authenticator app" in page.text

    def test_once_enrolled_the_admin_opens(self, staff_client):
        assert staff_client.get(reverse("admin:index")).status_code == 200

    def test_it_can_be_switched_off_and_the_deploy_check_then_warns(self, db, settings):
        from cme.checks import staff_two_factor_enforced

        superuser = UserFactory(staff=True, authenticator=False)
        client = Client()
        client.force_login(superuser)
        assert staff_two_factor_enforced(None) == []
        settings.STAFF_REQUIRE_2FA = False
        assert client.get(reverse("admin:index")).status_code == 200
        assert [warning.id for warning in staff_two_factor_enforced(None)] == ["cme.W004"]


def test_importing_needs_every_right_an_import_uses(records):
    rights = ["quizzes.view_question", "quizzes.add_question", "quizzes.change_question", "quizzes.add_quiz",
              "quizzes.change_quiz"]  # fmt: skip
    for missing in rights[1:]:
        client = staff_client_with(*(right for right in rights if right != missing))
        assert import_post(client).status_code == 403, missing
    assert not Question.objects.filter(title="Injected").exists()


def test_staff_who_may_only_add_questions_add_drafts(records):
    client = staff_client_with("quizzes.view_question", "quizzes.add_question")
    page = client.get(reverse("admin:quizzes_question_add"))
    assert page.status_code == 200
    assert 'name="status"' not in page.text


class TestTheAdminSignIn:
    def test_it_never_signs_anyone_in_with_a_password(self, db):
        boss = UserFactory(staff=True, email="boss@example.org")
        intern = UserFactory(is_staff=True, authenticator=False)
        signed_in = Client()
        signed_in.force_login(intern)
        response = signed_in.post(reverse("admin:login"), {"username": boss.email, "password": DEFAULT_PASSWORD})
        assert response["Location"] == reverse("mfa_activate_totp")
        assert signed_in.session["_auth_user_id"] == str(intern.pk)

        anonymous = Client()
        response = anonymous.post(reverse("admin:login"), {"username": boss.email, "password": DEFAULT_PASSWORD})
        assert response["Location"].startswith(reverse("account_login"))
        assert "_auth_user_id" not in anonymous.session

    def test_signed_in_staff_go_on_to_the_admin_and_learners_are_refused(self, staff_client, alice_client):
        response = staff_client.get(reverse("admin:login"), {"next": "/admin/quizzes/"})
        assert response["Location"] == "/admin/quizzes/"
        assert staff_client.get(reverse("admin:login"), {"next": "https://evil.example/"})["Location"] == "/admin/"
        assert alice_client.get(reverse("admin:login")).status_code == 403

    def test_the_admin_itself_refuses_staff_without_an_authenticator_even_without_the_middleware(self, db, settings):
        settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "cme.middleware.StaffTwoFactorMiddleware"]
        client = Client()
        client.force_login(UserFactory(staff=True, authenticator=False))
        response = client.get(reverse("admin:quizzes_question_changelist"), follow=True)
        assert (reverse("mfa_activate_totp"), 302) in response.redirect_chain


class TestPrivilegesInTheAdmin:
    def test_view_on_site_needs_the_view_permission(self, records):
        from django.contrib.contenttypes.models import ContentType

        activity = ActivityFactory(unreleased=True)
        url = reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(activity).pk, activity.pk])
        assert staff_client_with().get(url).status_code == 403
        assert staff_client_with("activities.view_activity").get(url).status_code == 302

    def test_no_one_reads_a_totp_secret_in_the_admin(self, staff_user, staff_client):
        from allauth.mfa.models import Authenticator

        authenticator = Authenticator.objects.get(user=staff_user, type="totp")
        page = staff_client.get(reverse("admin:mfa_authenticator_change", args=[authenticator.pk]))
        assert page.status_code == 200
        assert authenticator.data["secret"] not in page.text

    def test_change_user_alone_cannot_grant_privileges(self, db):
        helper = UserFactory(is_staff=True)
        for codename in ("view_user", "change_user"):
            helper.user_permissions.add(Permission.objects.get(codename=codename))
        client = Client()
        client.force_login(helper)
        page = client.get(reverse("admin:accounts_user_change", args=[helper.pk]))
        assert page.status_code == 200
        for field in ("is_superuser", "is_staff", "user_permissions", "groups"):
            assert f'name="{field}"' not in page.text
        client.post(reverse("admin:accounts_user_change", args=[helper.pk]), {"is_superuser": "on", "is_staff": "on"})
        helper.refresh_from_db()
        assert not helper.is_superuser
