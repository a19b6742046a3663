from django import forms


class AttemptPageForm(forms.Form):
    """The questions on one page of an attempt, each posted as its place in this attempt's shuffled order.

    Database ids follow the authored order, so they would hint at the key; the
    place in the shown order does not. Every question may be left blank while
    saving; submitting the attempt is what requires every answer.
    """

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            field = forms.TypedChoiceField(
                label=f"Question {item.position}",
                coerce=int,
                empty_value=None,
                widget=forms.RadioSelect,
                required=False,
                choices=[(place, choice.text) for place, choice in enumerate(item.shown_choices, 1)],
                error_messages={"invalid_choice": "Choose one of the answers shown for this question."},
            )
            self.fields[self.field_name(item)] = field
            if item.selected_choice_id and not self.is_bound:
                self.initial[self.field_name(item)] = item.choice_order.index(item.selected_choice_id) + 1

    @staticmethod
    def field_name(item) -> str:
        return f"q{item.position}"

    def rows(self):
        """(item, bound field) in page order, for the template."""
        return [(item, self[self.field_name(item)]) for item in self.items]

    def answers(self) -> dict[int, int]:
        """{position: VersionChoice id} for every question answered on this page."""
        chosen = {}
        for item in self.items:
            place = self.cleaned_data.get(self.field_name(item))
            if place is not None:
                chosen[item.position] = item.choice_order[place - 1]
        return chosen
