import csv
from decimal import Decimal

from allauth.core import ratelimit
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from activities.selectors import activity_for_learner
from credits import pdf
from credits.forms import ClaimForm, EvaluationForm, ExternalCreditForm, TranscriptFilterForm
from credits.models import Certificate, ExternalCredit
from credits.selectors import (
    amount_choices,
    certificate_for_owner,
    claim_blockers,
    credit_type_for,
    evaluation_blockers,
    pars_reporting_possible,
    transcript,
)
from credits.services import (
    CertificateFileMismatchError,
    attestation_prompt,
    certificate_pdf_bytes,
    credit_claim,
    evaluation_submit,
    external_credit_add,
    external_credit_delete,
    pars_consent_statement,
)


@login_required
def evaluation(request: HttpRequest, slug: str) -> HttpResponse:
    activity = activity_for_learner(user=request.user, slug=slug)
    blockers = evaluation_blockers(user=request.user, activity=activity)
    if blockers:
        messages.info(request, blockers[0])
        return redirect(activity)
    form = EvaluationForm(request.POST or None, objectives=activity.objectives.all())
    if request.method == "POST" and form.is_valid():
        try:
            evaluation_submit(
                user=request.user,
                activity=activity,
                answers=form.answers(),
                objective_ratings=form.objective_ratings(),
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(activity)
        messages.success(request, "Thank you: your evaluation is recorded.")
        return redirect("credits:claim", activity.slug)
    return render(request, "credits/evaluation.html", {"activity": activity, "form": form})


@login_required
def claim(request: HttpRequest, slug: str) -> HttpResponse:
    activity = activity_for_learner(user=request.user, slug=slug)
    user = request.user
    amounts = amount_choices(activity)
    credit_type = credit_type_for(user)
    form = ClaimForm(
        request.POST or None,
        amounts=amounts,
        attestation=attestation_prompt(credit_type=credit_type),
        pars_statement=pars_consent_statement(activity) if pars_reporting_possible(user) else "",
    )
    if request.method == "POST" and form.is_valid():
        try:
            certificate = credit_claim(
                user=user,
                activity=activity,
                amount=Decimal(form.cleaned_data["amount"]),
                attested=form.cleaned_data["attest"],
                pars_consent=form.cleaned_data.get("pars_consent", False),
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, "Your credit is claimed and your certificate is ready. We have emailed you a copy."
            )
            return redirect(certificate)
    context = {
        "activity": activity,
        "form": form,
        "blockers": claim_blockers(user=user, activity=activity),
        "credit_type": credit_type,
    }
    return render(request, "credits/claim.html", context)


@login_required
def certificate(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_for_owner(user=request.user, number=number)
    return render(request, "credits/certificate.html", {"certificate": certificate, "c": certificate.snapshot})


@login_required
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_for_owner(user=request.user, number=number)
    if certificate.is_revoked:
        context = {"certificate": certificate, "c": certificate.snapshot}
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
    certificate = get_object_or_404(Certificate.objects.only("snapshot", "revoked_at", "number", "issued_at"),
                                    verification_code=code)  # fmt: skip
    response = render(request, "credits/verify.html", {"certificate": certificate, "c": certificate.snapshot})
    response["X-Robots-Tag"] = "noindex"
    return response


def _filtered_transcript(request: HttpRequest):
    form = TranscriptFilterForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, transcript(user=request.user, start=start, end=end)


@login_required
def transcript_page(request: HttpRequest) -> HttpResponse:
    form, data = _filtered_transcript(request)
    context = {
        "filter_form": form,
        "transcript": data,
        "external_form": ExternalCreditForm(),
        "query": request.GET.urlencode(),
    }
    return render(request, "credits/transcript.html", context)


@login_required
def transcript_csv(request: HttpRequest) -> HttpResponse:
    _form, data = _filtered_transcript(request)
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


@login_required
def transcript_pdf(request: HttpRequest) -> HttpResponse:
    _form, data = _filtered_transcript(request)
    html = render_to_string(
        "credits/transcript_pdf.html", {"transcript": data, "user": request.user, "generated": timezone.now()}
    )
    content = pdf.html_to_pdf(html, identifier=f"transcript-{request.user.pk}", stylesheet="transcript.css")
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="cme-transcript.pdf"'
    return response


@require_POST
@login_required
def external_credit_create(request: HttpRequest) -> HttpResponse:
    form = ExternalCreditForm(request.POST)
    if form.is_valid():
        try:
            external_credit_add(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Self-reported credit added to your transcript.")
            return redirect("credits:transcript")
    _filter, data = _filtered_transcript(request)
    context = {"filter_form": TranscriptFilterForm(), "transcript": data, "external_form": form, "query": ""}
    return render(request, "credits/transcript.html", context, status=400)


@require_POST
@login_required
def external_credit_remove(request: HttpRequest, pk: int) -> HttpResponse:
    credit = get_object_or_404(ExternalCredit, pk=pk, user=request.user)
    external_credit_delete(credit=credit)
    messages.success(request, "Self-reported credit removed.")
    return redirect("credits:transcript")
