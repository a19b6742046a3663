import hashlib

from django import forms
from django.utils import timezone

from accounts.validators import validate_printable_text
from credits.models import (
    COMMITMENT_LIMIT,
    COMMITMENT_TEXT_LENGTH,
    EXTERNAL_EARLIEST_DATE,
    EXTERNAL_MAX_AMOUNT,
    OTHER_BARRIER_LENGTH,
    Agreement,
    Barrier,
    CommitmentStrength,
    ExternalCredit,
    Implementation,
    PracticeChange,
    Quality,
)

YES_NO = [("yes", "Yes"), ("no", "No")]


class EvaluationForm(forms.Form):
    relevance = forms.TypedChoiceField(
        label="The content is relevant to my practice.",
        choices=Agreement.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    practice_change = forms.ChoiceField(
        label="Do you intend to change your practice as a result of this activity?",
        choices=PracticeChange.choices,
        widget=forms.RadioSelect,
    )
    change_description = forms.CharField(
        label="If yes, what will you change?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    free_of_commercial_bias = forms.ChoiceField(
        label="Was the content free of commercial bias?", choices=YES_NO, widget=forms.RadioSelect
    )
    bias_comment = forms.CharField(
        label="If not, please describe the bias you saw.", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    overall_quality = forms.TypedChoiceField(
        label="Overall, how would you rate this activity?",
        choices=Quality.choices,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(label="Any other comments?", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, objectives, follow_up_days: int = 60, **kwargs):
        super().__init__(*args, **kwargs)
        self._add_commitment_fields(follow_up_days)
        self.objective_fields = []
        for objective in objectives:
            name = f"objective_{objective.pk}"
            self.fields[name] = forms.TypedChoiceField(
                label=objective.text, choices=Agreement.choices, coerce=int, widget=forms.RadioSelect
            )
            self.objective_fields.append((objective, name))
        # The page asks about the objectives first; the error summary follows the field order.
        self.order_fields([name for _, name in self.objective_fields])
        # Required only with a given answer (see clean): the label says when, not "(optional)".
        self.fields["change_description"].required_when = "required if you answered Yes"
        self.fields["bias_comment"].required_when = "required if you answered No"

    def _add_commitment_fields(self, follow_up_days: int) -> None:
        """Up to three practice changes, each with its strength of commitment; a blank row is ignored."""
        self.commitment_rows = []
        for position in range(1, COMMITMENT_LIMIT + 1):
            text, strength = f"commitment_{position}_text", f"commitment_{position}_strength"
            self.fields[text] = forms.CharField(
                label=f"Change {position}",
                required=False,
                max_length=COMMITMENT_TEXT_LENGTH,
                validators=[validate_printable_text],
            )
            self.fields[strength] = forms.TypedChoiceField(
                label=f"How committed are you to change {position}?",
                choices=[
                    ("", "Choose 1–5"),
                    *((value, f"{value} – {label}") for value, label in CommitmentStrength.choices),
                ],
                coerce=int,
                empty_value=None,
                required=False,
            )
            self.fields[strength].required_when = f"required if you describe change {position}"
            self.commitment_rows.append((position, text, strength))
        self.fields["follow_up"] = forms.BooleanField(
            label=f"Email me in {follow_up_days} days to ask how these changes went.",
            required=False,
            initial=True,
            help_text="Only if you list a change above: one short survey and, if you have not answered it, one "
            "reminder a week later. You can stop them from the survey page.",
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("practice_change") == PracticeChange.YES and not cleaned.get("change_description", "").strip():
            self.add_error("change_description", "Tell us what you intend to change.")
        if cleaned.get("free_of_commercial_bias") == "no" and not cleaned.get("bias_comment", "").strip():
            self.add_error("bias_comment", "Please describe the commercial bias you noticed.")
        for _position, text, strength in self.commitment_rows:
            if text not in cleaned or strength not in cleaned:
                continue  # the field's own error is already shown
            has_text, has_strength = bool(cleaned[text].strip()), cleaned[strength] is not None
            if has_text and not has_strength:
                self.add_error(strength, "Choose how committed you are to this change.")
            elif has_strength and not has_text:
                self.add_error(text, "Describe the change, or set its commitment back to “Choose 1–5”.")
        return cleaned

    def commitments(self) -> list[tuple[str, int]]:
        """The changes the learner filled in, in page order: (text, strength)."""
        data = self.cleaned_data
        return [
            (data[text].strip(), data[strength])
            for _position, text, strength in self.commitment_rows
            if data[text].strip()
        ]

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "relevance": data["relevance"],
            "practice_change": data["practice_change"],
            "change_description": data["change_description"].strip(),
            "free_of_commercial_bias": data["free_of_commercial_bias"] == "yes",
            "bias_comment": data["bias_comment"].strip(),
            "overall_quality": data["overall_quality"],
            "comments": data["comments"].strip(),
        }

    def objective_ratings(self) -> dict[int, int]:
        return {objective.pk: self.cleaned_data[name] for objective, name in self.objective_fields}


class FollowUpForm(forms.Form):
    """The follow-up survey: for each commitment, how far it was implemented and what got in the way."""

    def __init__(self, *args, commitments, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for commitment in commitments:
            prefix, position = f"commitment_{commitment.pk}", commitment.position
            self.fields[f"{prefix}_implementation"] = forms.ChoiceField(
                label=f"Did you make change {position}?",
                choices=Implementation.choices,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how far you made this change."},
            )
            self.fields[f"{prefix}_barriers"] = forms.MultipleChoiceField(
                label=f"What got in the way of change {position}?",
                choices=Barrier.choices,
                widget=forms.CheckboxSelectMultiple,
                required=False,
                help_text="Optional: tick any that apply.",
            )
            self.fields[f"{prefix}_other"] = forms.CharField(
                label=f"Anything else that got in the way of change {position}?",
                required=False,
                max_length=OTHER_BARRIER_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.rows.append(
                (commitment, *(self[f"{prefix}_{name}"] for name in ("implementation", "barriers", "other")))
            )

    def answers(self) -> dict[int, dict]:
        """Each commitment's answer, keyed by its id, as followup_respond takes them."""
        data = self.cleaned_data
        return {
            commitment.pk: {
                "implementation": data[f"commitment_{commitment.pk}_implementation"],
                "barriers": data[f"commitment_{commitment.pk}_barriers"],
                "other_barrier": data[f"commitment_{commitment.pk}_other"].strip(),
            }
            for commitment, *_fields in self.rows
        }


class ClaimForm(forms.Form):
    amount = forms.TypedChoiceField(label="Credit to claim", coerce=str)
    attest = forms.BooleanField(required=True, error_messages={"required": "Confirm the attestation to claim credit."})
    pars_consent = forms.BooleanField(required=False)

    def __init__(self, *args, amounts, attestation, pars_statement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["amount"].choices = [(f"{amount:.2f}", f"{amount:.2f}") for amount in amounts]
        self.fields["amount"].initial = f"{amounts[-1]:.2f}" if amounts else None
        self.fields[
            "amount"
        ].help_text = "Claim only the time you actually spent on the activity, in steps of 0.25, up to the maximum."
        self.fields["attest"].label = attestation
        if pars_statement:
            self.fields["pars_consent"].label = pars_statement
            self.fields["pars_consent"].help_text = "Optional. We report only if you tick this box."
        else:
            del self.fields["pars_consent"]


class ExternalCreditForm(forms.ModelForm):
    class Meta:
        model = ExternalCredit
        fields = ["title", "provider", "completed_on", "credit_type", "amount"]
        widgets = {
            "completed_on": forms.DateInput(attrs={"type": "date", "min": EXTERNAL_EARLIEST_DATE.isoformat()}),
            "amount": forms.NumberInput(attrs={"min": "0.01", "max": str(EXTERNAL_MAX_AMOUNT), "step": "0.01"}),
        }
        labels = {"title": "Activity title", "completed_on": "Date completed", "amount": "Credits"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The date picker offers nothing after today; the model refuses it either way.
        self.fields["completed_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class TranscriptFilterForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["start"] > cleaned["end"]:
            raise forms.ValidationError("The start date must be on or before the end date.")
        return cleaned


# A certificate PDF is tens of kilobytes; anything far larger is not one, and is not read.
UPLOADED_CERTIFICATE_LIMIT = 5 * 1024 * 1024


class CertificateFileForm(forms.Form):
    """A PDF someone was given, to compare with the file issued for a certificate."""

    certificate_file = forms.FileField(
        label="Certificate PDF",
        help_text="Choose the PDF file you were given. It is compared with the file we issued and not kept.",
    )

    def clean_certificate_file(self):
        upload = self.cleaned_data["certificate_file"]
        if upload.size > UPLOADED_CERTIFICATE_LIMIT:
            raise forms.ValidationError(
                f"This file is {upload.size / 1024 / 1024:.1f} MB; a certificate PDF is far smaller. "
                "Choose the certificate's PDF file."
            )
        return upload

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for chunk in self.cleaned_data["certificate_file"].chunks():
            digest.update(chunk)
        return digest.hexdigest()
