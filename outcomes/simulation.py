"""Synthetic learners for an activity, written in bulk: for demos, the outcomes report and benchmarks.

Every learner has an ability and every question version a difficulty; the
chance of a right answer follows a Rasch (one-parameter logistic) model, higher
after the article, so facility, discrimination and the pre/post gain come out
the way real cohorts make them. Wrong answers favour the first distractors, so
the last one is sometimes never chosen, as in real item banks.

Around that: profiles as learners fill them in (physicians with an NPI, a board
and its ID, a licence, a birth date; some leave parts blank), optional pre-test,
failed and retaken post-tests, evaluations with objective ratings, bias reports
and comments, commitments to change with their follow-up (sent, reminded,
answered with implementation and barriers, or declined), and claims with their
ledger entry and certificate (consenting to PARS reporting or not).

Nothing here is used by `make run`: `manage.py simulate_learners` calls it.
The learners' addresses are at example.org, which no mail server accepts, and
their passwords are unusable, so no one can sign in as them.
"""

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from accounts.models import CertifyingBoard, Degree, Profession, User
from accounts.regions import US_LICENSING_JURISDICTIONS
from accounts.validators import npi_check_digit_is_valid
from activities.models import Activity, Enrollment
from credits import wording
from credits.models import (
    Barrier,
    Commitment,
    CommitmentOutcome,
    CreditClaim,
    Evaluation,
    FollowUp,
    FollowUpDeclined,
    Implementation,
    ObjectiveRating,
    OutcomeBarrier,
    PracticeChange,
)
from credits.selectors import amount_choices, credit_type_for
from credits.services import FOLLOWUP_REMINDER_AFTER, claims_record_past
from quizzes.models import Attempt, AttemptItem, AttemptState, QuestionVersion, Quiz, QuizKind, QuizSlot

SIMULATED_EMAIL_DOMAIN = "example.org"

FIRST_NAMES = [
    "Aisha", "Alejandro", "Amara", "Anil", "Beatriz", "Chen", "Daniel", "Elena", "Fatima", "Grace",
    "Hannah", "Hiroshi", "Ibrahim", "Isabel", "James", "Kavita", "Lars", "Leila", "Marcus", "Maria",
    "Mei", "Michael", "Nadia", "Olusegun", "Priya", "Rafael", "Rachel", "Samuel", "Sofia", "Thomas",
]  # fmt: skip
LAST_NAMES = [
    "Adeyemi", "Bauer", "Chen", "Cohen", "Da Silva", "Dubois", "Fernández", "Garcia", "Gupta", "Haddad",
    "Ito", "Jensen", "Kim", "Kowalski", "Lee", "Martin", "Mensah", "Müller", "Nguyen", "O'Brien",
    "Okafor", "Patel", "Rossi", "Schmidt", "Shah", "Smith", "Tanaka", "Walker", "Williams", "Zhang",
]  # fmt: skip
SPECIALTIES = ["Medical oncology", "Hematology/oncology", "Surgical oncology", "Radiation oncology", "Pathology"]
# Physicians of these specialties mostly hold these boards' certificates.
BOARD_WEIGHTS = {
    CertifyingBoard.ABIM: 80,
    CertifyingBoard.ABS: 8,
    CertifyingBoard.ABPATH: 5,
    CertifyingBoard.ABP: 3,
    CertifyingBoard.ABTS: 2,
    CertifyingBoard.OTHER: 2,
}
STATES = list(US_LICENSING_JURISDICTIONS)[:51]  # the states and DC, not the territories

BIAS_REMARKS = [
    "The maintenance section leaned towards one manufacturer's drug without naming alternatives.",
    "Slides used brand names throughout for the sponsor's product only.",
    "Felt like a product talk in the tucatinib part.",
]
COMMITMENTS = [
    "Ask about cough and breathlessness at every visit for patients on trastuzumab deruxtecan.",
    "Order baseline and regular chest CT for patients starting trastuzumab deruxtecan.",
    "Check liver function before each cycle for patients on tucatinib.",
    "Discuss adding pertuzumab to trastuzumab deruxtecan for fit patients starting first-line treatment.",
    "Screen for brain metastases when planning maintenance therapy.",
    "Explain progression-free versus overall survival data more carefully to patients.",
    "Check LVEF before treatment and at regular intervals on anti-HER2 therapy.",
]
OTHER_BARRIERS = [
    "Waiting for our pharmacy committee to add it.",
    "Imaging slots are booked weeks ahead.",
    "Patients prefer to stay on what works.",
]
COMMENTS = [
    "Clear and concise; the charts helped.",
    "Would like more on sequencing after progression.",
    "The cases were realistic.",
    "Too long for a lunch break, but useful.",
    "Please add a table comparing the trials.",
]


@dataclass
class SimulationSummary:
    learners: int = 0
    attempts: int = 0
    answers: int = 0
    evaluations: int = 0
    commitments: int = 0
    follow_ups_sent: int = 0
    follow_ups_answered: int = 0
    claims: int = 0
    pars_consents: dict[str, int] = field(default_factory=Counter)

    def add(self, other: "SimulationSummary") -> "SimulationSummary":
        return SimulationSummary(
            **{name: getattr(self, name) + getattr(other, name) for name in self.__dataclass_fields__}
        )

    def lines(self) -> list[str]:
        return [
            f"learners: {self.learners:,}",
            f"attempts: {self.attempts:,} ({self.answers:,} answers)",
            f"evaluations: {self.evaluations:,} with {self.commitments:,} commitments to change",
            f"follow-ups sent: {self.follow_ups_sent:,}, answered: {self.follow_ups_answered:,}",
            f"claims: {self.claims:,} (PARS: "
            + ", ".join(f"{label} {count:,}" for label, count in sorted(self.pars_consents.items()))
            + ")",
        ]


def simulate_learners(
    *, activity: Activity, learners: int, seed: int, days: int = 120, batch_size: int = 2000
) -> SimulationSummary:
    """Write `learners` synthetic learners' journeys through `activity`, which needs a published post-test.

    The same seed on the same database state writes the same cohort. Learners
    start over the last `days` days, so the older ones are past their follow-up.
    """
    quizzes = {quiz.kind: quiz for quiz in Quiz.objects.filter(activity=activity)}
    if QuizKind.POST not in quizzes:
        raise ValueError(f"{activity.slug} has no post-test to simulate.")
    with transaction.atomic():
        return _Cohort(activity, quizzes, random.Random(seed), seed, days, batch_size).write(learners)


def _current_versions(quiz: Quiz) -> list[QuestionVersion]:
    slots = list(QuizSlot.objects.filter(quiz=quiz).order_by("position").values_list("question_id", flat=True))
    latest = {}
    for version in QuestionVersion.objects.filter(question_id__in=slots).order_by("question_id", "-number"):
        latest.setdefault(version.question_id, version)
    return [latest[question_id] for question_id in slots if question_id in latest]


def valid_npi(rng: random.Random) -> str:
    """A ten-digit number whose check digit is right (CMS's Luhn over 80840 + the NPI), starting with 1 as NPIs do."""
    stem = "1" + "".join(rng.choice("0123456789") for _ in range(8))
    return next(stem + digit for digit in "0123456789" if npi_check_digit_is_valid(stem + digit))


class _Cohort:
    def __init__(self, activity, quizzes, rng, seed, days, batch_size):
        self.activity = Activity.objects.select_related("provider").get(pk=activity.pk)
        self.quizzes = quizzes
        self.rng = rng
        self.seed = seed
        self.days = days
        self.batch_size = batch_size
        self.now = timezone.now()
        self.forms = {kind: _current_versions(quiz) for kind, quiz in quizzes.items()}
        self.choices = {
            version.pk: sorted(version.choices.all(), key=lambda choice: (not choice.is_correct, choice.position))
            for versions in self.forms.values()
            for version in versions
        }
        self.difficulty = {version.pk: rng.gauss(0.0, 1.0) for versions in self.forms.values() for version in versions}
        # A matched post-test item is a parallel form of its pre-test item: about as hard.
        post_version = {version.question_id: version.pk for version in self.forms[QuizKind.POST]}
        if QuizKind.PRE in quizzes:
            matched = dict(
                QuizSlot.objects.filter(quiz=quizzes[QuizKind.PRE]).values_list("question_id", "matched_question_id")
            )
            for version in self.forms[QuizKind.PRE]:
                if matched.get(version.question_id) in post_version:
                    pair = post_version[matched[version.question_id]]
                    self.difficulty[pair] = self.difficulty[version.pk] + rng.gauss(0.0, 0.3)
        self.objectives = list(self.activity.objectives.all())
        self.amounts = amount_choices(self.activity)
        self.summary = SimulationSummary(pars_consents=Counter())

    # ------------------------------------------------------------------ people

    def _users(self, count: int) -> list[User]:
        start = User.objects.count()
        users = [self._profile(start + index) for index in range(count)]
        return User.objects.bulk_create(users, batch_size=self.batch_size)

    def _profile(self, number: int) -> User:
        rng = self.rng
        profession = rng.choices([Profession.PHYSICIAN, Profession.OTHER_HCP], weights=[85, 15])[0]
        us = rng.random() < 0.85
        user = User(
            email=f"sim{number}-s{self.seed}@{SIMULATED_EMAIL_DOMAIN}",
            password="!",  # unusable: no one signs in as a simulated learner
            first_name=rng.choice(FIRST_NAMES),
            last_name=rng.choice(LAST_NAMES),
            profession=profession,
            specialty=rng.choice(SPECIALTIES),
            country="US" if us else rng.choice(["CA", "GB", "DE", "IN", "BR"]),
        )
        if profession == Profession.PHYSICIAN:
            user.degree = rng.choices([Degree.MD, Degree.DO], weights=[88, 12])[0] if us else Degree.MBBS
            if us:
                user.npi = valid_npi(rng)
                self._pars_details(user)
        else:
            user.degree = rng.choice([Degree.NP, Degree.PA, Degree.PHARMD, Degree.RN])
        return user

    def _pars_details(self, user: User) -> None:
        """Most US physicians give everything PARS needs; some leave a part of it blank."""
        rng = self.rng
        user.certifying_board = rng.choices(list(BOARD_WEIGHTS), weights=list(BOARD_WEIGHTS.values()))[0]
        user.board_id = f"{rng.randrange(100000, 999999)}"
        user.birth_month = rng.randint(1, 12)
        user.birth_day = rng.randint(1, 28)
        user.license_region = rng.choice(STATES)
        user.license_number = f"{user.license_region}{rng.randrange(10000, 999999)}"
        gap = rng.random()
        if gap < 0.04:
            user.board_id = ""  # board named, ID not looked up yet
        elif gap < 0.08:
            user.birth_month = user.birth_day = None
        elif gap < 0.10:
            user.certifying_board = user.board_id = ""  # licence only

    # ---------------------------------------------------------------- journeys

    def write(self, count: int) -> SimulationSummary:
        rng = self.rng
        users = self._users(count)
        ability = {user.pk: rng.gauss(0.0, 1.0) for user in users}
        enrollments, attempts, planned_items, evaluations, claims = [], [], [], [], []
        for user in users:
            # Six hours back at least: the longest journey below (three post-tests) ends before now.
            started = self.now - timedelta(days=rng.uniform(0, self.days), hours=6)
            enrollments.append(Enrollment(user=user, activity=self.activity, started_at=started))
            moment = started
            if QuizKind.PRE in self.quizzes and rng.random() < 0.92:
                moment += timedelta(minutes=rng.uniform(2, 15))
                attempts.append(self._attempt(user, QuizKind.PRE, ability[user.pk], 1, moment, planned_items, 0.0))
            if rng.random() > 0.82:
                continue  # read some of it, never tried the post-test
            passed = False
            for number in range(1, min(self.quizzes[QuizKind.POST].attempts_allowed or 3, 3) + 1):
                moment += timedelta(minutes=rng.uniform(15, 90))
                boost = 1.3 + 0.4 * (number - 1)
                attempt = self._attempt(user, QuizKind.POST, ability[user.pk], number, moment, planned_items, boost)
                attempts.append(attempt)
                passed = attempt.passed
                if passed or rng.random() < 0.4:
                    break
            if not passed or rng.random() > 0.88:
                continue
            moment += timedelta(minutes=rng.uniform(1, 10))
            evaluations.append(self._evaluation(user, moment))
            if rng.random() < 0.93:
                claims.append(self._claim(user, moment + timedelta(minutes=rng.uniform(0.5, 3))))

        Enrollment.objects.bulk_create(enrollments, batch_size=self.batch_size)
        Attempt.objects.bulk_create(attempts, batch_size=self.batch_size)
        AttemptItem.objects.bulk_create(
            (AttemptItem(attempt=attempt, **fields) for attempt, fields in planned_items), batch_size=self.batch_size
        )
        self._write_evaluations(evaluations)
        claims_record_past(claims=claims, batch_size=self.batch_size)

        self.summary.learners = len(users)
        self.summary.attempts = len(attempts)
        self.summary.answers = len(planned_items)
        self.summary.evaluations = len(evaluations)
        self.summary.claims = len(claims)
        for claim in claims:
            self.summary.pars_consents["consented" if claim.pars_consent else "not asked or declined"] += 1
        return self.summary

    def _attempt(self, user, kind, ability, number, moment, planned_items, boost) -> Attempt:
        quiz, versions = self.quizzes[kind], self.forms[kind]
        attempt = Attempt(
            user=user, quiz=quiz, number=number, state=AttemptState.GRADED, submitted_at=moment, graded_at=moment,
            pass_mark_percent=quiz.pass_mark_percent, max_score=len(versions),
        )  # fmt: skip
        marks = []
        for position, version in enumerate(versions, 1):
            ordered = self.choices[version.pk]  # the key first, then the distractors as authored
            p_right = 1 / (1 + math.exp(-(ability + boost - self.difficulty[version.pk])))
            if self.rng.random() < p_right:
                chosen = ordered[0]
            else:
                chosen = self.rng.choices(ordered[1:], weights=[6, 3, 1, 1, 1][: len(ordered) - 1])[0]
            marks.append(chosen.is_correct)
            planned_items.append(
                (attempt, {"position": position, "version": version, "choice_order": [c.pk for c in ordered],
                           "selected_choice": chosen, "answered_at": moment, "is_correct": chosen.is_correct})
            )  # fmt: skip
        attempt.score = sum(marks)
        attempt.passed = attempt.score * 100 >= quiz.pass_mark_percent * len(versions)
        return attempt

    def _evaluation(self, user, moment) -> tuple[Evaluation, list[Commitment], bool]:
        rng = self.rng
        biased = rng.random() < 0.04
        change = rng.choices(PracticeChange.values, weights=[55, 25, 8, 12])[0]
        evaluation = Evaluation(
            user=user,
            activity=self.activity,
            relevance=rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 8, 40, 49])[0],
            practice_change=change,
            change_description=rng.choice(COMMITMENTS) if change == PracticeChange.YES and rng.random() < 0.3 else "",
            free_of_commercial_bias=not biased,
            bias_comment=rng.choice(BIAS_REMARKS) if biased else "",
            overall_quality=rng.choices([1, 2, 3, 4, 5], weights=[1, 3, 12, 44, 40])[0],
            comments=rng.choice(COMMENTS) if rng.random() < 0.2 else "",
            submitted_at=moment,
        )
        commitments = []
        if change == PracticeChange.YES or rng.random() < 0.15:
            texts = rng.sample(COMMITMENTS, rng.choices([1, 2, 3], weights=[50, 35, 15])[0])
            commitments = [
                Commitment(evaluation=evaluation, position=position, text=text,
                           strength=rng.choices([2, 3, 4, 5], weights=[5, 25, 45, 25])[0])
                for position, text in enumerate(texts, 1)
            ]  # fmt: skip
        return evaluation, commitments, rng.random() < 0.85

    def _write_evaluations(self, planned) -> None:
        rng, batch = self.rng, self.batch_size
        evaluations = [evaluation for evaluation, _, _ in planned]
        submitted = [evaluation.submitted_at for evaluation in evaluations]
        Evaluation.objects.bulk_create(evaluations, batch_size=batch)
        for evaluation, moment in zip(evaluations, submitted, strict=True):  # auto_now_add overrides the value
            evaluation.submitted_at = moment
        Evaluation.objects.bulk_update(evaluations, ["submitted_at"], batch_size=batch)
        ObjectiveRating.objects.bulk_create(
            (
                ObjectiveRating(evaluation=evaluation, objective=objective,
                                rating=max(1, min(5, round(rng.gauss(4.1 - 0.3 * index, 0.8)))))
                for evaluation in evaluations
                for index, objective in enumerate(self.objectives)
            ),
            batch_size=batch,
        )  # fmt: skip
        commitments = [commitment for _, rows, _ in planned for commitment in rows]
        Commitment.objects.bulk_create(commitments, batch_size=batch)
        self.summary.commitments = len(commitments)

        follow_ups, answered = [], []
        for evaluation, rows, consent in planned:
            if rows:
                follow_ups.append(self._follow_up(evaluation, consent))
                if follow_ups[-1].responded_at:
                    answered.extend(rows)
        FollowUp.objects.bulk_create(follow_ups, batch_size=batch)
        self.summary.follow_ups_sent = sum(1 for follow_up in follow_ups if follow_up.sent_at)
        self.summary.follow_ups_answered = sum(1 for follow_up in follow_ups if follow_up.responded_at)

        outcomes, barriers = [], []
        for commitment in answered:
            # The more committed, the likelier the change happened.
            weights = [10 + 8 * commitment.strength, 30, 40 - 6 * commitment.strength]
            implementation = rng.choices(Implementation.values, weights=weights)[0]
            outcome = CommitmentOutcome(commitment=commitment, implementation=implementation)
            if implementation != Implementation.FULLY:
                ticked = rng.sample(Barrier.values, rng.choices([1, 2], weights=[70, 30])[0])
                barriers.extend(OutcomeBarrier(outcome=outcome, barrier=barrier) for barrier in ticked)
                if rng.random() < 0.15:
                    outcome.other_barrier = rng.choice(OTHER_BARRIERS)
            outcomes.append(outcome)
        CommitmentOutcome.objects.bulk_create(outcomes, batch_size=batch)
        OutcomeBarrier.objects.bulk_create(barriers, batch_size=batch)

    def _follow_up(self, evaluation, consent) -> FollowUp:
        """Where the follow-up stands today: declined, not yet due, sent and perhaps reminded or answered."""
        rng = self.rng
        due = evaluation.submitted_at + timedelta(days=self.activity.follow_up_days)
        follow_up = FollowUp(evaluation=evaluation, due_at=due)
        if not consent:
            follow_up.declined_at = evaluation.submitted_at
            follow_up.declined_from = FollowUpDeclined.AT_EVALUATION
            return follow_up
        if due > self.now:
            return follow_up  # the worker's next sweep after due_at sends it
        follow_up.sent_at = due
        answer_after = timedelta(days=rng.expovariate(1 / 5))
        outcome = rng.random()
        if outcome < 0.45 and due + answer_after < self.now:
            follow_up.responded_at = due + answer_after
            if answer_after > FOLLOWUP_REMINDER_AFTER:
                follow_up.reminder_sent_at = due + FOLLOWUP_REMINDER_AFTER
        elif outcome < 0.50:
            follow_up.declined_at = due + answer_after / 2
            follow_up.declined_from = FollowUpDeclined.FROM_FOLLOW_UP
        elif due + FOLLOWUP_REMINDER_AFTER < self.now:
            follow_up.reminder_sent_at = due + FOLLOWUP_REMINDER_AFTER
        if follow_up.declined_at and follow_up.declined_at > self.now:
            follow_up.declined_at = self.now
        return follow_up

    def _claim(self, user, moment) -> CreditClaim:
        rng = self.rng
        credit_type = credit_type_for(user)
        # Most take the full credit; some claim less for a partial read.
        amount = self.amounts[-1] if rng.random() < 0.9 else rng.choice(self.amounts)
        consent = bool(user.board_id or user.license_number) and rng.random() < 0.85
        return CreditClaim(
            user=user,
            activity=self.activity,
            credit_type=credit_type,
            amount=Decimal(amount),
            attestation=wording.attestation_statement(credit_type=credit_type, amount=amount),
            pars_consent=consent,
            pars_consent_statement=wording.pars_consent_statement(self.activity) if consent else "",
            claimed_at=moment,
        )
