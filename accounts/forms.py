import calendar

from django import forms

from accounts.models import Degree, User
from accounts.regions import us_jurisdiction_code
from accounts.services import PROFILE_FIELDS

MONTH_CHOICES = [("", "—")] + [(number, calendar.month_name[number]) for number in range(1, 13)]
DAY_CHOICES = [("", "—")] + [(number, str(number)) for number in range(1, 32)]


class ProfileForm(forms.ModelForm):
    """The learner's certificate and reporting details."""

    birth_month = forms.TypedChoiceField(
        choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False, label="Month"
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

    def clean(self):
        cleaned = super().clean()
        month, day = cleaned.get("birth_month"), cleaned.get("birth_day")
        if (month is None) != (day is None):
            self.add_error("birth_day", "Give both the month and the day of your birth, or neither.")
        elif month is not None and day > calendar.monthrange(2000, month)[1]:
            # 2000 is a leap year, so 29 February stays valid.
            self.add_error("birth_day", f"{calendar.month_name[month]} has no day {day}.")

        if cleaned.get("degree") == Degree.OTHER and not cleaned.get("degree_other", "").strip():
            self.add_error("degree_other", "Name your degree or credential.")
        elif cleaned.get("degree") != Degree.OTHER:
            cleaned["degree_other"] = ""

        if cleaned.get("board_id") and not cleaned.get("certifying_board"):
            self.add_error("certifying_board", "Choose the board that issued this board ID.")

        region = cleaned.get("license_region", "").strip()
        if region and cleaned.get("country") == "US":
            code = us_jurisdiction_code(region)
            if code is None:
                self.add_error("license_region", "Enter a US state or territory, for example NY or New York.")
            else:
                cleaned["license_region"] = code
        if cleaned.get("license_number") and not region:
            self.add_error("license_region", "Give the state or province that issued your licence.")
        return cleaned
