import csv
from urllib.parse import urlencode

from allauth.core import ratelimit
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from credits import pdf
from credits.forms import ExternalCreditForm, FollowUpForm, TranscriptFilterForm
from credits.models import Certificate, ExternalCredit
from credits.selectors import (
    EXTERNAL_CREDIT_LIMIT,
    certificate_for_owner,
    followup_commitments,
    followup_for_owner,
    printable,
    transcript,
)
from credits.services import (
    CertificateFileMismatchError,
    certificate_pdf_bytes,
    external_credit_add,
    external_credit_delete,
    followup_decline,
    followup_respond,
)
from credits.wording import credit_line


# Certificates and transcripts carry names, NPIs and credit history: no shared
# cache or browser history may keep a copy (never_cache sends private, no-store).
@never_cache
@login_required
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_for_owner(user=request.user, number=number)
    context = {"certificate": certificate, "c": certificate.snapshot, "credit_line": credit_line(certificate.snapshot)}
    return render(request, "credits/certificate.html", context)


@never_cache
@login_required
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_for_owner(user=request.user, number=number)
    if certificate.is_revoked:
        snapshot = certificate.snapshot
        context = {"certificate": certificate, "c": snapshot, "credit_line": credit_line(snapshot)}
        return render(request, "credits/certificate.html", context, status=410)
    try:
        content = certificate_pdf_bytes(certificate=certificate)
    except CertificateFileMismatchError:
        return render(request, "credits/certificate_unavailable.html", {"certificate": certificate}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


def verify(request: HttpRequest, code: str) -> HttpResponse:
    # allauth's limiter (shared cache, locking, proxy-aware client address);
    # its public wrapper exempts GET requests, so the inner call is used.
    allowed = allauth_ratelimit.consume(request, app="allauth.account", action="verify_certificate", limit_get=True)
    if not allowed:
        return ratelimit.respond_429(request)
    certificate = (
        Certificate.objects.only("snapshot", "revoked_at", "number", "issued_at").filter(verification_code=code).first()
    )
    if certificate is None:
        # Someone checking a certificate needs to hear that this code matches none, not "page not found".
        response = render(request, "credits/verify_unknown.html", {"code": code}, status=404)
    else:
        context = {
            "certificate": certificate,
            "c": certificate.snapshot,
            "credit_line": credit_line(certificate.snapshot),
        }
        response = render(request, "credits/verify.html", context)
    response["X-Robots-Tag"] = "noindex"
    return response


def _filtered_transcript(request: HttpRequest):
    form = TranscriptFilterForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end, transcript(user=request.user, start=start, end=end)


def _transcript_page(request: HttpRequest, *, external_form=None, status: int = 200) -> HttpResponse:
    form, start, _end, data = _filtered_transcript(request)
    printed = printable(data, heading=request.user.certificate_name)
    earlier_query = ""
    if printed.omitted:
        # The filter that prints what this PDF leaves out: the same start, ending where the cut was.
        earlier = {"start": start.isoformat()} if start else {}
        earlier_query = urlencode({**earlier, "end": printed.omitted_latest.isoformat()})
    context = {
        "filter_form": form,
        "transcript": data,
        "printed": printed,
        "earlier_query": earlier_query,
        "external_form": external_form or ExternalCreditForm(),
        "external_limit": EXTERNAL_CREDIT_LIMIT,
        "query": request.GET.urlencode(),
    }
    return render(request, "credits/transcript.html", context, status=status)


@never_cache
@login_required
def transcript_page(request: HttpRequest) -> HttpResponse:
    return _transcript_page(request)


@never_cache
@login_required
def transcript_csv(request: HttpRequest) -> HttpResponse:
    _form, _start, _end, data = _filtered_transcript(request)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cme-transcript.csv"'
    response.write("\ufeff")  # a byte-order mark, so spreadsheets read ™ and accents as UTF-8
    writer = csv.writer(response)
    writer.writerow(["Date", "Activity", "Provider", "Credit type", "Credits", "Certificate", "Status", "Source"])
    for row in data.rows:
        certificate = row.certificate
        writer.writerow([
            row.earned_on.isoformat(), _csv_safe(row.claim.activity.title), _csv_safe(row.claim.activity.provider.name),
            row.claim.get_credit_type_display(), f"{row.amount:.2f}", certificate.number if certificate else "",
            "Revoked" if row.revoked else "Valid", "This provider",
        ])  # fmt: skip
    for credit in data.external:
        writer.writerow([
            credit.completed_on.isoformat(), _csv_safe(credit.title), _csv_safe(credit.provider),
            _csv_safe(credit.credit_type), f"{credit.amount:.2f}", "", "", "Self-reported",
        ])  # fmt: skip
    return response


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet.
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r", "\n") else text


@never_cache
@login_required
def transcript_pdf(request: HttpRequest) -> HttpResponse:
    # A PDF costs up to a second of a worker (printable() bounds it): a few a
    # minute per learner, through the same limiter as verify (GET included).
    if not allauth_ratelimit.consume(request, app="allauth.account", action="transcript_pdf", limit_get=True):
        return ratelimit.respond_429(request)
    _form, start, end, data = _filtered_transcript(request)
    content = pdf.render_transcript(
        user=request.user,
        transcript=printable(data, heading=request.user.certificate_name),
        generated=timezone.now(),
        start=start,
        end=end,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="cme-transcript.pdf"'
    return response


@require_POST
@login_required
def external_credit_create(request: HttpRequest) -> HttpResponse:
    form = ExternalCreditForm(request.POST)
    if not ratelimit.consume(request, action="external_credit_add"):
        messages.error(
            request,
            "You have added self-reported credit many times in the last hour, so adding is paused for now. "
            "Nothing was saved; please try again later.",
        )
        return _transcript_page(request, external_form=form, status=429)
    if form.is_valid():
        try:
            external_credit_add(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Self-reported credit added to your transcript.")
            return redirect("credits:transcript")
    return _transcript_page(request, external_form=form, status=400)


@require_POST
@login_required
def external_credit_remove(request: HttpRequest, pk: int) -> HttpResponse:
    credit = get_object_or_404(ExternalCredit, pk=pk, user=request.user)
    external_credit_delete(credit=credit)
    messages.success(request, "Self-reported credit removed.")
    return redirect("credits:transcript")


@never_cache
@login_required
def followup(request: HttpRequest, pk: int) -> HttpResponse:
    followup = followup_for_owner(user=request.user, pk=pk)
    commitments = followup_commitments(followup=followup)
    form = FollowUpForm(request.POST or None, commitments=commitments) if followup.is_open else None
    if request.method == "POST":
        if form is None:
            messages.info(request, "This follow-up is already closed; nothing was changed.")
            return redirect(followup)
        if form.is_valid():
            try:
                followup_respond(followup=followup, answers=form.answers())
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, "Thank you: your answers are recorded.")
            return redirect(followup)
    context = {"followup": followup, "activity": followup.evaluation.activity, "commitments": commitments, "form": form}
    return render(request, "credits/followup.html", context, status=400 if form is not None and form.errors else 200)


@require_POST
@login_required
def followup_stop(request: HttpRequest, pk: int) -> HttpResponse:
    followup = followup_for_owner(user=request.user, pk=pk)
    try:
        followup_decline(followup=followup)
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        messages.success(request, "Done: we will not send you any more follow-up emails.")
    return redirect(followup)
