from datetime import timedelta
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import Degree, Profession, User

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(DjangoModelFactory):
    """A learner with a verified email and the profile a certificate needs."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"learner{n}@example.org")
    password = factory.django.Password(DEFAULT_PASSWORD)
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    degree = Degree.MD
    profession = Profession.PHYSICIAN
    specialty = "Medical oncology"
    country = "US"
    npi = "1234567893"
    license_region = "MA"

    class Params:
        blank_profile = factory.Trait(
            first_name="", last_name="", degree="", profession="", specialty="", country="", npi="", license_region=""
        )
        staff = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def email_verified(user, create, extracted, **kwargs):
        """Pass email_verified=False for an account that has not confirmed its address."""
        if create:
            verified = True if extracted is None else extracted
            EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)

    @factory.post_generation
    def authenticator(user, create, extracted, **kwargs):
        """Staff get an authenticator app by default, as the admin requires; pass authenticator=False for none."""
        if create and (user.is_staff if extracted is None else extracted):
            TOTP.activate(user, generate_totp_secret())


class ProviderFactory(DjangoModelFactory):
    class Meta:
        model = "activities.AccreditedProvider"
        django_get_or_create = ["name"]

    name = "Test Provider for CME"
    contact_email = "cme@test-provider.example"
    contact_phone = "+1 617 555 0100"
    accreditation_statement = factory.LazyAttribute(
        lambda provider: (
            f"{provider.name} is accredited by the Accreditation Council for Continuing Medical "
            "Education (ACCME) to provide continuing medical education for physicians."
        )
    )


class ActivityFactory(DjangoModelFactory):
    """An activity open for credit today."""

    class Meta:
        model = "activities.Activity"

    slug = factory.Sequence(lambda n: f"activity-{n}")
    title = factory.Sequence(lambda n: f"Activity {n}")
    topic = "Breast cancer"
    summary = "A short summary."
    provider = factory.SubFactory(ProviderFactory)
    target_audience = "Oncologists."
    max_credits = Decimal("0.50")
    estimated_minutes = 30
    release_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    expiration_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=335))
    body = "## Section\n\nSome text."
    mitigation_statement = "All relevant financial relationships have been mitigated."
    off_label_statement = "May discuss off-label uses."

    class Params:
        expired = factory.Trait(
            release_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400)),
            expiration_date=factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=1)),
        )
        unreleased = factory.Trait(
            release_date=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7)),
            expiration_date=factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=372)),
        )


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = "activities.LearningObjective"

    activity = factory.SubFactory(ActivityFactory)
    position = factory.Sequence(int)
    text = factory.Sequence(lambda n: f"Describe finding number {n}.")


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Person"

    full_name = factory.Faker("name")
    credentials = "MD"


class ContributorFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Contributor"

    activity = factory.SubFactory(ActivityFactory)
    person = factory.SubFactory(PersonFactory)
    role = "author"


class RelationshipFactory(DjangoModelFactory):
    class Meta:
        model = "activities.FinancialRelationship"

    contributor = factory.SubFactory(ContributorFactory)
    company = factory.Sequence(lambda n: f"Company {n}")
    nature = "Consultant"


class EnrollmentFactory(DjangoModelFactory):
    class Meta:
        model = "activities.Enrollment"

    user = factory.SubFactory(UserFactory)
    activity = factory.SubFactory(ActivityFactory)


def make_quiz(activity, kind="post", questions=4, **quiz_fields):
    """A quiz of published questions, each with the first of four choices correct."""
    from activities.models import LearningObjective, Reference
    from quizzes.models import Quiz, QuizSlot
    from quizzes.services import question_create
    from quizzes.validation import ChoiceData

    objective, _ = LearningObjective.objects.get_or_create(activity=activity, position=1, defaults={"text": "Compare."})
    reference, _ = Reference.objects.get_or_create(
        activity=activity, position=1, defaults={"trial": "TRIAL-1", "title": "A trial", "journal": "J", "year": 2026}
    )
    quiz = Quiz.objects.create(activity=activity, kind=kind, **quiz_fields)
    for number in range(1, questions + 1):
        question = question_create(
            activity=activity,
            title=f"{kind} question {number}",
            stem=f"Stem of {kind} question {number}?",
            explanation=f"Explanation {number}.",
            objective=objective,
            reference=reference,
            status="published",
            choices=[
                ChoiceData(f"Right {kind} {number}", True, f"Yes feedback {number}"),
                ChoiceData(f"Wrong A {kind} {number}", False, f"No feedback A {number}"),
                ChoiceData(f"Wrong B {kind} {number}", False, f"No feedback B {number}"),
                ChoiceData(f"Wrong C {kind} {number}", False, f"No feedback C {number}"),
            ],
        )
        QuizSlot.objects.create(quiz=quiz, question=question, position=number)
    return quiz
