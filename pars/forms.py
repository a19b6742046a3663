from django import forms
from django.utils import timezone

from pars.models import FileFormat


class LearnerExportForm(forms.Form):
    start = forms.DateField(
        required=False, label="Completed from", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional; inclusive.",
    )  # fmt: skip
    end = forms.DateField(
        required=False, label="Completed to", widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional; inclusive.",
    )  # fmt: skip
    file_format = forms.ChoiceField(
        label="File", choices=FileFormat.choices, initial=FileFormat.XLSX, widget=forms.RadioSelect
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        for name, day in (("start", start), ("end", end)):
            if day and not 2000 <= day.year <= 2100:
                self.add_error(name, "Give a date between 2000 and 2100.")
                return cleaned
        if start and end and end < start:
            raise forms.ValidationError("The end date must be on or after the start date.")
        return cleaned


class ActivityExportForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year)
    file_format = forms.ChoiceField(
        label="File", choices=FileFormat.choices, initial=FileFormat.XLSX, widget=forms.RadioSelect
    )
