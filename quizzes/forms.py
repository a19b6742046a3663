from django import forms


class AnswerForm(forms.Form):
    """One question's choices, posted as their place in this attempt's shuffled order.

    Database ids follow the authored order, so they would hint at the key;
    the place in the shown order does not.
    """

    choice = forms.TypedChoiceField(
        coerce=int,
        empty_value=None,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Choose one of the answers shown for this question."},
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["choice"].choices = [(place, choice.text) for place, choice in enumerate(item.shown_choices, 1)]
        self.fields["choice"].label = f"Question {item.position}"
        if item.selected_choice_id and not self.is_bound:
            self.initial["choice"] = item.choice_order.index(item.selected_choice_id) + 1

    def selected_choice_id(self) -> int | None:
        place = self.cleaned_data["choice"]
        return None if place is None else self.item.choice_order[place - 1]
