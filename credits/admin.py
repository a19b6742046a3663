from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from cme.admin_base import ReadOnlyAdmin, ReadOnlyInline
from credits.models import (
    Certificate,
    Commitment,
    CommitmentOutcome,
    CreditClaim,
    CreditEntry,
    Evaluation,
    ExternalCredit,
    FollowUp,
    ObjectiveRating,
)
from credits.services import certificate_revoke


class RevokeForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Recorded with the revocation.")


@admin.register(Certificate)
class CertificateAdmin(ReadOnlyAdmin):
    list_display = ["number", "learner", "activity", "amount", "issued_at", "status"]
    list_filter = ["claim__activity", "claim__credit_type"]
    search_fields = ["number", "claim__user__email", "claim__user__last_name"]
    list_select_related = ["claim__user", "claim__activity"]
    readonly_fields = ["number", "claim", "issued_at", "pdf_sha256", "revoked_at", "revoked_reason", "revoked_by",
                       "status_list", "status_index", "snapshot", "credential_json", "links"]  # fmt: skip
    fields = readonly_fields

    @admin.display(description="Learner")
    def learner(self, certificate):
        return certificate.claim.user

    @admin.display(description="Activity")
    def activity(self, certificate):
        return certificate.claim.activity

    @admin.display(description="Credits")
    def amount(self, certificate):
        return certificate.claim.amount

    @admin.display(description="Status")
    def status(self, certificate):
        return "Revoked" if certificate.is_revoked else "Valid"

    @admin.display(description="Links")
    def links(self, certificate):
        revoke = reverse("admin:credits_certificate_revoke", args=[certificate.pk])
        return format_html(
            '<a href="{}">Public verification page</a> · <a href="{}">Open Badge credential</a>{}',
            certificate.verification_path,
            reverse("credits:verify_credential", args=[certificate.verification_code]),
            "" if certificate.is_revoked else format_html(' · <a href="{}">Revoke…</a>', revoke),
        )

    def has_change_permission(self, request, obj=None):
        # Viewing only; the one change staff may make is a revocation, through its own form.
        return False

    def get_urls(self):
        view = self.admin_site.admin_view(self.revoke_view)
        return [path("<int:pk>/revoke/", view, name="credits_certificate_revoke"), *super().get_urls()]

    def revoke_view(self, request, pk):
        if not request.user.has_perm("credits.change_certificate"):
            raise PermissionDenied
        certificate = get_object_or_404(Certificate.objects.select_related("claim__user"), pk=pk)
        form = RevokeForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                certificate_revoke(certificate=certificate, reason=form.cleaned_data["reason"], by=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Certificate {certificate.number} is revoked; its credit is reversed.")
            return redirect("admin:credits_certificate_change", certificate.pk)
        context = {**self.admin_site.each_context(request), "title": f"Revoke certificate {certificate.number}",
                   "certificate": certificate, "form": form, "opts": self.model._meta}  # fmt: skip
        return TemplateResponse(request, "admin/credits/certificate/revoke.html", context)


@admin.register(CreditClaim)
class CreditClaimAdmin(ReadOnlyAdmin):
    list_display = ["user", "activity", "credit_type", "amount", "pars_consent", "claimed_at"]
    list_filter = ["activity", "credit_type", "pars_consent"]
    search_fields = ["user__email", "user__last_name"]
    list_select_related = ["user", "activity"]


@admin.register(CreditEntry)
class CreditEntryAdmin(ReadOnlyAdmin):
    list_display = ["user", "kind", "credit_type", "amount", "earned_on", "claim"]
    list_filter = ["kind", "credit_type"]
    search_fields = ["user__email"]
    list_select_related = ["user", "claim__activity", "claim__user"]


class ObjectiveRatingInline(ReadOnlyInline):
    model = ObjectiveRating
    fields = ["objective", "rating"]


class CommitmentInline(ReadOnlyInline):
    model = Commitment
    fields = ["position", "text", "strength"]


@admin.register(Evaluation)
class EvaluationAdmin(ReadOnlyAdmin):
    list_display = ["user", "activity", "overall_quality", "relevance", "practice_change", "free_of_commercial_bias"]
    list_filter = ["activity", "practice_change", "free_of_commercial_bias"]
    inlines = [ObjectiveRatingInline, CommitmentInline]


@admin.register(ExternalCredit)
class ExternalCreditAdmin(ReadOnlyAdmin):
    list_display = ["user", "title", "provider", "completed_on", "amount"]
    search_fields = ["user__email", "title", "provider"]


# Commitment to change: what learners committed to, the follow-up about it and their answers. Staff look;
# nothing here is edited, by staff or anyone.


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
    list_display = ["text", "strength", "learner", "activity", "position"]
    list_filter = ["evaluation__activity", "strength"]
    search_fields = ["text", "evaluation__user__email"]
    list_select_related = ["evaluation__user", "evaluation__activity"]
    readonly_fields = ["evaluation", "position", "text", "strength"]
    fields = readonly_fields

    @admin.display(description="Learner")
    def learner(self, commitment):
        return commitment.evaluation.user

    @admin.display(description="Activity")
    def activity(self, commitment):
        return commitment.evaluation.activity


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["learner", "activity", "due_at", "sent_at", "reminder_sent_at", "responded_at", "declined_at"]
    list_filter = ["evaluation__activity", "declined_from"]
    search_fields = ["evaluation__user__email"]
    list_select_related = ["evaluation__user", "evaluation__activity"]
    readonly_fields = ["evaluation", "due_at", "sent_at", "reminder_sent_at", "responded_at", "declined_at",
                       "declined_from", "created_at"]  # fmt: skip
    fields = readonly_fields

    @admin.display(description="Learner")
    def learner(self, followup):
        return followup.evaluation.user

    @admin.display(description="Activity")
    def activity(self, followup):
        return followup.evaluation.activity


@admin.register(CommitmentOutcome)
class CommitmentOutcomeAdmin(ReadOnlyAdmin):
    list_display = ["commitment", "implementation", "barrier_list", "activity"]
    list_filter = ["commitment__evaluation__activity", "implementation", "barriers__barrier"]
    search_fields = ["commitment__text", "commitment__evaluation__user__email"]
    list_select_related = ["commitment__evaluation__activity"]
    readonly_fields = ["commitment", "implementation", "barrier_list", "other_barrier"]
    fields = readonly_fields

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("barriers")

    @admin.display(description="Barriers")
    def barrier_list(self, outcome):
        return ", ".join(outcome.barrier_labels) or "—"

    @admin.display(description="Activity")
    def activity(self, outcome):
        return outcome.commitment.evaluation.activity
