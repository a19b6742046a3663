from django import forms

from outcomes.selectors import Period


class PeriodForm(forms.Form):
    """The report's date range, both ends optional and inclusive, read from the query string."""

    start = forms.DateField(required=False, label="From", widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, label="To", widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError("The end date must be on or after the start date.")
        return cleaned

    def period(self) -> Period:
        """The period asked for; call after is_valid()."""
        return Period(self.cleaned_data.get("start"), self.cleaned_data.get("end"))
