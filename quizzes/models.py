"""Question bank, quizzes and attempts.

A Question is the editable working copy an author sees in admin. Every save
snapshots it into a QuestionVersion; attempts point at the version they
showed, and a version that any attempt used is never changed again, so an
edit can never rewrite a past result.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from quizzes.validation import IDNUMBER_MAX_LENGTH, validate_idnumber, validate_one_line

# Crockford's base32 in lower case: no i, l, o or u to misread, and nothing that
# Moodle's tag cleaning or a case-folding tag table could change.
_IDNUMBER_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_idnumber() -> str:
    """A fresh ID number: `q-` and ten random characters (50 bits), the same on every site it travels to."""
    return "q-" + "".join(secrets.choice(_IDNUMBER_ALPHABET) for _ in range(10))


class QuestionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class Question(models.Model):
    """A single-best-answer item in the bank (the working copy authors edit)."""

    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    title = models.CharField(
        max_length=100, validators=[validate_one_line], help_text="A short name for the bank; learners never see it."
    )
    # Moodle's question ID number. Imports recognise an item by it, so it is
    # assigned once, travels in every export and never derives from anything
    # that can change (the slug, the title, a counter on one site).
    idnumber = models.CharField(
        "ID number",
        max_length=IDNUMBER_MAX_LENGTH,
        blank=True,
        default=new_idnumber,
        validators=[validate_idnumber],
        help_text="How GIFT and Moodle XML imports recognise this question (Moodle's “ID number”). Assigned "
        "automatically; change it only to match an item in another system.",
    )
    status = models.CharField(max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.DRAFT)
    stem = models.TextField(help_text="The vignette and the question. Markdown; HTML is sanitised on output.")
    explanation = models.TextField(
        "general explanation", blank=True, help_text="The teaching point shown after review is allowed."
    )
    objective = models.ForeignKey(
        "activities.LearningObjective",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The learning objective this item assesses. Required to publish.",
    )
    reference = models.ForeignKey(
        "activities.Reference",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        help_text="The trial (journal, year) the key and explanation rest on. Required to publish.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(idnumber=""),
                name="quizzes_question_has_idnumber",
                violation_error_message="Every question needs an ID number; imports recognise it by that.",
            ),
            models.UniqueConstraint(
                fields=["activity", "idnumber"],
                name="quizzes_question_idnumber_unique_in_activity",
                violation_error_message="Another question of this activity already has this ID number.",
            ),
            models.UniqueConstraint(
                fields=["idnumber"],
                condition=models.Q(activity__isnull=True),
                name="quizzes_question_idnumber_unique_outside_activities",
                violation_error_message="Another question outside any activity already has this ID number.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        # A row copied by clearing its pk would carry its original's ID number into
        # the same activity; like Moodle's "Duplicate", the copy gets its own.
        if not self.idnumber or (self.pk is None and self._idnumber_taken()):
            self.idnumber = new_idnumber()
        super().save(*args, **kwargs)

    def _idnumber_taken(self) -> bool:
        return Question.objects.filter(activity_id=self.activity_id, idnumber=self.idnumber).exists()

    def clean(self):
        if self._state.adding and not self.idnumber:
            self.idnumber = new_idnumber()  # a new question left blank gets one; an existing one keeps its own
        errors = {}
        if self.objective_id and self.objective.activity_id != self.activity_id:
            errors["objective"] = "Choose an objective of this question's activity."
        if self.reference_id and self.reference.activity_id != self.activity_id:
            errors["reference"] = "Choose a reference of this question's activity."
        if self.status == QuestionStatus.PUBLISHED and not (self.objective_id and self.reference_id):
            errors["status"] = "A question needs its learning objective and its reference before it is published."
        if errors:
            raise ValidationError(errors)


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField("correct", default=False)
    feedback = models.TextField(blank=True, help_text="Why this option is right or wrong.")

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["question"], condition=models.Q(is_correct=True), name="quizzes_choice_one_correct"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class QuestionVersion(models.Model):
    """An immutable snapshot of a question as learners saw it."""

    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    stem = models.TextField()
    explanation = models.TextField(blank=True)
    objective = models.ForeignKey("activities.LearningObjective", on_delete=models.PROTECT, null=True, related_name="+")
    reference = models.ForeignKey("activities.Reference", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["question", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["question", "number"], name="quizzes_version_number_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="quizzes_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.question} v{self.number}"


class VersionChoice(models.Model):
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="choices")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=500)
    is_correct = models.BooleanField(default=False)
    feedback = models.TextField(blank=True)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "position"], name="quizzes_versionchoice_position_unique"),
            models.UniqueConstraint(
                fields=["version"], condition=models.Q(is_correct=True), name="quizzes_versionchoice_one_correct"
            ),
        ]

    def __str__(self) -> str:
        return self.text


class QuizKind(models.TextChoices):
    PRE = "pre", "Pre-test"
    POST = "post", "Post-test"


class ReviewPolicy(models.TextChoices):
    AFTER_PASS_OR_LAST_ATTEMPT = "after_pass", "Answers and feedback once passed or out of attempts"
    IMMEDIATELY = "immediately", "Answers and feedback after every attempt"
    SCORE_ONLY = "score_only", "Score only, never the answers"


class Quiz(models.Model):
    activity = models.ForeignKey("activities.Activity", on_delete=models.PROTECT, related_name="quizzes")
    kind = models.CharField(max_length=4, choices=QuizKind.choices)
    pass_mark_percent = models.DecimalField(
        "pass mark (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal(75),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Compared on the exact fraction: 75% of 10 questions needs 8 correct.",
    )
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0 means unlimited.")
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=True)
    review_policy = models.CharField(
        max_length=20, choices=ReviewPolicy.choices, default=ReviewPolicy.AFTER_PASS_OR_LAST_ATTEMPT
    )
    # Moodle's "New page" setting. All on one page is the default: on a phone a
    # 14-item post-test is one scroll, one submit, then the result, instead of
    # fifteen page loads on a mobile connection.
    questions_per_page = models.PositiveSmallIntegerField(
        default=0,
        help_text="0 puts every question on one page, answered and submitted at once; "
        "1 shows one question per page; N shows N per page.",
    )
    questions = models.ManyToManyField(
        Question, through="QuizSlot", through_fields=("quiz", "question"), related_name="quizzes"
    )

    class Meta:
        ordering = ["activity", "-kind"]
        verbose_name_plural = "quizzes"
        constraints = [
            models.UniqueConstraint(fields=["activity", "kind"], name="quizzes_quiz_one_per_kind"),
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__gte=0, pass_mark_percent__lte=100),
                name="quizzes_quiz_pass_mark_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity}: {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        name = "journey:pretest" if self.kind == QuizKind.PRE else "journey:posttest"
        return reverse(name, args=[self.activity.slug])

    def get_start_url(self) -> str:
        name = "journey:pretest_start" if self.kind == QuizKind.PRE else "journey:posttest_start"
        return reverse(name, args=[self.activity.slug])

    @property
    def is_pretest(self) -> bool:
        return self.kind == QuizKind.PRE

    def page_of(self, position: int) -> int:
        """The page a question (1-based position) falls on under this quiz's layout."""
        return 1 if self.questions_per_page == 0 else (position - 1) // self.questions_per_page + 1

    def page_count(self, total: int) -> int:
        return self.page_of(total) if total else 1


class QuizSlot(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="slots")
    position = models.PositiveSmallIntegerField(default=0)
    matched_question = models.ForeignKey(
        Question,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Pre-test only: the post-test item on the same objective (the same item or a parallel form).",
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="quizzes_slot_question_once"),
            # Matched pairs are one to one: the knowledge report pairs each post-test item
            # with at most one pre-test item (NULLs, the unmatched slots, are all distinct).
            models.UniqueConstraint(
                fields=["quiz", "matched_question"],
                name="quizzes_slot_matched_once",
                violation_error_message="Another pre-test question is already matched with this post-test question.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz} #{self.position}: {self.question}"


class AttemptState(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    GRADED = "graded", "Graded"


class Attempt(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="attempts")
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveSmallIntegerField()
    state = models.CharField(max_length=12, choices=AttemptState.choices, default=AttemptState.IN_PROGRESS)
    started_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    graded_at = models.DateTimeField(null=True, blank=True)
    # The pass mark in force when the attempt was graded; a later change to the
    # quiz never turns a recorded pass into a fail.
    pass_mark_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["quiz", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["user", "quiz", "number"], name="quizzes_attempt_number_unique"),
            models.UniqueConstraint(
                fields=["user", "quiz"],
                condition=models.Q(state="in_progress"),
                name="quizzes_attempt_one_in_progress",
            ),
            models.CheckConstraint(
                condition=models.Q(state__in=AttemptState.values), name="quizzes_attempt_state_known"
            ),
            models.CheckConstraint(
                condition=models.Q(state="in_progress") | models.Q(submitted_at__isnull=False),
                name="quizzes_attempt_submitted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="graded")
                | models.Q(
                    graded_at__isnull=False,
                    score__isnull=False,
                    max_score__isnull=False,
                    passed__isnull=False,
                    pass_mark_percent__isnull=False,
                ),
                name="quizzes_attempt_graded_is_complete",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | models.Q(score__lte=models.F("max_score")),
                name="quizzes_attempt_score_within_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.quiz} – attempt {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("journey:result", args=[self.pk])

    def page_url(self, page: int = 1) -> str:
        return reverse("quizzes:page", args=[self.pk, page])

    @property
    def is_in_progress(self) -> bool:
        return self.state == AttemptState.IN_PROGRESS

    def get_outcome_display(self) -> str:
        if self.passed is None:
            return "—"
        return "Passed" if self.passed else "Not passed"


class AttemptItem(models.Model):
    """One question as this attempt showed it: its version, its choice order, the answer and the mark."""

    attempt = models.ForeignKey(Attempt, on_delete=models.PROTECT, related_name="items")
    position = models.PositiveSmallIntegerField()
    version = models.ForeignKey(QuestionVersion, on_delete=models.PROTECT, related_name="attempt_items")
    choice_order = models.JSONField(help_text="VersionChoice ids in the order they were shown.")
    selected_choice = models.ForeignKey(
        VersionChoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="quizzes_item_position_unique"),
            models.UniqueConstraint(fields=["attempt", "version"], name="quizzes_item_version_once"),
            models.CheckConstraint(condition=models.Q(position__gte=1), name="quizzes_item_position_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} – question {self.position}"
