import csv
from urllib.parse import urlencode

from allauth.core import ratelimit
from allauth.core.internal import ratelimit as allauth_ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from credits import badges, pdf
from credits.forms import (
    UPLOADED_CERTIFICATE_LIMIT,
    CertificateFileForm,
    ExternalCreditForm,
    FollowUpForm,
    TranscriptFilterForm,
)
from credits.models import ExternalCredit
from credits.selectors import (
    EXTERNAL_CREDIT_LIMIT,
    certificate_for_owner,
    certificate_for_verification,
    followup_commitments,
    followup_for_owner,
    issued_file_matches,
    printable,
    status_list_json,
    transcript,
    transcript_issuer,
)
from credits.services import (
    CertificateFileMismatchError,
    certificate_credential,
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
    return _certificate_page(request, certificate_for_owner(user=request.user, number=number))


def _certificate_page(request: HttpRequest, certificate, *, status: int = 200) -> HttpResponse:
    # A download of a revoked certificate answers with its page (410): it says why there is no file.
    context = {"certificate": certificate, "c": certificate.snapshot, "credit_line": credit_line(certificate.snapshot)}
    return render(request, "credits/certificate.html", context, status=status)


@never_cache
@login_required
def certificate_pdf(request: HttpRequest, number: str) -> HttpResponse:
    certificate = certificate_for_owner(user=request.user, number=number)
    if certificate.is_revoked:
        return _certificate_page(request, certificate, status=410)
    try:
        content = certificate_pdf_bytes(certificate=certificate)
    except CertificateFileMismatchError:
        return render(request, "credits/certificate_unavailable.html", {"certificate": certificate}, status=503)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}.pdf"'
    return response


@never_cache
@login_required
def certificate_credential_download(request: HttpRequest, number: str) -> HttpResponse:
    """The learner's Open Badges 3.0 credential, as a file for a wallet or a badge backpack."""
    certificate = certificate_for_owner(user=request.user, number=number)
    if certificate.is_revoked:
        return _certificate_page(request, certificate, status=410)
    response = HttpResponse(certificate_credential(certificate=certificate), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="{certificate.number}-open-badge.json"'
    return response


# A credential is JSON-LD: plain JSON unless the client asks for a VC or JSON-LD media type by name
# (application/vc is VC 2.0's; application/vc+ld+json the name older verifiers ask for).
CREDENTIAL_MEDIA_TYPES = ["application/json", "application/vc", "application/ld+json", "application/vc+ld+json"]


def _credential_type(request: HttpRequest) -> str | None:
    """The credential media type the client prefers to HTML, if any; parameters (a JSON-LD profile) aside."""
    offered = ["text/html", *CREDENTIAL_MEDIA_TYPES]
    preferred = request.get_preferred_type(offered)
    if preferred is None:
        # Django matches a type with parameters only to the same parameters: try the bare types.
        bare = [media.main_type + "/" + media.sub_type for media in request.accepted_types]
        preferred = next((media_type for media_type in bare if media_type in offered), None)
    return preferred if preferred in CREDENTIAL_MEDIA_TYPES else None


def _open_to_verifiers(response: HttpResponse, *, cache_seconds: int | None = None) -> HttpResponse:
    # Verifiers run in browsers too (a wallet, a verifier page on another site): anyone may read
    # the answer, a refusal included, so that such a verifier can tell "not found" from a network error.
    response["Access-Control-Allow-Origin"] = "*"
    if cache_seconds is not None:
        response["Cache-Control"] = f"public, max-age={cache_seconds}"
    patch_vary_headers(response, ["Accept"])
    return response


def _credential_response(request: HttpRequest, text: str, *, cache_seconds: int | None = None) -> HttpResponse:
    media_type = _credential_type(request) or CREDENTIAL_MEDIA_TYPES[0]
    return _open_to_verifiers(
        HttpResponse(text, content_type=f"{media_type}; charset=utf-8"), cache_seconds=cache_seconds
    )


def _verification_allowed(request: HttpRequest) -> bool:
    # allauth's limiter (shared cache, locking, proxy-aware client address);
    # its public wrapper exempts GET requests, so the inner call is used.
    return allauth_ratelimit.consume(request, app="allauth.account", action="verify_certificate", limit_get=True)


@csrf_exempt  # checked below by csrf_protect, once the upload's size and the client's rate are known
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest, code: str) -> HttpResponse:
    """The public verification page; it checks an uploaded PDF against the file issued, and a client that asks for
    JSON (Accept) gets the certificate's credential."""
    wants_credential = request.method != "POST" and _credential_type(request) is not None
    # Nothing has read the request body yet (CSRF middleware would, to find the token): a client over
    # its rate, or an upload far larger than any certificate, is turned away before it is read.
    if not _verification_allowed(request):
        response = ratelimit.respond_429(request)
        return _open_to_verifiers(response) if wants_credential else response
    certificate = certificate_for_verification(code=code)
    if wants_credential:
        response = _verified_credential(request, certificate)
    elif certificate is None:
        # Someone checking a certificate needs to hear that this code matches none, not "page not found".
        response = render(request, "credits/verify_unknown.html", {"code": code}, status=404)
    elif request.method == "POST" and _declared_length(request) > UPLOADED_REQUEST_LIMIT:
        response = _verification_page(request, certificate, upload_error=UPLOAD_TOO_LARGE, status=413)
    else:
        response = csrf_protect(_verification_page)(request, certificate)
    patch_vary_headers(response, ["Accept"])
    response["X-Robots-Tag"] = "noindex"
    return response


# Room for the multipart wrapping around the largest file the form accepts.
UPLOADED_REQUEST_LIMIT = UPLOADED_CERTIFICATE_LIMIT + 64 * 1024
UPLOAD_TOO_LARGE = (
    f"This file is larger than {UPLOADED_CERTIFICATE_LIMIT // 1024 // 1024} MB; a certificate PDF is far smaller. "
    "Choose the certificate's PDF file."
)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return UPLOADED_REQUEST_LIMIT + 1


def _verification_page(request: HttpRequest, certificate, *, upload_error: str = "", status: int = 200) -> HttpResponse:
    file_check = None
    file_form = CertificateFileForm()
    if request.method == "POST" and not upload_error:
        file_form = CertificateFileForm(request.POST, request.FILES)
        if file_form.is_valid():
            digest = file_form.sha256()
            file_check = {"sha256": digest, "matches": issued_file_matches(certificate=certificate, sha256=digest)}
            file_form = CertificateFileForm()
        else:
            status = 400
    context = {
        "certificate": certificate,
        "c": certificate.snapshot,
        "credit_line": credit_line(certificate.snapshot),
        "linkedin_url": None if certificate.is_revoked else badges.linkedin_add_to_profile_url(certificate),
        "file_form": file_form,
        "file_check": file_check,
        "upload_error": upload_error,
    }
    return render(request, "credits/verify.html", context, status=status)


@require_safe
def verify_credential(request: HttpRequest, code: str) -> HttpResponse:
    """The certificate's Open Badges credential, for anyone holding its verification link."""
    if not _verification_allowed(request):
        return _open_to_verifiers(ratelimit.respond_429(request))
    response = _verified_credential(request, certificate_for_verification(code=code))
    response["X-Robots-Tag"] = "noindex"
    return response


def _verified_credential(request: HttpRequest, certificate) -> HttpResponse:
    if certificate is None:
        return _open_to_verifiers(JsonResponse({"error": "No certificate has this verification code."}, status=404))
    if certificate.is_revoked and not certificate.credential_json:
        # Revoked before its credential was ever issued: none is made now.
        message = {"error": "This certificate was revoked and has no credential.", "revoked": True}
        return _open_to_verifiers(JsonResponse(message, status=410))
    # A revoked certificate's credential is still served: its status list entry says it is revoked.
    return _credential_response(request, certificate_credential(certificate=certificate))


@require_safe
def status_list(request: HttpRequest, number: int) -> HttpResponse:
    """A signed revocation status list (Bitstring Status List), for verifiers checking a credential."""
    text = status_list_json(number=number)
    if text is None:
        return _open_to_verifiers(JsonResponse({"error": "There is no status list with this number."}, status=404))
    # Verifiers may keep it a minute: a revocation reaches them within that.
    return _credential_response(request, text, cache_seconds=60)


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
        issuer=transcript_issuer(data),
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
