import factory
from allauth.account.models import EmailAddress
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
