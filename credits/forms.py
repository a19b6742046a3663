from django import forms
from django.utils import timezone

from credits.models import (
    EXTERNAL_EARLIEST_DATE,
    EXTERNAL_MAX_AMOUNT,
    Agreement,
    ExternalCredit,
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

    def __init__(self, *args, objectives, **kwargs):
        super().__init__(*args, **kwargs)
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

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("practice_change") == PracticeChange.YES and not cleaned.get("change_description", "").strip():
            self.add_error("change_description", "Tell us what you intend to change.")
        if cleaned.get("free_of_commercial_bias") == "no" and not cleaned.get("bias_comment", "").strip():
            self.add_error("bias_comment", "Please describe the commercial bias you noticed.")
        return cleaned

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
