"""Benchmark: the transcript PDF of the largest transcript a learner can have, against a one-row one.

Run with the project's venv from the repository root:

    .venv/bin/python bench/transcript_pdf.py [--runs 15] [--claims 300] [--text scripts|symbols] [--whole] [--fonttools]

It builds, in a throw-away test database (SQLite in memory, or a test_ copy of
DATABASE_URL's PostgreSQL database), a learner with the most self-reported
entries allowed (EXTERNAL_CREDIT_LIMIT), each filled to the longest title,
provider and credit type the form accepts and dated more recently than the
earned credit, so the rows the PDF prints are the costliest kind (--text scripts and
--text symbols fill them with text that needs fallback fonts); plus
--claims earned claims with certificates. "transcript render" times what the
view does: the transcript query, the cut to what one PDF prints
(selectors.printable), the template and the PDF. "weasyprint floor" times
WeasyPrint's own HTML(...).write_pdf() on the final HTML of a one-row
transcript, with the same stylesheets, fonts and PDF options. The two are
measured in alternation after a warm-up, so drift on a shared machine hits
both alike. --whole also renders the entire transcript once, without the cut.
--fonttools subsets fonts as WeasyPrint does without libharfbuzz-subset0 (the
slow case, which TRANSCRIPT_PDF_BUDGET is set for).
"""

import argparse
import io
import os
import statistics
import sys
import time
import unicodedata
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cme.settings")
os.environ.setdefault("DEBUG", "true")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from weasyprint import HTML  # noqa: E402

from credits import pdf  # noqa: E402
from credits.selectors import EXTERNAL_CREDIT_LIMIT, printable, transcript  # noqa: E402
from credits.services import _status_places  # noqa: E402 (places in the status lists, as claims take them)


def longest(text: str, length: int) -> str:
    """Words repeated to exactly the field's maximum length: wraps like real text, as long as allowed."""
    return (text * (length // len(text) + 1))[: length - 1] + "."


# Self-reported text at each field's full length, for entry `number`: English;
# Polish, Greek, Cyrillic and Arabic, which the embedded font lacks and
# fallback fonts print; or the costliest, every entry drawing different
# characters from across the Basic Multilingual Plane, so the fallback fonts
# must embed as many glyphs as the text can hold.
_SYMBOLS = "".join(
    chr(code) for code in range(0x100, 0x3000) if unicodedata.category(chr(code)) in {"Lu", "Ll", "Lo", "Sm", "So"}
)


def _symbols(number: int, length: int) -> str:
    start = number * 500 % len(_SYMBOLS)
    chars = (_SYMBOLS[start:] + _SYMBOLS)[:length]
    return " ".join(chars[index : index + 8] for index in range(0, length, 9))[:length]


FIELDS = ("title", "provider", "credit_type")
WORDS = {
    "latin": (
        "Multidisciplinary tumour board and case review ",
        "Regional Oncology Network Hospital Education ",
        "AMA PRA Category 1 Credit™ ",
    ),
    "scripts": (
        "Łódź tumour board Ογκολογικό συμβούλιο Онкологический консилиум مجلس الأورام ",
        "Szpital Onkologiczny Ογκολογικό Νοσοκομείο Онкологический центр مستشفى ",
        "Kategoria 1 Κατηγορία 1 Категория 1 الفئة 1 ",
    ),
}
TEXTS = ("latin", "scripts", "symbols")


def entry_text(text: str, number: int, field: str, length: int) -> str:
    if text == "symbols":
        return _symbols(number * len(FIELDS) + FIELDS.index(field), length)
    return longest(WORDS[text][FIELDS.index(field)], length)


def build(*, email: str, external: int, claims: int, text: str = "latin"):
    from accounts.models import User
    from activities.models import AccreditedProvider, Activity
    from credits.models import Certificate, CreditClaim, CreditEntry, ExternalCredit

    user = User.objects.create(
        email=email, first_name="Chiamaka", last_name="Okafor", degree="MD", profession="physician", npi="1234567893"
    )
    provider, _ = AccreditedProvider.objects.get_or_create(
        name="Meridian Oncology Education",
        defaults={"accreditation_statement": "Accredited by the ACCME.", "contact_email": "cme@meridian.example"},
    )
    today = timezone.localdate()
    activities = Activity.objects.bulk_create(
        Activity(
            slug=f"{user.pk}-{number}",
            title=f"HER2-Positive Metastatic Breast Cancer, Part {number}: New Evidence for Frontline and "
            "Maintenance Therapy",
            topic="Breast cancer",
            summary="Summary.",
            provider=provider,
            target_audience="Oncologists.",
            max_credits=Decimal("1.00"),
            estimated_minutes=60,
            release_date=today - timedelta(days=4000),
            expiration_date=today + timedelta(days=300),
            body="Body.",
        )
        for number in range(claims)
    )
    claim_rows = CreditClaim.objects.bulk_create(
        CreditClaim(user=user, activity=activity, credit_type="ama_pra_1", amount=Decimal("1.00"), attestation="x")
        for activity in activities
    )
    # Earned credit is older than every self-reported entry: the PDF prints the long rows first.
    CreditEntry.objects.bulk_create(
        CreditEntry(user=user, claim=claim, kind="award", credit_type="ama_pra_1", amount=Decimal("1.00"),
                    earned_on=today - timedelta(days=external + number))
        for number, claim in enumerate(claim_rows)
    )  # fmt: skip
    places = _status_places(count=len(claim_rows))
    Certificate.objects.bulk_create(
        Certificate(claim=claim, number=f"CME-{today.year}-{claim.pk:06d}", verification_code=f"{user.pk}-{number}",
                    snapshot={}, pdf_sha256="0" * 64, issued_at=timezone.now(), status_list_id=place[0],
                    status_index=place[1])
        for number, (claim, place) in enumerate(zip(claim_rows, places, strict=True))
    )  # fmt: skip
    length = {field: ExternalCredit._meta.get_field(field).max_length for field in FIELDS}
    ExternalCredit.objects.bulk_create(
        ExternalCredit(
            user=user,
            **{field: entry_text(text, number, field, length[field]) for field in FIELDS},
            completed_on=today - timedelta(days=number),
            amount=Decimal("99.75"),
        )
        for number in range(external)
    )
    return user


def app_render(user, *, whole: bool = False) -> bytes:
    data = transcript(user=user)
    printed = data if whole else printable(data, heading=user.certificate_name)
    return pdf.render_transcript(user=user, transcript=printed, generated=timezone.now(), issuer="Bench Provider")


def weasyprint_alone(html: str) -> bytes:
    font_config, fetcher = pdf._fonts_and_fetcher()
    document = HTML(string=html, base_url=pdf.STATIC_DIR.as_uri() + "/", url_fetcher=fetcher)
    return document.write_pdf(
        stylesheets=[pdf._print_fonts(), pdf._stylesheet("transcript.css")],
        font_config=font_config,
        pdf_identifier=b"transcript",
        **pdf.PDF_OPTIONS,
    )


def weasyprint_has_no_harfbuzz_subset() -> bool:
    import weasyprint.pdf.fonts

    return weasyprint.pdf.fonts.harfbuzz_subset is None


def timed(function) -> tuple[float, float]:
    """(wall ms, CPU ms): on a shared VM the CPU time shows what steal time hides."""
    wall, cpu = time.perf_counter(), time.process_time()
    function()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def pages(content: bytes) -> int:
    return len(PdfReader(io.BytesIO(content)).pages)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--claims", type=int, default=300, help="earned claims besides the self-reported maximum")
    parser.add_argument("--text", choices=TEXTS, default="latin", help="the self-reported entries' script")
    parser.add_argument("--whole", action="store_true", help="also render the whole transcript once, uncut")
    parser.add_argument(
        "--fonttools",
        action="store_true",
        help="subset fonts with fontTools, as WeasyPrint does where libharfbuzz-subset0 is missing",
    )
    args = parser.parse_args()
    if args.fonttools:
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None
    subsetter = "fontTools" if args.fonttools or weasyprint_has_no_harfbuzz_subset() else "HarfBuzz"

    setup_test_environment()
    database = connection.creation.create_test_db(verbosity=0)
    try:
        largest = build(email="largest@example.org", external=EXTERNAL_CREDIT_LIMIT, claims=args.claims, text=args.text)
        one_row = build(email="one-row@example.org", external=0, claims=1)
        one_row_html = pdf.transcript_html(
            user=one_row, transcript=transcript(user=one_row), generated=timezone.now(), issuer="Bench Provider"
        )

        for _ in range(args.warmup):
            app_render(largest)
            weasyprint_alone(one_row_html)
        app, floor = [], []
        for _ in range(args.runs):
            app.append(timed(lambda: app_render(largest)))
            floor.append(timed(lambda: weasyprint_alone(one_row_html)))

        printed = printable(transcript(user=largest), heading=largest.certificate_name)
        content = app_render(largest)
        app_times, floor_times = [wall for wall, _ in app], [wall for wall, _ in floor]
        app_cpu, floor_cpu = statistics.median(cpu for _, cpu in app), statistics.median(cpu for _, cpu in floor)
        app_median, floor_median = statistics.median(app_times), statistics.median(floor_times)
        print(f"largest transcript: {EXTERNAL_CREDIT_LIMIT} self-reported entries at full length ({args.text}) + "
              f"{args.claims} "
              f"earned claims; the PDF prints the {printed.printed_count} most recent ({printed.omitted} left out), "
              f"{pages(content)} pages, {len(content) / 1024:.1f} KiB")  # fmt: skip
        print(f"runs {args.runs} after {args.warmup} warm-up; fonts subset with {subsetter}")
        print(f"CPU time median: transcript render {app_cpu:.1f} ms; weasyprint floor (one row) {floor_cpu:.1f} ms")
        print(f"transcript render p10 {statistics.quantiles(app_times, n=10)[0]:.1f} ms, "
              f"p90 {statistics.quantiles(app_times, n=10)[-1]:.1f} ms")  # fmt: skip
        print(
            f"transcript render median {app_median:.1f} ms; weasyprint floor (one row) {floor_median:.1f} ms; "
            f"ratio {app_median / floor_median:.2f}"
        )
        if args.whole:
            wall, cpu = timed(lambda: app_render(largest, whole=True))
            whole = app_render(largest, whole=True)
            print(f"whole transcript, uncut ({printed.entry_count} rows, {pages(whole)} pages): "
                  f"{wall:.0f} ms ({cpu:.0f} ms CPU), once")  # fmt: skip
    finally:
        connection.creation.destroy_test_db(database, verbosity=0)


if __name__ == "__main__":
    main()
