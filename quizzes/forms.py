from django import forms


class AnswerForm(forms.Form):
    """One question's choices; values are opaque ids, never the key."""

    choice = forms.TypedChoiceField(
        coerce=int,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose one of the answers shown for this question."},
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choice"].choices = [(choice.pk, choice.text) for choice in item.shown_choices]
        self.fields["choice"].label = f"Question {item.position}"
        if item.selected_choice_id and not self.is_bound:
            self.initial["choice"] = item.selected_choice_id
