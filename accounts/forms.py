import calendar

from django import forms

from accounts.models import User
from accounts.services import PROFILE_FIELDS

MONTH_CHOICES = [("", "—")] + [(number, calendar.month_name[number]) for number in range(1, 13)]
DAY_CHOICES = [("", "—")] + [(number, str(number)) for number in range(1, 32)]


class ProfileForm(forms.ModelForm):
    """The learner's certificate and reporting details."""

    birth_month = forms.TypedChoiceField(
        choices=MONTH_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        label="Month",
        widget=forms.Select(attrs={"autocomplete": "bday-month"}),
    )
    birth_day = forms.TypedChoiceField(choices=DAY_CHOICES, coerce=int, empty_value=None, required=False, label="Day")

    class Meta:
        model = User
        fields = list(PROFILE_FIELDS)
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "last_name": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "npi": forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": 10}),
            "country": forms.Select(attrs={"autocomplete": "country"}),
        }

    required_fields = ("first_name", "last_name", "degree", "profession", "country")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_fields:
            self.fields[name].required = True
        self.fields["degree_other"].help_text = "Only if you chose Other above."
        self.fields["board_id"].help_text = "Your ID with the board above, used to report MOC points."
        self.fields["certifying_board"].choices = [("", "None"), *list(self.fields["certifying_board"].choices)[1:]]

    def clean_npi(self):
        return self.cleaned_data["npi"].strip()
