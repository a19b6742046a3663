from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django_countries.fields import CountryField

from accounts.validators import validate_npi


class Degree(models.TextChoices):
    MD = "MD", "MD"
    DO = "DO", "DO"
    MBBS = "MBBS", "MBBS"
    MBCHB = "MBCHB", "MBChB"
    PHD = "PHD", "PhD"
    PHARMD = "PHARMD", "PharmD"
    NP = "NP", "NP"
    PA = "PA", "PA"
    RN = "RN", "RN"
    OTHER = "OTHER", "Other"


class Profession(models.TextChoices):
    # Decides the credit a learner receives: AMA PRA Category 1 Credit™ is for
    # physicians; everyone else gets a certificate of participation.
    PHYSICIAN = "physician", "Physician"
    OTHER_HCP = "other_hcp", "Other health-care professional"


class CertifyingBoard(models.TextChoices):
    # ABMS member boards that accept accredited CME for MOC through ACCME's PARS.
    ABA = "ABA", "American Board of Anesthesiology (ABA)"
    ABIM = "ABIM", "American Board of Internal Medicine (ABIM)"
    ABO = "ABO", "American Board of Ophthalmology (ABO)"
    ABOHNS = "ABOHNS", "American Board of Otolaryngology – Head and Neck Surgery (ABOHNS)"
    ABPATH = "ABPATH", "American Board of Pathology (ABPath)"
    ABP = "ABP", "American Board of Pediatrics (ABP)"
    ABPMR = "ABPMR", "American Board of Physical Medicine and Rehabilitation (ABPMR)"
    ABS = "ABS", "American Board of Surgery (ABS)"
    ABTS = "ABTS", "American Board of Thoracic Surgery (ABTS)"
    OTHER = "OTHER", "Other board"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        if not (extra_fields["is_staff"] and extra_fields["is_superuser"]):
            raise ValueError("A superuser must have is_staff and is_superuser set.")
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A learner or staff member; email is the login.

    The professional fields are what a certificate prints and what ACCME's
    PARS needs to match a learner for MOC and licensing-board reporting.
    """

    username = None
    email = models.EmailField("email address", unique=True)
    first_name = models.CharField(
        "first name", max_length=150, blank=True, help_text="As it should appear on your certificates."
    )
    last_name = models.CharField(
        "last name", max_length=150, blank=True, help_text="As it should appear on your certificates."
    )

    degree = models.CharField("degree / credential", max_length=10, choices=Degree.choices, blank=True)
    degree_other = models.CharField("other degree / credential", max_length=50, blank=True)
    profession = models.CharField(max_length=20, choices=Profession.choices, blank=True)
    specialty = models.CharField(max_length=100, blank=True, help_text="For example: Medical oncology.")
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="Your 10-digit US National Provider Identifier. Leave blank if you practise outside the US.",
    )
    certifying_board = models.CharField(max_length=10, choices=CertifyingBoard.choices, blank=True)
    board_id = models.CharField("board ID", max_length=40, blank=True)
    birth_month = models.PositiveSmallIntegerField(null=True, blank=True)
    birth_day = models.PositiveSmallIntegerField(null=True, blank=True)
    country = CountryField(blank=True)
    license_region = models.CharField(
        "state / province of licensure",
        max_length=100,
        blank=True,
        help_text="For a US licence, the state (for example NY or New York).",
    )
    license_number = models.CharField("licence number", max_length=40, blank=True)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
            models.CheckConstraint(
                condition=models.Q(npi="") | models.Q(npi__regex=r"^[0-9]{10}$"),
                name="accounts_user_npi_ten_digits",
            ),
            models.CheckConstraint(
                condition=models.Q(birth_month__isnull=True, birth_day__isnull=True)
                | models.Q(
                    birth_month__isnull=False,
                    birth_day__isnull=False,
                    birth_month__range=(1, 12),
                    birth_day__range=(1, 31),
                ),
                name="accounts_user_birth_month_day_together",
            ),
            models.CheckConstraint(
                condition=models.Q(board_id="") | ~models.Q(certifying_board=""),
                name="accounts_user_board_id_needs_board",
            ),
            models.CheckConstraint(
                condition=~models.Q(degree=Degree.OTHER) | ~models.Q(degree_other=""),
                name="accounts_user_other_degree_named",
            ),
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def certificate_name(self) -> str:
        """The name as printed on a certificate: "Jane Q. Doe, MD"."""
        name = f"{self.first_name} {self.last_name}".strip()
        credential = self.degree_other if self.degree == Degree.OTHER else self.get_degree_display()
        return f"{name}, {credential}" if name and credential else name
