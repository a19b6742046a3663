"""Evaluation, credit claims, the credit ledger, certificates and self-reported credit.

A claim is made once per learner and activity; the credit it awards is an
entry in an append-only ledger (a revocation adds a reversing entry, never an
edit), and the certificate keeps a snapshot of everything it prints.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Mod
from django.urls import reverse
from django.utils import timezone

from accounts.validators import validate_printable_text, validate_printed_text

# Bounds on what a learner may self-report: nobody practising today earned CME
# before 1950, and no single activity is worth more than 100 credits; anything
# outside is a typo (year 1, 999.99) that would distort totals and reports.
EXTERNAL_EARLIEST_DATE = date(1950, 1, 1)
EXTERNAL_MAX_AMOUNT = Decimal(100)


class Agreement(models.IntegerChoices):
    STRONGLY_DISAGREE = 1, "Strongly disagree"
    DISAGREE = 2, "Disagree"
    NEUTRAL = 3, "Neither agree nor disagree"
    AGREE = 4, "Agree"
    STRONGLY_AGREE = 5, "Strongly agree"


class Quality(models.IntegerChoices):
    POOR = 1, "Poor"
    FAIR = 2, "Fair"
    GOOD = 3, "Good"
    VERY_GOOD = 4, "Very good"
    EXCELLENT = 5, "Excellent"


class PracticeChange(models.TextChoices):
    YES = "yes", "Yes"
    NO_ALREADY = "already", "No, this content confirmed my current practice"
    NO = "no", "No"
    UNSURE = "unsure", "Not sure yet"


class Evaluation(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evaluations")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="evaluations")
    relevance = models.PositiveSmallIntegerField(choices=Agreement.choices)
    practice_change = models.CharField(max_length=10, choices=PracticeChange.choices)
    change_description = models.TextField(blank=True)
    free_of_commercial_bias = models.BooleanField()
    bias_comment = models.TextField(blank=True)
    overall_quality = models.PositiveSmallIntegerField(choices=Quality.choices)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], name="credits_evaluation_once_per_learner"),
            models.CheckConstraint(condition=models.Q(relevance__range=(1, 5)), name="credits_evaluation_relevance"),
            models.CheckConstraint(
                condition=models.Q(overall_quality__range=(1, 5)), name="credits_evaluation_quality"
            ),
            models.CheckConstraint(
                condition=models.Q(free_of_commercial_bias=True) | ~models.Q(bias_comment=""),
                name="credits_evaluation_bias_explained",
            ),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.activity} by {self.user}"


class ObjectiveRating(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="objective_ratings")
    objective = models.ForeignKey("activities.LearningObjective", on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(choices=Agreement.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "objective"], name="credits_rating_once_per_objective"),
            models.CheckConstraint(condition=models.Q(rating__range=(1, 5)), name="credits_rating_range"),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id}: {self.rating}"


class CreditType(models.TextChoices):
    AMA_PRA_1 = "ama_pra_1", "AMA PRA Category 1 Credit™"
    PARTICIPATION = "participation", "Participation (activity designated for AMA PRA Category 1 Credit™)"


def _quarter_steps(field: str) -> models.Q:
    return models.Q(**{f"{field}__gt": 0}) & models.lookups.Exact(Mod(models.F(field) * 4, 1), 0)


class CreditClaim(models.Model):
    """The learner's attested claim: once per activity, the database enforces it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_claims")
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="credit_claims")
    credit_type = models.CharField(max_length=20, choices=CreditType.choices)
    amount = models.DecimalField(max_digits=4, decimal_places=2)
    attestation = models.TextField(help_text="The statement the learner attested to, word for word.")
    pars_consent = models.BooleanField(default=False)
    pars_consent_statement = models.TextField(blank=True)
    claimed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "activity"], name="credits_claim_once_per_activity"),
            models.CheckConstraint(condition=_quarter_steps("amount"), name="credits_claim_quarter_steps"),
            models.CheckConstraint(
                condition=models.Q(pars_consent=False) | ~models.Q(pars_consent_statement=""),
                name="credits_claim_consent_recorded",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.amount} for {self.activity}"


class EntryKind(models.TextChoices):
    AWARD = "award", "Award"
    REVERSAL = "reversal", "Reversal"


class CreditEntry(models.Model):
    """The append-only credit ledger; totals are sums of these rows."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credit_entries")
    claim = models.ForeignKey(CreditClaim, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    credit_type = models.CharField(max_length=20, choices=CreditType.choices)
    amount = models.DecimalField(max_digits=5, decimal_places=2, help_text="Negative for a reversal.")
    earned_on = models.DateField(help_text="The date the credit counts for.")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["earned_on", "id"]
        verbose_name_plural = "credit entries"
        constraints = [
            models.UniqueConstraint(fields=["claim", "kind"], name="credits_entry_one_of_each_kind"),
            models.CheckConstraint(
                condition=models.Q(kind="award", amount__gt=0) | models.Q(kind="reversal", amount__lt=0),
                name="credits_entry_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} ({self.user})"


# A Bitstring Status List holds at least 131,072 entries (16 KB), so that one
# certificate's status cannot be told apart from the many others in its list.
STATUS_LIST_SIZE = 131_072


class StatusList(models.Model):
    """One published revocation status list: its number and how many certificates hold a place in it.

    Claims lock the open list's row to take a place, at a random free index;
    a list takes certificates until half its entries are used (so a random
    pick is free at least one time in two), then the next list opens.
    """

    number = models.PositiveIntegerField(primary_key=True)
    allocated = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(number__gte=1, allocated__lte=STATUS_LIST_SIZE), name="credits_statuslist_bounds"
            ),
        ]

    def __str__(self) -> str:
        return f"Status list {self.number} ({self.allocated} certificates)"


class Certificate(models.Model):
    claim = models.OneToOneField(CreditClaim, on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(max_length=20, unique=True)
    verification_code = models.CharField(max_length=32, unique=True)
    snapshot = models.JSONField(help_text="Everything the certificate prints, frozen at issue.")
    pdf = models.FileField(upload_to="certificates/", blank=True)
    pdf_sha256 = models.CharField(
        max_length=64, blank=True, help_text="Of the PDF as first rendered, just after the claim committed."
    )
    issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.TextField(blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status_list = models.ForeignKey(StatusList, on_delete=models.PROTECT, related_name="certificates")
    status_index = models.PositiveIntegerField(help_text="The certificate's bit in its revocation status list.")
    credential_json = models.TextField(
        blank=True, help_text="The signed Open Badges 3.0 credential exactly as first issued; never rewritten."
    )

    class Meta:
        ordering = ["-issued_at"]
        indexes = [
            # The status list reads only its revoked certificates.
            models.Index(
                fields=["status_list", "status_index"],
                condition=models.Q(revoked_at__isnull=False),
                name="credits_certificate_revoked",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["status_list", "status_index"], name="credits_certificate_status_once"),
            models.CheckConstraint(
                condition=models.Q(status_index__lt=STATUS_LIST_SIZE), name="credits_certificate_status_in_list"
            ),
            models.CheckConstraint(
                condition=models.Q(revoked_at__isnull=True, revoked_reason="")
                | models.Q(revoked_at__isnull=False) & ~models.Q(revoked_reason=""),
                name="credits_certificate_revocation_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.number

    def get_absolute_url(self) -> str:
        return reverse("credits:certificate", args=[self.number])

    @property
    def verification_path(self) -> str:
        return reverse("credits:verify", args=[self.verification_code])

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None


class CertificateNumberSequence(models.Model):
    """The last certificate number issued in a year, so numbers run 1, 2, 3… with no gaps.

    A claim locks its year's row and takes the next number inside its own
    transaction: a claim that fails rolls the number back with it.
    """

    year = models.PositiveSmallIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class ExternalCredit(models.Model):
    """Credit the learner earned elsewhere and recorded here themselves; never verified by us."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="external_credits")
    title = models.CharField(max_length=200, validators=[validate_printed_text])
    provider = models.CharField(max_length=200, validators=[validate_printed_text])
    completed_on = models.DateField(
        validators=[
            MinValueValidator(
                EXTERNAL_EARLIEST_DATE,
                f"Enter a date on or after {EXTERNAL_EARLIEST_DATE:%B} {EXTERNAL_EARLIEST_DATE.day}, "
                f"{EXTERNAL_EARLIEST_DATE.year}.",
            )
        ]
    )
    credit_type = models.CharField(
        max_length=100,
        help_text="e.g. AMA PRA Category 1 Credit™, ABIM MOC points",
        validators=[validate_printed_text],
    )
    amount = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[
            MinValueValidator(Decimal("0.01"), "Enter a positive amount."),
            MaxValueValidator(EXTERNAL_MAX_AMOUNT, f"Enter at most {EXTERNAL_MAX_AMOUNT} credits for one activity."),
        ],
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0, amount__lte=EXTERNAL_MAX_AMOUNT),
                name="credits_external_amount_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(completed_on__gte=EXTERNAL_EARLIEST_DATE), name="credits_external_not_before_1950"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.amount})"

    def clean(self):
        # "Not in the future" moves every day, so it cannot be a constraint;
        # today is the site's date, which is what the learner's form shows.
        super().clean()
        if self.completed_on and self.completed_on > timezone.localdate():
            raise ValidationError({"completed_on": "The date completed cannot be in the future."})


# ------------------------------------------------------------ commitment to change

# How many practice changes a learner may commit to at one evaluation, and how long each may be.
COMMITMENT_LIMIT = 3
COMMITMENT_TEXT_LENGTH = 300


class CommitmentStrength(models.IntegerChoices):
    NOT_AT_ALL = 1, "Not at all committed"
    SLIGHTLY = 2, "Slightly committed"
    MODERATELY = 3, "Moderately committed"
    VERY = 4, "Very committed"
    EXTREMELY = 5, "Extremely committed"


class Commitment(models.Model):
    """A specific practice change the learner committed to at the evaluation; recorded once, never edited."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="commitments")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=COMMITMENT_TEXT_LENGTH, validators=[validate_printable_text])
    strength = models.PositiveSmallIntegerField(
        "strength of commitment", choices=CommitmentStrength.choices, help_text="1 (not at all) to 5 (extremely)."
    )

    class Meta:
        ordering = ["evaluation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "position"], name="credits_commitment_position_once"),
            models.CheckConstraint(
                condition=models.Q(position__range=(1, COMMITMENT_LIMIT)), name="credits_commitment_at_most_three"
            ),
            models.CheckConstraint(
                condition=models.Q(strength__range=(1, 5)), name="credits_commitment_strength_range"
            ),
            models.CheckConstraint(condition=~models.Q(text=""), name="credits_commitment_has_text"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.text}"


class FollowUpDeclined(models.TextChoices):
    AT_EVALUATION = "evaluation", "At the evaluation"
    FROM_FOLLOW_UP = "follow_up", "From a follow-up page"


class FollowUp(models.Model):
    """The one follow-up survey about an evaluation's commitments: emailed when due, one reminder, answered once.

    Each time column is filled once and never changed: when the survey went out,
    when its reminder went out, when the learner answered or when they declined.
    The sender fills sent_at and reminder_sent_at with a conditional UPDATE, so
    two workers never both send one.
    """

    evaluation = models.OneToOneField(Evaluation, on_delete=models.PROTECT, related_name="follow_up")
    due_at = models.DateTimeField(help_text="When the follow-up email is to go out.")
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When the follow-up email was queued.")
    reminder_sent_at = models.DateTimeField(null=True, blank=True, help_text="When the one reminder was queued.")
    responded_at = models.DateTimeField(null=True, blank=True)
    declined_at = models.DateTimeField(null=True, blank=True, help_text="When the learner asked for no more contact.")
    declined_from = models.CharField(max_length=12, choices=FollowUpDeclined.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-due_at", "-id"]
        verbose_name = "follow-up"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder_sent_at__isnull=True) | models.Q(sent_at__isnull=False),
                name="credits_followup_reminder_after_sending",
            ),
            models.CheckConstraint(
                condition=models.Q(responded_at__isnull=True) | models.Q(sent_at__isnull=False),
                name="credits_followup_answered_after_sending",
            ),
            models.CheckConstraint(
                condition=models.Q(responded_at__isnull=True) | models.Q(declined_at__isnull=True),
                name="credits_followup_answered_or_declined",
            ),
            models.CheckConstraint(
                condition=models.Q(declined_at__isnull=True, declined_from="")
                | models.Q(declined_at__isnull=False, declined_from__in=FollowUpDeclined.values),
                name="credits_followup_decline_recorded",
            ),
            # Whoever declined at the evaluation is never sent anything.
            models.CheckConstraint(
                condition=~models.Q(declined_from=FollowUpDeclined.AT_EVALUATION, sent_at__isnull=False),
                name="credits_followup_declined_never_sent",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up of {self.evaluation}"

    def get_absolute_url(self) -> str:
        return reverse("credits:followup", args=[self.pk])

    @property
    def is_open(self) -> bool:
        """Sent and waiting for the learner's answer."""
        return self.sent_at is not None and self.responded_at is None and self.declined_at is None


class Implementation(models.TextChoices):
    FULLY = "fully", "Fully implemented"
    PARTIALLY = "partially", "Partially implemented"
    NOT = "not", "Not implemented"


class Barrier(models.TextChoices):
    COST = "cost", "Cost or insurance coverage"
    TIME = "time", "Not enough time"
    PATIENT_PREFERENCE = "patient_preference", "Patient preference"
    PROTOCOL = "protocol", "Institutional protocol or formulary"
    RESOURCES = "resources", "Lack of resources or staff"
    NOT_APPLICABLE = "not_applicable", "Not applicable to my patients"


OTHER_BARRIER_LENGTH = 1000


class CommitmentOutcome(models.Model):
    """The learner's answer about one commitment at the follow-up; recorded once, never edited."""

    commitment = models.OneToOneField(Commitment, on_delete=models.PROTECT, related_name="outcome")
    implementation = models.CharField(max_length=10, choices=Implementation.choices)
    other_barrier = models.TextField(
        "other barriers", max_length=OTHER_BARRIER_LENGTH, blank=True, help_text="In the learner's words."
    )

    class Meta:
        ordering = ["commitment"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(implementation__in=Implementation.values), name="credits_outcome_implementation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.get_implementation_display()}"

    @property
    def barrier_labels(self) -> list[str]:
        """The barriers ticked, in the order the survey lists them."""
        ticked = {barrier.barrier for barrier in self.barriers.all()}
        return [label for value, label in Barrier.choices if value in ticked]


class OutcomeBarrier(models.Model):
    """One barrier from the fixed list that the learner ticked for a commitment."""

    outcome = models.ForeignKey(CommitmentOutcome, on_delete=models.PROTECT, related_name="barriers")
    barrier = models.CharField(max_length=20, choices=Barrier.choices)

    class Meta:
        ordering = ["outcome", "barrier"]
        constraints = [
            models.UniqueConstraint(fields=["outcome", "barrier"], name="credits_barrier_once_per_outcome"),
            models.CheckConstraint(condition=models.Q(barrier__in=Barrier.values), name="credits_barrier_known"),
        ]

    def __str__(self) -> str:
        return self.get_barrier_display()
