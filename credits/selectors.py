"""Reads: credit amounts, certificates and the transcript. Whether a learner may claim is the journey's rule."""

import hashlib
import json
import secrets
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts.models import Profession
from activities.models import CREDIT_STEP, Activity
from credentials.dataintegrity import sign
from credentials.did import current_verification_method
from credentials.keys import signing_key
from credits import badges, pdf, wording
from credits.models import (
    Barrier,
    Certificate,
    CommitmentOutcome,
    CreditClaim,
    CreditEntry,
    CreditType,
    ExternalCredit,
    FollowUp,
    FollowUpDeclined,
    Implementation,
    OutcomeBarrier,
    StatusList,
)

# Self-reported entries a learner can keep: far more than a career's license
# renewals need, and few enough that one learner's transcript stays cheap.
EXTERNAL_CREDIT_LIMIT = 200

# How much one transcript PDF may print, in the units of pdf.print_cost (about
# one character of plain text each). Rendering time follows the rows and their
# text, so the PDF takes the most recent rows up to this budget and says how
# many older ones it left out: about 50 rows of ordinary length, 16 filled to
# the longest text the form accepts. bench/transcript_pdf.py calibrates it to
# stay under a second on a busy two-CPU machine.
TRANSCRIPT_PDF_BUDGET = 9_000


def credit_type_for(user) -> str:
    return CreditType.AMA_PRA_1 if user.profession == Profession.PHYSICIAN else CreditType.PARTICIPATION


def amount_choices(activity: Activity) -> list[Decimal]:
    steps = int(activity.max_credits / CREDIT_STEP)
    return [CREDIT_STEP * step for step in range(1, steps + 1)]


def pars_reporting_possible(user) -> bool:
    """PARS can only match a learner who has a board ID or a license on file."""
    return bool(user.board_id or user.license_number)


def certificate_for_owner(*, user, number: str) -> Certificate:
    """The learner's own certificate; anyone else's is a 404."""
    queryset = Certificate.objects.select_related("claim__activity")
    return get_object_or_404(queryset, number=number, claim__user=user)


@dataclass(frozen=True)
class TranscriptRow:
    claim: CreditClaim
    certificate: Certificate | None
    earned_on: date
    amount: Decimal  # net of any reversal

    @property
    def revoked(self) -> bool:
        return self.certificate is not None and self.certificate.is_revoked


@dataclass(frozen=True)
class Transcript:
    rows: list[TranscriptRow]
    totals_by_type: dict[str, Decimal]
    totals_by_year: dict[int, dict[str, Decimal]]
    external: list[ExternalCredit]
    external_total: Decimal
    # Set by printable(): the older rows left out of a PDF, and the latest date among them.
    omitted: int = 0
    omitted_latest: date | None = None

    @property
    def total_lines(self) -> list[str]:
        """Each credit type's total in words, for the page and the PDF."""
        return [wording.total_text(credit_type=kind, amount=total) for kind, total in self.totals_by_type.items()]

    @property
    def year_lines(self) -> list[tuple[int, str]]:
        """Each year's totals in words, most recent year first."""
        return [
            (year, "; ".join(wording.total_text(credit_type=kind, amount=total) for kind, total in types.items()))
            for year, types in self.totals_by_year.items()
        ]

    @property
    def entry_count(self) -> int:
        return len(self.rows) + len(self.external) + self.omitted

    @property
    def printed_count(self) -> int:
        return len(self.rows) + len(self.external)


# A signed status list is kept this long for the state it describes; a
# revocation changes the state, so the next request signs the new list at once.
STATUS_LIST_CACHE_SECONDS = 24 * 60 * 60


def certificate_for_verification(*, code: str) -> Certificate | None:
    return Certificate.objects.select_related("claim").filter(verification_code=code).first()


def issued_file_matches(*, certificate: Certificate, sha256: str) -> bool | None:
    """Whether a file with this SHA-256 is exactly the PDF issued for the certificate; None if none was issued yet."""
    if not certificate.pdf_sha256:
        return None
    return secrets.compare_digest(sha256, certificate.pdf_sha256)


def status_list_json(*, number: int) -> str | None:
    """The signed BitstringStatusListCredential of list `number` as JSON text, or None if there is no such list.

    Built from the certificates' own revocations, so a revocation shows in the
    list the moment it commits. The signed text is cached under a digest of the
    revoked places, the list's URL and the signing key, and its validFrom and
    proof time are the latest revocation's, so one state always signs to the same
    text and any other state, however it came about, signs anew.
    """
    status_list = StatusList.objects.filter(number=number).first()
    if status_list is None:
        return None
    revoked = sorted(
        Certificate.objects.filter(status_list=status_list, revoked_at__isnull=False).values_list(
            "status_index", "revoked_at"
        )
    )
    indices = [index for index, _revoked_at in revoked]
    changed = max([status_list.created_at, *(revoked_at for _index, revoked_at in revoked)]).replace(microsecond=0)
    method = current_verification_method()
    state = hashlib.sha256(
        json.dumps([badges.status_list_url(number), method, changed.isoformat(), indices]).encode()
    ).hexdigest()
    key = f"credits:status-list:{number}:{state}"
    if (text := cache.get(key)) is not None:
        return text
    unsigned = badges.status_list_credential(number=number, revoked_indices=indices, valid_from=changed)
    signed = sign(unsigned, private_key=signing_key(), verification_method=method, created=unsigned["validFrom"])
    text = json.dumps(signed, indent=2)
    cache.set(key, text, STATUS_LIST_CACHE_SECONDS)
    return text


def transcript(*, user, start: date | None = None, end: date | None = None) -> Transcript:
    """The learner's ledger in a date range, with totals computed from the entries."""
    entries = CreditEntry.objects.filter(user=user)
    external = ExternalCredit.objects.filter(user=user)
    if start:
        entries = entries.filter(earned_on__gte=start)
        external = external.filter(completed_on__gte=start)
    if end:
        entries = entries.filter(earned_on__lte=end)
        external = external.filter(completed_on__lte=end)

    net = entries.values("claim_id", "credit_type").annotate(amount=Sum("amount"))
    by_claim = {row["claim_id"]: row["amount"] for row in net}
    claims = (
        CreditClaim.objects.filter(pk__in=by_claim)
        .select_related("activity__provider", "certificate")
        .order_by("-claimed_at")
    )
    earned = dict(entries.filter(kind="award").values_list("claim_id", "earned_on"))
    rows = [
        TranscriptRow(
            claim=claim,
            certificate=getattr(claim, "certificate", None),
            earned_on=earned.get(claim.pk, claim.claimed_at.date()),
            amount=by_claim[claim.pk],
        )
        for claim in claims
    ]
    totals_by_type: dict[str, Decimal] = defaultdict(Decimal)
    totals_by_year: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for entry in entries.values("credit_type", "earned_on", "amount"):
        totals_by_type[entry["credit_type"]] += entry["amount"]
        totals_by_year[entry["earned_on"].year][entry["credit_type"]] += entry["amount"]
    external = list(external)
    return Transcript(
        rows=rows,
        totals_by_type=dict(totals_by_type),
        totals_by_year={year: dict(types) for year, types in sorted(totals_by_year.items(), reverse=True)},
        external=external,
        external_total=sum((credit.amount for credit in external), Decimal(0)),
    )


def transcript_issuer(data: Transcript) -> str:
    """Who issues a transcript: the provider of every activity on it, or the site when they are several (or none)."""
    providers = {row.claim.activity.provider.name for row in data.rows}
    return providers.pop() if len(providers) == 1 else settings.SITE_NAME


def printable(data: Transcript, *, heading: str = "", budget: int = TRANSCRIPT_PDF_BUDGET) -> Transcript:
    """The transcript as one PDF prints it: the most recent rows that fit the budget, totals for the whole period.

    heading is the other text the PDF prints (the learner's name). The most
    recent row is printed even alone over budget: it has to be somewhere, and
    the longest text one row can hold bounds its cost.
    """
    texts = [
        (row.earned_on, row, (row.claim.activity.title, row.claim.get_credit_type_display())) for row in data.rows
    ] + [(credit.completed_on, credit, (credit.title, credit.provider, credit.credit_type)) for credit in data.external]
    texts.sort(key=lambda item: item[0], reverse=True)  # stable: same-day rows keep their order
    seen: set[str] = set()
    spent = pdf.print_cost([heading], seen=seen)
    kept = set()
    for position, (_day, item, row_texts) in enumerate(texts):
        spent += pdf.ROW_COST + pdf.print_cost(row_texts, seen=seen)
        if spent > budget and kept:
            left_out = texts[position:]
            return replace(
                data,
                rows=[row for row in data.rows if id(row) in kept],
                external=[credit for credit in data.external if id(credit) in kept],
                omitted=len(left_out),
                omitted_latest=left_out[0][0],
            )
        kept.add(id(item))
    return data


# ------------------------------------------------------------ commitment to change


def followup_for_owner(*, user, pk: int) -> FollowUp:
    """The learner's own follow-up once it has been sent; anyone else's, or one not sent, is a 404."""
    queryset = FollowUp.objects.select_related("evaluation__activity").filter(sent_at__isnull=False)
    return get_object_or_404(queryset, pk=pk, evaluation__user=user)


def followup_commitments(*, followup: FollowUp) -> list:
    """The follow-up's commitments in the learner's order, each with its outcome and barriers if answered."""
    return list(followup.evaluation.commitments.select_related("outcome").prefetch_related("outcome__barriers").all())


# The outcomes report's figures. Each function takes the activities to report on (None
# for all) and a range of evaluation dates (the day the learner committed, in the site's
# time zone, both ends included), and returns one entry per activity id, counted by the
# database with aggregates.


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _in_scope(queryset: QuerySet, *, evaluation: str, activities, start: date | None, end: date | None) -> QuerySet:
    if activities is not None:
        queryset = queryset.filter(**{f"{evaluation}__activity__in": activities})
    if start:
        queryset = queryset.filter(**{f"{evaluation}__submitted_at__date__gte": start})
    if end:
        queryset = queryset.filter(**{f"{evaluation}__submitted_at__date__lte": end})
    return queryset


@dataclass(frozen=True)
class FollowUpResponseRate:
    activity_id: int
    committed: int  # learners who committed to at least one change
    declined_at_evaluation: int  # of those, who asked for no follow-up
    sent: int  # follow-ups emailed
    responded: int  # of those, answered
    declined_after_sending: int  # of those, closed by the learner without answering

    @property
    def rate(self) -> float | None:
        """Answered follow-ups over follow-ups sent; None when none were sent."""
        return _ratio(self.responded, self.sent)


def followup_response_rates(
    *, activities: Iterable | None = None, start: date | None = None, end: date | None = None
) -> dict[int, FollowUpResponseRate]:
    """Per activity: how many learners committed, were sent the follow-up and answered it."""
    sent = Q(sent_at__isnull=False)
    rows = (
        _in_scope(FollowUp.objects.all(), evaluation="evaluation", activities=activities, start=start, end=end)
        .values(activity_id=F("evaluation__activity"))
        .annotate(
            committed=Count("pk"),
            declined_at_evaluation=Count("pk", filter=Q(declined_from=FollowUpDeclined.AT_EVALUATION)),
            sent=Count("pk", filter=sent),
            responded=Count("pk", filter=sent & Q(responded_at__isnull=False)),
            declined_after_sending=Count("pk", filter=sent & Q(declined_at__isnull=False)),
        )
        .order_by("activity_id")
    )
    return {row["activity_id"]: FollowUpResponseRate(**row) for row in rows}


@dataclass(frozen=True)
class ImplementationRates:
    activity_id: int
    answered: int  # commitments with an answer
    fully: int
    partially: int
    not_implemented: int

    @property
    def fully_rate(self) -> float | None:
        return _ratio(self.fully, self.answered)

    @property
    def partially_rate(self) -> float | None:
        return _ratio(self.partially, self.answered)

    @property
    def not_implemented_rate(self) -> float | None:
        return _ratio(self.not_implemented, self.answered)


def commitment_implementation_rates(
    *, activities: Iterable | None = None, start: date | None = None, end: date | None = None
) -> dict[int, ImplementationRates]:
    """Per activity: of the commitments answered at follow-up, how many were fully, partially or not implemented."""
    rows = (
        _in_scope(
            CommitmentOutcome.objects.all(),
            evaluation="commitment__evaluation",
            activities=activities,
            start=start,
            end=end,
        )
        .values(activity_id=F("commitment__evaluation__activity"))
        .annotate(
            answered=Count("pk"),
            fully=Count("pk", filter=Q(implementation=Implementation.FULLY)),
            partially=Count("pk", filter=Q(implementation=Implementation.PARTIALLY)),
            not_implemented=Count("pk", filter=Q(implementation=Implementation.NOT)),
        )
        .order_by("activity_id")
    )
    return {row["activity_id"]: ImplementationRates(**row) for row in rows}


OTHER_BARRIER = "other"  # the key barrier counts use for answers given in the learner's own words


def commitment_barrier_counts(
    *, activities: Iterable | None = None, start: date | None = None, end: date | None = None
) -> dict[int, dict[str, int]]:
    """Per activity: how many answered commitments named each barrier.

    Every Barrier value is a key (0 when nobody named it), in the list's order, then
    OTHER_BARRIER: the commitments whose answer described a barrier in free text.
    Only activities with at least one answered commitment appear.
    """
    scope = {"activities": activities, "start": start, "end": end}
    activity = "outcome__commitment__evaluation__activity"
    counts: dict[int, dict[str, int]] = {}

    def row_for(activity_id: int) -> dict[str, int]:
        return counts.setdefault(activity_id, {**dict.fromkeys(Barrier.values, 0), OTHER_BARRIER: 0})

    outcomes = _in_scope(CommitmentOutcome.objects.all(), evaluation="commitment__evaluation", **scope)
    for activity_id in outcomes.values_list("commitment__evaluation__activity", flat=True).order_by().distinct():
        row_for(activity_id)
    named = (
        _in_scope(OutcomeBarrier.objects.all(), evaluation="outcome__commitment__evaluation", **scope)
        .values(activity, "barrier")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in named:
        row_for(row[activity])[row["barrier"]] = row["count"]
    other = (
        outcomes.exclude(other_barrier="")
        .values("commitment__evaluation__activity")
        .annotate(count=Count("pk"))
        .order_by()
    )
    for row in other:
        row_for(row["commitment__evaluation__activity"])[OTHER_BARRIER] = row["count"]
    return dict(sorted(counts.items()))
