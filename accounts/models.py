import calendar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django_countries.fields import CountryField

from accounts.regions import us_jurisdiction_code
from accounts.validators import validate_identifier, validate_npi, validate_printed_text


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
    # ABMS member boards a learner may name. Which of them take MOC completions
    # through ACCME's PARS, and their rules, are data in pars/boards.py.
    ABA = "ABA", "American Board of Anesthesiology (ABA)"
    ABIM = "ABIM", "American Board of Internal Medicine (ABIM)"
    ABO = "ABO", "American Board of Ophthalmology (ABO)"
    ABOS = "ABOS", "American Board of Orthopaedic Surgery (ABOS)"
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
    # Everything printed on a certificate or transcript refuses invisible and
    # direction-changing characters, in the profile form and the admin alike.
    first_name = models.CharField(
        "first name",
        max_length=150,
        blank=True,
        help_text="As it should appear on your certificates.",
        validators=[validate_printed_text],
    )
    last_name = models.CharField(
        "last name",
        max_length=150,
        blank=True,
        help_text="As it should appear on your certificates.",
        validators=[validate_printed_text],
    )

    degree = models.CharField("degree / credential", max_length=10, choices=Degree.choices, blank=True)
    degree_other = models.CharField(
        "other degree / credential", max_length=50, blank=True, validators=[validate_printed_text]
    )
    profession = models.CharField(max_length=20, choices=Profession.choices, blank=True)
    specialty = models.CharField(
        max_length=100, blank=True, help_text="For example: Medical oncology.", validators=[validate_printed_text]
    )
    npi = models.CharField(
        "NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="Your 10-digit US National Provider Identifier. Leave blank if you practice outside the US.",
    )
    certifying_board = models.CharField(max_length=10, choices=CertifyingBoard.choices, blank=True)
    board_id = models.CharField("board ID", max_length=40, blank=True, validators=[validate_identifier])
    birth_month = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    birth_day = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    country = CountryField(blank=True)
    license_region = models.CharField(
        "state / province of licensure",
        max_length=100,
        blank=True,
        help_text="For a US license, the state (for example NY or New York).",
    )
    license_number = models.CharField("license number", max_length=40, blank=True, validators=[validate_identifier])
    # Moved, in the same transaction, by every service that changes what this learner's own
    # pages show (enrolment, attempts, evaluation, claim, revocation…); their cached copies
    # are keyed by it, so a write makes the next page fresh. See activities.page_cache.
    pages_version = models.PositiveBigIntegerField(default=0, db_default=0, editable=False)

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
                condition=~models.Q(birth_month=2, birth_day__gt=29)
                & ~models.Q(birth_month__in=[4, 6, 9, 11], birth_day=31),
                name="accounts_user_birth_day_exists",
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

    def save(self, *args, **kwargs):
        # pages_version moves only by UPDATE … + 1 (accounts.services.learner_pages_changed). A
        # whole-row save (the admin, allauth) must not write back the number it loaded, undoing a
        # move made meanwhile and bringing an outdated cached page back.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "pages_version"
            ]
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.email

    def clean(self):
        """Rules across fields, kept here so the profile page and the admin enforce the same ones."""
        super().clean()
        errors = {}
        month, day = self.birth_month, self.birth_day
        if (month is None) != (day is None):
            errors["birth_day"] = "Give both the month and the day of your birth, or neither."
        elif month is not None and 1 <= month <= 12 and day > calendar.monthrange(2000, month)[1]:
            # 2000 is a leap year, so 29 February stays valid.
            errors["birth_day"] = f"{calendar.month_name[month]} has no day {day}."
        if self.degree == Degree.OTHER and not self.degree_other.strip():
            errors["degree_other"] = "Name your degree or credential."
        elif self.degree != Degree.OTHER:
            self.degree_other = ""
        if self.board_id and not self.certifying_board:
            errors["certifying_board"] = "Choose the board that issued this board ID."
        self.license_region = self.license_region.strip()
        if self.license_region and self.country == "US":
            code = us_jurisdiction_code(self.license_region)
            if code is None:
                errors["license_region"] = "Enter a US state or territory, for example NY or New York."
            else:
                self.license_region = code
        if self.license_number and not self.license_region:
            errors["license_region"] = "Give the state or province that issued your license."
        if errors:
            raise ValidationError(errors)

    @property
    def certificate_name(self) -> str:
        """The name as printed on a certificate: "Jane Q. Doe, MD"."""
        name = f"{self.first_name} {self.last_name}".strip()
        credential = self.degree_other if self.degree == Degree.OTHER else self.get_degree_display()
        return f"{name}, {credential}" if name and credential else name
