"""One transcript PDF stays cheap: the most recent rows up to a budget, a note on what was left out, a rate limit."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from credits import pdf
from credits.models import ExternalCredit
from credits.selectors import TRANSCRIPT_PDF_BUDGET, printable, transcript

PDF_URL = reverse("credits:transcript_pdf")
LONGEST = {"title": "T" * 199 + ".", "provider": "P" * 199 + ".", "credit_type": "C" * 99 + "."}
LONGEST_ROW = pdf.ROW_COST + sum(map(len, LONGEST.values()))
FIRST_DAY = date(2026, 1, 1)


def add_longest_rows(user, count: int) -> None:
    """count full-length self-reported rows, one a day from FIRST_DAY on, so the last is the most recent."""
    ExternalCredit.objects.bulk_create(
        ExternalCredit(user=user, completed_on=FIRST_DAY + timedelta(days=number), amount=Decimal("1.00"),
                       **{**LONGEST, "title": f"Entry{number:03d} " + LONGEST["title"][9:]})
        for number in range(count)
    )  # fmt: skip


def entries_in(text: str) -> list[int]:
    return sorted(number for number in range(300) if f"Entry{number:03d}" in text)


def pdf_text(content: bytes) -> str:
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages).split())


class TestWhatOnePdfPrints:
    def test_a_transcript_within_the_budget_prints_whole(self, alice):
        add_longest_rows(alice, 3)
        printed = printable(transcript(user=alice), heading=alice.certificate_name)
        assert (printed.printed_count, printed.omitted, printed.omitted_latest) == (3, 0, None)

    def test_past_the_budget_it_keeps_the_most_recent_rows_and_counts_the_rest(self, alice):
        fits = (TRANSCRIPT_PDF_BUDGET - len(alice.certificate_name)) // LONGEST_ROW
        add_longest_rows(alice, fits + 5)
        printed = printable(transcript(user=alice), heading=alice.certificate_name)

        assert (printed.printed_count, printed.omitted, printed.entry_count) == (fits, 5, fits + 5)
        assert [credit.completed_on for credit in printed.external] == [
            FIRST_DAY + timedelta(days=number) for number in range(fits + 4, 4, -1)
        ]
        assert printed.omitted_latest == FIRST_DAY + timedelta(days=4)
        assert printed.external_total == Decimal(fits + 5)  # totals still cover the whole period

    def test_earned_and_self_reported_rows_compete_by_date(self, alice):
        rows = printable(transcript(user=alice), budget=0)
        assert rows.printed_count == 0  # nothing to print
        ExternalCredit.objects.create(user=alice, completed_on=date(2026, 5, 2), amount=1, **LONGEST)
        ExternalCredit.objects.create(user=alice, completed_on=date(2026, 5, 1), amount=1, **LONGEST)
        printed = printable(transcript(user=alice), budget=LONGEST_ROW)
        assert [credit.completed_on for credit in printed.external] == [date(2026, 5, 2)]
        assert (printed.omitted, printed.omitted_latest) == (1, date(2026, 5, 1))

    def test_the_most_recent_row_prints_even_if_it_alone_is_over_budget(self, alice):
        add_longest_rows(alice, 2)
        printed = printable(transcript(user=alice), budget=1)
        assert (printed.printed_count, printed.omitted) == (1, 1)

    def test_text_the_embedded_font_lacks_costs_more(self):
        # Set in fallback fonts that have to be subset into the PDF as well.
        assert pdf.print_cost(["Lukasz"], seen=set()) == len("Lukasz")
        seen = set()
        first = pdf.print_cost(["Łukasz"], seen=seen)
        assert first == len("Łukasz") + pdf.UNCOVERED_CHARACTER_COST + pdf.NEW_GLYPH_COST + pdf.FALLBACK_FONT_COST
        assert pdf.print_cost(["Łukasz"], seen=seen) == len("Łukasz") + pdf.UNCOVERED_CHARACTER_COST
        assert pdf.print_cost(["José Ñúñez, MD™"], seen=set()) == len("José Ñúñez, MD™")

    def test_a_name_in_a_fallback_font_leaves_less_for_rows(self, alice):
        add_longest_rows(alice, 30)
        plain = printable(transcript(user=alice), heading="Alice Anand, MD")
        polish = printable(transcript(user=alice), heading="Alicja Łukasiewicz, MD")
        assert polish.printed_count < plain.printed_count


class TestThePdfAndThePageSaySo:
    def test_the_pdf_names_how_many_were_left_out_and_how_to_print_them(self, alice_client, alice):
        fits = (TRANSCRIPT_PDF_BUDGET - len(alice.certificate_name)) // LONGEST_ROW
        add_longest_rows(alice, fits + 5)
        text = pdf_text(alice_client.get(PDF_URL).content)
        assert f"This PDF lists the {fits} most recent of {fits + 5} entries." in text
        assert "The 5 earlier entries, dated 2026-01-05 or before, are left out; the totals include them." in text
        assert "set the date filter’s “To” date to 2026-01-05, and download the PDF again." in text
        assert entries_in(text) == list(range(5, fits + 5))  # the rows themselves

    def test_the_note_follows_the_date_filter(self, alice_client, alice):
        fits = (TRANSCRIPT_PDF_BUDGET - len(alice.certificate_name)) // LONGEST_ROW
        add_longest_rows(alice, fits + 5)
        text = pdf_text(alice_client.get(PDF_URL, {"start": "2026-01-03"}).content)
        assert f"This PDF lists the {fits} most recent of {fits + 3} entries in this period." in text
        assert "Period: from 2026-01-03" in text

    def test_the_page_warns_before_download_and_links_the_earlier_range(self, alice_client, alice):
        fits = (TRANSCRIPT_PDF_BUDGET - len(alice.certificate_name)) // LONGEST_ROW
        add_longest_rows(alice, fits + 5)
        html = alice_client.get(reverse("credits:transcript"), {"start": "2026-01-02"}).text
        assert f"The PDF lists the {fits} most recent of these {fits + 4} entries." in html
        assert "The 4 earlier entries, dated Jan 5, 2026 or before, are left out of it" in html
        assert 'href="/transcript/?start=2026-01-02&amp;end=2026-01-05"' in html

        earlier = alice_client.get(PDF_URL, {"start": "2026-01-02", "end": "2026-01-05"}).content
        assert "This PDF lists" not in pdf_text(earlier)
        assert entries_in(pdf_text(earlier)) == [1, 2, 3, 4]

    def test_nothing_is_said_when_everything_fits(self, alice_client, alice):
        add_longest_rows(alice, 2)
        assert "The PDF lists" not in alice_client.get(reverse("credits:transcript")).text
        assert "This PDF lists" not in pdf_text(alice_client.get(PDF_URL).content)


class TestRateLimit:
    # settings.ACCOUNT_RATE_LIMITS["transcript_pdf"] is "6/m/user"; downloads are GETs.
    def test_the_seventh_pdf_in_a_minute_is_refused(self, alice_client):
        statuses = [alice_client.get(PDF_URL).status_code for _ in range(7)]
        assert statuses == [200] * 6 + [429]
        assert "Too many attempts" in alice_client.get(PDF_URL).text

    def test_the_limit_is_per_learner(self, alice_client, bob_client):
        for _ in range(7):
            alice_client.get(PDF_URL)
        assert bob_client.get(PDF_URL).status_code == 200

    @pytest.mark.parametrize("name", ["credits:transcript", "credits:transcript_csv"])
    def test_the_page_and_the_csv_are_not_limited(self, alice_client, name):
        assert {alice_client.get(reverse(name)).status_code for _ in range(8)} == {200}
