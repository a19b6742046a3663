"""The whole report as a PDF, read back as text: the same sections and figures as the page."""

import io
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from tests.outcomes.test_item_analysis import learners  # noqa: F401  (the hand-worked cohort)


def pdf_text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_has_every_section_and_the_figures(learners, course, reporter):  # noqa: F811
    start = timezone.localdate() - timedelta(days=30)
    response = reporter.get(reverse("admin:outcomes_report_pdf", args=[course.pk]), {"start": start.isoformat()})
    assert response["Content-Disposition"] == (
        f'attachment; filename="outcomes-{course.slug}-{start.isoformat()}-open-report.pdf"'
    )
    text = " ".join(pdf_text(response).split())
    for heading in ("1. Participation", "2. Satisfaction", "3. Knowledge", "3. Post-test item analysis",
                    "4–5. Competence and performance", "How the figures are computed"):  # fmt: skip
        assert heading in text
    # The hand-worked matrix (test_statistics.py): CIC 11.11%, error ratio 94.28%, item 1's DE −20.00%.
    assert "Coefficient of internal consistency (Cronbach's alpha) 11.11%" in text
    assert "94.28%" in text
    assert "−20.00%" in text
    assert f"From {start:%B} {start.day}, {start.year}" in text
