import calendar

from allauth.account.forms import LoginForm as AllauthLoginForm
from django import forms

from accounts.models import User
from accounts.services import PROFILE_FIELDS

MONTH_CHOICES = [("", "—")] + [(number, calendar.month_name[number]) for number in range(1, 13)]
DAY_CHOICES = [("", "—")] + [(number, str(number)) for number in range(1, 32)]

# Set by the adapter when an email address is confirmed in a browser with no sign-in under way;
# the sign-in form then starts with that address filled in (read once).
CONFIRMED_EMAIL_SESSION_KEY = "accounts_confirmed_email"


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

    # The order the page shows the fields in, so the error summary lists problems in that order.
    field_order = list(PROFILE_FIELDS)

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
    # Fields the model requires only in some cases (User.clean, profile_missing_for_certificate):
    # their label says when, instead of "(optional)".
    required_when = {
        "degree_other": "required if you chose Other",
        "npi": "required for US physicians",
        "certifying_board": "required if you give a board ID",
        "license_region": "required if you give a license number",
        "birth_month": "required if you give the day",
        "birth_day": "required if you give the month",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.required_fields:
            self.fields[name].required = True
        for name, condition in self.required_when.items():
            self.fields[name].required_when = condition
        self.fields["board_id"].help_text = "Your ID with the board above, used to report MOC points."
        self.fields["certifying_board"].choices = [("", "None"), *list(self.fields["certifying_board"].choices)[1:]]

    def clean_npi(self):
        return self.cleaned_data["npi"].strip()


class LoginForm(AllauthLoginForm):
    """allauth's sign-in form, starting with the address just confirmed in this browser, if any."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.request is not None:
            email = self.request.session.pop(CONFIRMED_EMAIL_SESSION_KEY, None)
            if email:
                self.fields["login"].initial = email
