"""What PARS knows about an activity, and every learner record this site has sent it.

ActivityRegistration holds the provider's answers to PARS about an activity
(its ACCME activity ID, what it was designed to change, commercial support) and
BoardCredit what it counts for with each certifying board. A LearnerSubmission
is one export of the learner completion file, and each SentRecord one row of
it exactly as sent: the next export compares against them, so it sends only
what is new, changed or revoked. Submissions and their records are never
edited or deleted.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models

from pars.boards import CREDIT_TYPE_CHOICES, MOC_BOARD_CHOICES
from pars.layout import RECORD_ADD, RECORD_DELETE

validate_accme_activity_id = RegexValidator(
    r"^[0-9]{1,20}$", "Enter the activity ID as PARS shows it: digits only.", code="accme_activity_id"
)


class ActivityRegistration(models.Model):
    activity = models.OneToOneField("activities.Activity", on_delete=models.PROTECT, related_name="pars_registration")
    accme_activity_id = models.CharField(
        "ACCME activity ID",
        max_length=20,
        blank=True,
        validators=[validate_accme_activity_id],
        help_text="The ID PARS gave the activity when it was entered. Learner records cannot be exported without it.",
    )
    designed_to_change_competence = models.BooleanField(default=False)
    designed_to_change_performance = models.BooleanField(default=False)
    designed_to_change_patient_outcomes = models.BooleanField(default=False)
    evaluated_for_change_in_competence = models.BooleanField(
        default=False,
        help_text="For example, commitment to change at the evaluation. The outcomes report shows what was collected.",
    )
    evaluated_for_change_in_performance = models.BooleanField(
        default=False, help_text="For example, the follow-up survey on implemented changes."
    )
    evaluated_for_change_in_patient_outcomes = models.BooleanField(default=False)
    commercial_support_received = models.BooleanField(default=False)
    commercial_support_amount = models.DecimalField(
        "monetary commercial support (USD)",
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    commercial_support_in_kind = models.BooleanField("in-kind commercial support", default=False)
    commercial_supporters = models.TextField(blank=True, help_text="One supporter per line.")

    class Meta:
        verbose_name = "PARS registration"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(commercial_support_amount__gte=0), name="pars_registration_amount_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(commercial_support_received=True)
                | models.Q(commercial_support_amount=0, commercial_support_in_kind=False, commercial_supporters=""),
                name="pars_registration_support_only_when_received",
                violation_error_message="Tick “commercial support received” to record an amount, in-kind support "
                "or supporters.",
            ),
        ]
        permissions = [
            ("export_pars_learners", "Can export learner completions to PARS"),
            ("export_pars_activities", "Can export activity data for PARS"),
        ]

    def __str__(self) -> str:
        return f"PARS registration of {self.activity}"


class BoardCredit(models.Model):
    """What the activity counts for with one certifying board, as registered in PARS."""

    registration = models.ForeignKey(ActivityRegistration, on_delete=models.CASCADE, related_name="board_credits")
    board = models.CharField(max_length=10, choices=MOC_BOARD_CHOICES)
    credit_type = models.CharField(max_length=60, choices=[(name, name) for name in CREDIT_TYPE_CHOICES])
    points = models.DecimalField(
        "MOC points registered",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25"))],
        help_text="The most a learner can earn; a learner's points are the credits they claimed, up to this.",
    )

    class Meta:
        ordering = ["board", "pk"]
        verbose_name = "board credit"
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "board", "credit_type"],
                name="pars_board_credit_once",
                violation_error_message="This credit type is already registered for that board.",
            ),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="pars_board_credit_points_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.credit_type} ({self.points} points)"

    def clean(self):
        from django.core.exceptions import ValidationError

        from pars.boards import board_rule

        rule = board_rule(self.board)
        if rule and self.credit_type and self.credit_type not in rule.credit_types:
            raise ValidationError(
                {"credit_type": f"{self.board} takes: {', '.join(rule.credit_types)}."}, code="credit_type"
            )


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "Excel workbook (.xlsx)"
    TSV = "tsv", "Tab-delimited text (.txt)"


class LearnerSubmission(models.Model):
    """One export of an activity's learner completion file: who made it, when, and what it held."""

    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="pars_submissions")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when a command made it.",
    )
    file_format = models.CharField(max_length=4, choices=FileFormat.choices)
    completed_from = models.DateField(null=True, blank=True)
    completed_to = models.DateField(null=True, blank=True)
    added = models.PositiveIntegerField()
    deleted = models.PositiveIntegerField()
    left_out = models.PositiveIntegerField(help_text="Consenting learners whose records could not be reported.")
    file_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "PARS learner submission"

    def __str__(self) -> str:
        return f"PARS learners, {self.activity} ({self.created_at:%Y-%m-%d %H:%M})"


class SentRecord(models.Model):
    """One row of a submission exactly as sent: an Add, or a Delete of a row added before."""

    submission = models.ForeignKey(LearnerSubmission, on_delete=models.PROTECT, related_name="records")
    claim = models.ForeignKey("credits.CreditClaim", on_delete=models.PROTECT, related_name="pars_records")
    action = models.CharField(max_length=6, choices=[(RECORD_ADD, "Add"), (RECORD_DELETE, "Delete")])
    values = models.JSONField(help_text="The row's columns as sent, by field.")

    class Meta:
        ordering = ["submission", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=[RECORD_ADD, RECORD_DELETE]), name="pars_sent_record_action"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.claim_id}"
