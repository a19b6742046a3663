import secrets
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models.functions import Mod
from django.urls import reverse
from django.utils import timezone

from accounts.validators import validate_printed_text
from cme.staff import staff_has_perm

CREDIT_STEP = Decimal("0.25")


def validate_credit_step(value: Decimal) -> None:
    if value is not None and value % CREDIT_STEP:
        raise ValidationError("Credit is designated in steps of 0.25.", code="credit_step")


def validate_decimal_text(value: str) -> None:
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ValidationError("Enter the number as it is printed, for example 40.7 or 1.0.", code="decimal_text")


DOI_PATTERN = r"^10\.\d{4,9}/\S+$"
validate_doi = RegexValidator(
    DOI_PATTERN, "Enter the DOI itself, e.g. 10.1056/NEJMoa2508668, without https://doi.org/.", code="doi"
)


class AccreditedProvider(models.Model):
    """The organization that is accredited and designates the credit."""

    name = models.CharField(max_length=200, unique=True, validators=[validate_printed_text])
    contact_email = models.EmailField(
        help_text="Where learners write about credit, certificates and attempts; shown on every activity page."
    )
    contact_phone = models.CharField(max_length=40, blank=True, help_text="Optional, e.g. +1 617 555 0142.")
    contact_hours = models.CharField(
        max_length=120, blank=True, help_text="When someone answers, e.g. 'Weekdays 9 am to 5 pm Eastern'."
    )
    accreditation_statement = models.TextField(
        validators=[validate_printed_text],
        help_text="The accreditor's standard wording, e.g. '<Provider> is accredited by the Accreditation Council "
        "for Continuing Medical Education (ACCME) to provide continuing medical education for physicians.'",
    )

    def __str__(self) -> str:
        return self.name


class ActivityType(models.TextChoices):
    # The value is the phrase the AMA credit designation statement uses.
    ENDURING_MATERIAL = "enduring material", "Enduring material"
    LIVE = "live activity", "Live activity"
    JOURNAL = "journal-based CME activity", "Journal-based CME activity"


class ActivityQuerySet(models.QuerySet):
    def released(self, today=None):
        return self.filter(release_date__lte=today or timezone.localdate())

    def open_for_credit(self, today=None):
        """Released and not yet expired: the dates between which a learner can earn credit."""
        today = today or timezone.localdate()
        return self.filter(release_date__lte=today, expiration_date__gte=today)

    def visible_to(self, user, today=None):
        """Learners see released activities; staff who may view activities also preview unreleased ones."""
        if staff_has_perm(user, "activities.view_activity"):
            return self.all()
        return self.released(today)


class Activity(models.Model):
    slug = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200, validators=[validate_printed_text])
    topic = models.CharField(max_length=100, help_text="Shown in the catalog, e.g. 'Breast cancer'.")
    summary = models.TextField(help_text="One or two sentences for the catalog.")
    provider = models.ForeignKey(AccreditedProvider, on_delete=models.PROTECT, related_name="activities")
    activity_type = models.CharField(
        max_length=40, choices=ActivityType.choices, default=ActivityType.ENDURING_MATERIAL
    )
    target_audience = models.TextField()
    max_credits = models.DecimalField(
        "maximum credits",
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(CREDIT_STEP), validate_credit_step],
        help_text="AMA PRA Category 1 Credits™, in steps of 0.25.",
    )
    estimated_minutes = models.PositiveSmallIntegerField("estimated time (minutes)", validators=[MinValueValidator(1)])
    release_date = models.DateField(help_text="Learners cannot see the activity before this date.")
    expiration_date = models.DateField(help_text="Last day on which credit can be earned.")
    pretest_required = models.BooleanField(
        default=True, help_text="When the activity has a pre-test, learners take it before reading the article."
    )
    follow_up_days = models.PositiveSmallIntegerField(
        "follow-up after (days)",
        default=60,
        validators=[MinValueValidator(14), MaxValueValidator(365)],
        help_text="Days after the evaluation when learners who committed to a practice change are emailed to ask "
        "how it went (14–365). A change applies to evaluations submitted afterwards.",
    )
    body = models.TextField(
        "article",
        help_text="Markdown. Put a chart on a line of its own as [chart: its-slug]. Raw HTML is removed on output.",
    )
    mitigation_statement = models.TextField(
        help_text="How relevant financial relationships were identified and mitigated."
    )
    commercial_support_statement = models.TextField(default="This activity received no commercial support.")
    off_label_statement = models.TextField(
        "disclaimer and off-label use",
        help_text="Disclosure of off-label or investigational uses and the educational disclaimer.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        ordering = ["-release_date", "title"]
        verbose_name_plural = "activities"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expiration_date__gt=models.F("release_date")),
                name="activities_activity_expires_after_release",
            ),
            models.CheckConstraint(
                condition=models.Q(max_credits__gt=0)
                & models.Q(max_credits__lte=99)
                & models.lookups.Exact(Mod(models.F("max_credits") * 4, 1), 0),
                name="activities_activity_credits_in_quarter_steps",
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_minutes__gt=0),
                name="activities_activity_estimated_minutes_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("journey:activity", args=[self.slug])

    def clean(self):
        if self.release_date and self.expiration_date and self.expiration_date <= self.release_date:
            raise ValidationError({"expiration_date": "The expiration date must come after the release date."})

    def is_released(self, today=None) -> bool:
        return self.release_date <= (today or timezone.localdate())

    def is_expired(self, today=None) -> bool:
        return self.expiration_date < (today or timezone.localdate())

    def is_open_for_credit(self, today=None) -> bool:
        """The same rule as ActivityQuerySet.open_for_credit, for one activity already loaded."""
        return not self.closed_reason(today)

    def closed_reason(self, today=None) -> str:
        """Why credit cannot be earned today, or "" while the activity is open for credit."""
        if not self.is_released(today):
            return f"This activity opens on {self.release_date:%B} {self.release_date.day}, {self.release_date.year}."
        if self.is_expired(today):
            day = self.expiration_date
            return f"Credit for this activity ended on {day:%B} {day.day}, {day.year}. You can still read it."
        return ""


class LearningObjective(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="objectives")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=300, help_text="Start with a measurable verb: compare, identify, select…")

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.text


class Person(models.Model):
    """Someone who wrote, planned or reviewed an activity."""

    full_name = models.CharField(max_length=150)
    credentials = models.CharField(max_length=60, blank=True, help_text="e.g. MD, PhD")
    affiliation = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.full_name}, {self.credentials}" if self.credentials else self.full_name


class ContributorRole(models.TextChoices):
    AUTHOR = "author", "Author / faculty"
    PLANNER = "planner", "Planner"
    REVIEWER = "reviewer", "Peer reviewer"
    STAFF = "staff", "CME staff"


class Contributor(models.Model):
    """A person's role in one activity, with the disclosure they made for it."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="contributors")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="contributions")
    role = models.CharField(max_length=20, choices=ContributorRole.choices)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person", "role"], name="activities_contributor_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


class FinancialRelationship(models.Model):
    """A relevant financial relationship with an ineligible company, within the past 24 months."""

    contributor = models.ForeignKey(Contributor, on_delete=models.CASCADE, related_name="relationships")
    company = models.CharField("ineligible company", max_length=200)
    nature = models.CharField(
        max_length=200, help_text="e.g. Consultant, Advisory board, Research funding to institution"
    )

    class Meta:
        ordering = ["company", "id"]

    def __str__(self) -> str:
        return f"{self.nature}: {self.company}"


class Reference(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="references")
    position = models.PositiveSmallIntegerField(default=0)
    trial = models.CharField(
        max_length=100, help_text="Short name used in questions and charts, e.g. DESTINY-Breast09."
    )
    first_author = models.CharField(
        max_length=100,
        blank=True,
        help_text="Surname and initials as the journal prints them, e.g. 'Tolaney SM'; shown as 'Tolaney SM, et al.'",
    )
    title = models.CharField(max_length=300, help_text="The article's title exactly as published.")
    journal = models.CharField(
        max_length=200, help_text="Abbreviated as in PubMed, e.g. 'N Engl J Med', or the meeting for an abstract."
    )
    year = models.PositiveSmallIntegerField()
    volume = models.CharField(max_length=20, blank=True, help_text="Blank until the article is in a print issue.")
    pages = models.CharField(max_length=20, blank=True, help_text="e.g. 451-462, or an abstract number such as GS1-01.")
    doi = models.CharField(
        "DOI",
        max_length=100,
        blank=True,
        validators=[validate_doi],
        help_text="Without https://doi.org/, e.g. 10.1056/NEJMoa2508668. Leave blank if not confirmed.",
    )
    note = models.CharField(
        "citation note",
        max_length=300,
        blank=True,
        help_text="Printed after the citation, e.g. 'Published online October 29, 2025.' Say here why a DOI, "
        "volume or pages are missing.",
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.trial} ({self.journal}, {self.year})"


class ChartUnit(models.TextChoices):
    MONTHS = "months", "Months"
    PERCENT = "percent", "Percent"


class Chart(models.Model):
    """A bar chart drawn as SVG where the article says [chart: slug]."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="charts")
    slug = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What the chart shows, in words, for screen readers and the caption.")
    unit = models.CharField(max_length=10, choices=ChartUnit.choices)
    source = models.ForeignKey(Reference, on_delete=models.PROTECT, null=True, blank=True, related_name="charts")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "slug"], name="activities_chart_unique_slug"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.source_id and self.activity_id and self.source.activity_id != self.activity_id:
            raise ValidationError({"source": "Choose one of this activity's own references."})


class BarSeries(models.TextChoices):
    INTERVENTION = "intervention", "Intervention arm"
    COMPARATOR = "comparator", "Comparator arm"


class ChartBar(models.Model):
    chart = models.ForeignKey(Chart, on_delete=models.CASCADE, related_name="bars")
    position = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(max_length=48, help_text="Short enough to fit on one line on a phone.")
    value_text = models.CharField(
        "value", max_length=12, validators=[validate_decimal_text], help_text="As printed, e.g. 40.7 or 1.0"
    )
    series = models.CharField(max_length=20, choices=BarSeries.choices, default=BarSeries.INTERVENTION)

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return f"{self.label}: {self.value_text}"

    @property
    def value(self) -> Decimal:
        return Decimal(self.value_text)


class Enrollment(models.Model):
    """A learner has reviewed the front matter and started the activity."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="enrollments")
    started_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], name="activities_enrollment_once_per_learner"),
        ]

    def __str__(self) -> str:
        return f"{self.user} started {self.activity}"


def new_content_epoch() -> str:
    return secrets.token_hex(8)


class ContentVersion(models.Model):
    """One row: a number that grows with every edit to what activity and catalog pages show.

    Pages and fragments cached for everyone are keyed by it (activities.page_cache),
    so an edit is seen on the next request. activities.services.content_changed
    bumps it in the edit's own transaction; every admin page that edits shown
    content calls it.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveBigIntegerField(default=1)
    # Drawn when the row is made: a flushed, restored or new database starts a new series,
    # so number 3 of one never matches a cached page of another's number 3.
    epoch = models.CharField(max_length=16, default=new_content_epoch)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="activities_content_version_one_row")]

    def __str__(self) -> str:
        return f"content version {self.epoch}-{self.number}"
