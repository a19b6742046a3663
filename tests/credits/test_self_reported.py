"""Self-reported credit: bounded dates and amounts, a cap on the rows one learner keeps, and a rate limit on adding."""

from datetime import date, timedelta
from decimal import Decimal
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from credits.models import ExternalCredit
from credits.selectors import EXTERNAL_CREDIT_LIMIT
from credits.services import external_credit_add

ADD_URL = reverse("credits:external_add")


def entry(**overrides) -> dict:
    return {"title": "Tumour board review", "provider": "City Hospital", "completed_on": date(2026, 3, 1),
            "credit_type": "AMA PRA Category 1 Credit™", "amount": Decimal("1.50"), **overrides}  # fmt: skip


def form_data(**overrides) -> dict:
    return {name: str(value) for name, value in entry(**overrides).items()}


def fill_to(user, count: int) -> None:
    ExternalCredit.objects.bulk_create(ExternalCredit(user=user, **entry()) for _ in range(count))


class TestBounds:
    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"completed_on": date(1949, 12, 31)}, "completed_on", "Enter a date on or after January 1, 1950."),
            ({"completed_on": date(1, 1, 1)}, "completed_on", "Enter a date on or after January 1, 1950."),
            ({"amount": Decimal("100.01")}, "amount", "Enter at most 100 credits for one activity."),
            ({"amount": Decimal("999.99")}, "amount", "Enter at most 100 credits for one activity."),
            ({"amount": Decimal("0")}, "amount", "Enter a positive amount."),
        ],
    )
    def test_out_of_range_dates_and_amounts_are_refused_with_a_clear_message(self, alice, overrides, field, message):
        with pytest.raises(ValidationError) as error:
            external_credit_add(user=alice, **entry(**overrides))
        assert error.value.message_dict[field] == [message]
        assert not ExternalCredit.objects.exists()

    def test_the_edges_are_accepted(self, alice):
        external_credit_add(user=alice, **entry(completed_on=date(1950, 1, 1), amount=Decimal("100")))
        external_credit_add(user=alice, **entry(completed_on=timezone.localdate(), amount=Decimal("0.01")))
        assert ExternalCredit.objects.count() == 2

    def test_a_date_after_today_in_the_sites_time_zone_is_refused(self, alice, settings):
        # 23:30 UTC is already tomorrow in Auckland: "today" is the site's date, not the server clock's.
        settings.TIME_ZONE = "Pacific/Auckland"
        late_evening_utc = timezone.now().replace(hour=23, minute=30)
        with mock.patch("django.utils.timezone.now", return_value=late_evening_utc):
            site_today = timezone.localdate()
            assert site_today == late_evening_utc.date() + timedelta(days=1)
            external_credit_add(user=alice, **entry(completed_on=site_today))
            with pytest.raises(ValidationError) as error:
                external_credit_add(user=alice, **entry(completed_on=site_today + timedelta(days=1)))
        assert error.value.message_dict["completed_on"] == ["The date completed cannot be in the future."]
        assert ExternalCredit.objects.count() == 1

    @pytest.mark.parametrize("overrides", [{"amount": "100.01"}, {"amount": "0"}, {"completed_on": date(1949, 12, 31)}])
    def test_the_database_refuses_constant_bounds_even_past_validation(self, alice, overrides):
        with pytest.raises(IntegrityError), transaction.atomic():
            ExternalCredit.objects.create(user=alice, **entry(**overrides))

    def test_the_form_says_what_is_wrong_and_stores_nothing(self, alice_client):
        tomorrow = timezone.localdate() + timedelta(days=1)
        response = alice_client.post(ADD_URL, form_data(completed_on=tomorrow, amount="250"))
        assert response.status_code == 400
        assert "The date completed cannot be in the future." in response.text
        assert "Enter at most 100 credits for one activity." in response.text
        assert not ExternalCredit.objects.exists()

    def test_the_date_picker_offers_nothing_before_1950_or_after_today(self, alice_client):
        html = alice_client.get(reverse("credits:transcript")).text
        assert 'min="1950-01-01"' in html and f'max="{timezone.localdate().isoformat()}"' in html


class TestTheCap:
    def test_a_learner_keeps_at_most_the_cap_and_is_told_so(self, alice):
        fill_to(alice, EXTERNAL_CREDIT_LIMIT - 1)
        external_credit_add(user=alice, **entry())
        with pytest.raises(ValidationError) as error:
            external_credit_add(user=alice, **entry())
        assert error.value.messages == [
            f"You can keep up to {EXTERNAL_CREDIT_LIMIT} self-reported entries. Remove ones you no longer need "
            "before adding more."
        ]
        assert ExternalCredit.objects.filter(user=alice).count() == EXTERNAL_CREDIT_LIMIT

    def test_the_page_states_the_cap(self, alice_client):
        html = alice_client.get(reverse("credits:transcript")).text
        assert f"You can keep up to {EXTERNAL_CREDIT_LIMIT} self-reported entries." in html

    def test_the_cap_is_per_learner(self, alice, bob):
        fill_to(alice, EXTERNAL_CREDIT_LIMIT)
        external_credit_add(user=bob, **entry())
        assert ExternalCredit.objects.filter(user=bob).count() == 1

    def test_removing_an_entry_makes_room_again(self, alice_client, alice):
        fill_to(alice, EXTERNAL_CREDIT_LIMIT)
        response = alice_client.post(ADD_URL, form_data(), follow=True)
        assert f"You can keep up to {EXTERNAL_CREDIT_LIMIT} self-reported entries." in response.text
        assert ExternalCredit.objects.filter(user=alice).count() == EXTERNAL_CREDIT_LIMIT

        alice_client.post(reverse("credits:external_delete", args=[ExternalCredit.objects.first().pk]))
        assert alice_client.post(ADD_URL, form_data()).status_code == 302
        assert ExternalCredit.objects.filter(user=alice).count() == EXTERNAL_CREDIT_LIMIT


class TestRateLimit:
    # settings.ACCOUNT_RATE_LIMITS["external_credit_add"] is "30/h/user".
    def test_the_31st_add_in_an_hour_is_refused_with_a_message_and_stores_nothing(self, alice_client, alice):
        for _ in range(30):
            assert alice_client.post(ADD_URL, form_data()).status_code == 302
        response = alice_client.post(ADD_URL, form_data(title="One too many"))
        assert response.status_code == 429
        assert "adding is paused for now" in response.text and "Nothing was saved" in response.text
        assert 'value="One too many"' in response.text  # what was typed is kept for later
        assert ExternalCredit.objects.filter(user=alice).count() == 30
        assert not ExternalCredit.objects.filter(title="One too many").exists()

    def test_the_limit_is_per_learner(self, alice_client, bob_client, bob):
        for _ in range(31):
            alice_client.post(ADD_URL, form_data())
        assert bob_client.post(ADD_URL, form_data()).status_code == 302
        assert ExternalCredit.objects.filter(user=bob).count() == 1
