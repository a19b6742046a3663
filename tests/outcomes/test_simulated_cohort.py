"""simulate_learners, and the report's figures on its cohort against an independent computation.

The independent side reads only `manage.py export_responses` (one CSV row per
answered question) and the quiz's slots, and computes with Python's statistics
module and math.comb: nothing from outcomes.statistics or the selectors' SQL.
"""

import csv
import io
import math
import statistics
from collections import defaultdict

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import Profession, User
from accounts.validators import validate_npi
from credits.models import Certificate, CreditClaim, CreditEntry, FollowUp
from credits.services import certificate_pdf_bytes
from outcomes.simulation import SIMULATED_EMAIL_DOMAIN, simulate_learners, valid_npi
from quizzes.models import QuizKind, QuizSlot

LEARNERS = 400


@pytest.fixture
def cohort(seed_questions):
    summary = simulate_learners(activity=seed_questions, learners=LEARNERS, seed=7)
    return seed_questions, summary


def csv_tables(text: str) -> list[list[dict]]:
    """The command's output: tables separated by a blank line, each with its header."""
    return [list(csv.DictReader(io.StringIO(block))) for block in text.strip().split("\n\n")]


def section(activity, name: str) -> list[list[dict]]:
    out = io.StringIO()
    call_command("outcomes_report", activity=activity.slug, section=name, stdout=out)
    return csv_tables(out.getvalue())


def responses(activity) -> list[dict]:
    out = io.StringIO()
    call_command("export_responses", activity=activity.slug, stdout=out)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


def first_attempt_marks(rows: list[dict], kind: str) -> dict[str, dict[tuple[str, str], int]]:
    """learner → {(question, version): 0/1} over each learner's lowest-numbered attempt of that kind."""
    first: dict[str, int] = {}
    for row in rows:
        if row["quiz_kind"] == kind:
            first[row["learner"]] = min(first.get(row["learner"], 99), int(row["attempt_number"]))
    marks: dict[str, dict] = defaultdict(dict)
    for row in rows:
        if row["quiz_kind"] == kind and int(row["attempt_number"]) == first[row["learner"]]:
            marks[row["learner"]][(row["question"], row["version"])] = int(row["correct"])
    return marks


def test_the_item_analysis_matches_an_independent_computation(cohort):
    activity, _summary = cohort
    marks = first_attempt_marks(responses(activity), "post")
    learners = list(marks)
    items, test = section(activity, "items")[:2]
    count = QuizSlot.objects.filter(quiz__activity=activity, quiz__kind=QuizKind.POST).count()
    assert len(items) == count
    for item in items:
        key = (item["idnumber"], item["version"])
        x = [marks[learner][key] for learner in learners]
        rest = [sum(marks[learner].values()) - marks[learner][key] for learner in learners]
        covariance = statistics.covariance(x, rest)
        best = statistics.covariance(sorted(x), sorted(rest))  # the most the marks allow
        assert int(item["n"]) == len(learners)
        assert float(item["facility"]) == pytest.approx(100 * statistics.mean(x), abs=0.005)
        assert float(item["sd"]) == pytest.approx(100 * statistics.stdev(x), abs=0.005)
        assert float(item["discrimination_index"]) == pytest.approx(100 * statistics.correlation(x, rest), abs=0.005)
        assert float(item["discriminative_efficiency"]) == pytest.approx(100 * covariance / best, abs=0.005)
        # The IRT model makes every item discriminate, as a sound bank does.
        assert float(item["discrimination_index"]) > 10

    totals = [sum(item_marks.values()) for item_marks in marks.values()]
    item_variances = sum(
        statistics.variance([marks[learner][key] for learner in learners]) for key in marks[learners[0]]
    )
    alpha = count / (count - 1) * (1 - item_variances / statistics.variance(totals))
    figures = {row["statistic"]: row["value"] for row in test}
    assert int(figures["first_attempts"]) == len(learners)
    assert float(figures["mean_percent"]) == pytest.approx(100 / count * statistics.mean(totals), abs=0.005)
    assert float(figures["sd_percent"]) == pytest.approx(100 / count * statistics.stdev(totals), abs=0.005)
    assert float(figures["coefficient_of_internal_consistency"]) == pytest.approx(100 * alpha, abs=0.005)


def mcnemar(b: int, c: int) -> float:
    n, k = b + c, min(b, c)
    return min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n)


def test_the_knowledge_gain_matches_an_independent_computation(cohort):
    activity, _summary = cohort
    rows = responses(activity)
    before, after = first_attempt_marks(rows, "pre"), first_attempt_marks(rows, "post")
    partner = dict(
        QuizSlot.objects.filter(quiz__activity=activity, quiz__kind=QuizKind.PRE, matched_question__isnull=False)
        .values_list("question__idnumber", "matched_question__idnumber")
    )  # fmt: skip

    def by_question(item_marks):
        return {question: mark for (question, _version), mark in item_marks.items()}

    pairs, differences = [], []
    for learner in before.keys() & after.keys():
        pre, post = by_question(before[learner]), by_question(after[learner])
        mine = [(pre[q], post[partner[q]]) for q in partner if q in pre and partner[q] in post]
        pairs += mine
        differences.append(sum(a - b for b, a in mine) / len(mine))
    b = sum(1 for was, now in pairs if was and not now)
    c = sum(1 for was, now in pairs if now and not was)

    overall = section(activity, "knowledge")[0][0]
    assert overall["scope"] == "overall"
    assert int(overall["learners"]) == len(differences)
    assert int(overall["pairs"]) == len(pairs)
    assert float(overall["percent_before"]) == pytest.approx(100 * sum(was for was, _ in pairs) / len(pairs), abs=0.005)
    assert float(overall["percent_after"]) == pytest.approx(100 * sum(now for _, now in pairs) / len(pairs), abs=0.005)
    assert (int(overall["right_then_wrong"]), int(overall["wrong_then_right"])) == (b, c)
    assert float(overall["mcnemar_p"]) == pytest.approx(mcnemar(b, c), rel=1e-3)
    assert float(overall["cohens_dz"]) == pytest.approx(
        statistics.mean(differences) / statistics.stdev(differences), abs=0.0005
    )
    # The simulated article teaches: the gain is real and large.
    assert float(overall["percent_after"]) > float(overall["percent_before"]) + 10
    assert float(overall["mcnemar_p"]) < 0.001


def test_the_funnel_and_follow_up_count_what_was_written(cohort):
    activity, summary = cohort
    funnel = {
        row["step"]: int(row["learners"])
        for row in section(activity, "funnel")[0]
        if row["profession"] == "All learners"
    }
    assert funnel["Started"] == summary.learners == LEARNERS
    assert funnel["Evaluation completed"] == summary.evaluations
    assert funnel["Credit claimed"] == summary.claims
    follow_up = {row["measure"]: int(row["count"]) for row in section(activity, "followup")[0]}
    assert follow_up["follow_ups_sent"] == summary.follow_ups_sent > 0
    assert follow_up["follow_ups_answered"] == summary.follow_ups_answered > 0
    assert follow_up["commitments_answered"] == (
        follow_up["fully_implemented"] + follow_up["partially_implemented"] + follow_up["not_implemented"]
    )


def test_learners_have_the_profiles_a_real_sign_up_leaves(cohort):
    users = User.objects.filter(email__endswith="@" + SIMULATED_EMAIL_DOMAIN)
    assert users.count() == LEARNERS
    for user in users:
        user.full_clean(exclude=["password"])
        assert not user.has_usable_password()
    us_physicians = users.filter(profession=Profession.PHYSICIAN, country="US")
    assert us_physicians.exclude(npi="").count() == us_physicians.count() > 0
    # PARS needs a board ID or a licence, and a birth date: most have all of it, some leave parts blank.
    complete = us_physicians.exclude(board_id="").exclude(license_number="").filter(birth_month__isnull=False)
    assert 0.8 < complete.count() / us_physicians.count() < 0.97
    consenting = CreditClaim.objects.filter(pars_consent=True)
    assert consenting.exists()
    assert CreditClaim.objects.filter(pars_consent=False, user__in=us_physicians).exists()
    assert all(claim.pars_consent_statement for claim in consenting)


def test_every_claim_has_its_ledger_entry_and_a_numbered_certificate_that_renders(cohort):
    claims = CreditClaim.objects.count()
    assert claims > 0
    assert CreditEntry.objects.count() == claims
    numbers = sorted(int(number.rsplit("-", 1)[1]) for number in Certificate.objects.values_list("number", flat=True))
    assert len(numbers) == claims
    assert len(set(numbers)) == claims
    certificate = Certificate.objects.select_related("claim").first()
    assert certificate.issued_at.replace(microsecond=0) == certificate.claim.claimed_at.replace(microsecond=0)
    assert certificate_pdf_bytes(certificate=certificate).startswith(b"%PDF")


def test_no_follow_up_goes_to_whoever_declined_and_none_is_sent_before_it_is_due(cohort):
    assert FollowUp.objects.filter(declined_from="evaluation", sent_at__isnull=False).count() == 0
    for follow_up in FollowUp.objects.exclude(sent_at=None):
        assert follow_up.sent_at >= follow_up.due_at


def test_the_same_seed_writes_the_same_cohort(seed_questions):
    def run():
        with transaction.atomic():
            summary = simulate_learners(activity=seed_questions, learners=60, seed=3)
            items = section(seed_questions, "items")
            transaction.set_rollback(True)
        return summary, items

    assert run() == run()


def test_npis_carry_a_valid_check_digit():
    import random

    rng = random.Random(1)
    for _ in range(200):
        validate_npi(valid_npi(rng))


def test_the_command_refuses_a_production_site_unless_forced(seed_questions, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("simulate_learners", activity=seed_questions.slug, learners=5)
    out = io.StringIO()
    call_command("simulate_learners", activity=seed_questions.slug, learners=5, seed=2, force=True, stdout=out)
    assert "learners: 5" in out.getvalue()


def test_the_command_names_an_unknown_activity(db, settings):
    settings.DEBUG = True
    with pytest.raises(CommandError, match="No activity with slug"):
        call_command("simulate_learners", activity="nope", learners=5)
