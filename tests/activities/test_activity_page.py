"""The seed activity's page: every trial figure, the full front matter, charts, references."""

import re
from html import unescape

import pytest
from django.urls import reverse

# trial-facts.md, F1–F14: each figure exactly as the source table gives it.
TRIAL_FIGURES = {
    "F1": "1,157",
    "F2": "trastuzumab deruxtecan (T-DXd) + pertuzumab vs taxane + trastuzumab + pertuzumab (THP)",
    "F3": "40.7 vs 26.9 months",
    "F4": "0.56",
    "F5": "12.1% vs 1.0%",
    "F6": "neutropenia 23.9%, hypokalemia 10.2%, anemia 8.4%",
    "F7": "THP (taxane + trastuzumab + pertuzumab)",
    "F8": (
        "HR+/HER2+ MBC; palbociclib added to maintenance endocrine therapy + HER2-targeted therapy "
        "after induction chemotherapy"
    ),
    "F9": "44.3 vs 29.1 months",
    "F10": "13.0% vs 19.2%",
    "F11": "654",
    "F12": "24.9 vs 16.3 months",
    "F13": "HR-negative 0.554; HR-positive 0.725",
    "F14": "diarrhea 72.7%; elevated liver enzymes",
}

CREDIT_DESIGNATION = (
    "Meridian Oncology Education designates this enduring material for a maximum of 0.50 AMA PRA Category 1 "
    "Credits™. Physicians should claim only the credit commensurate with the extent of their participation in "
    "the activity."
)


INLINE_TAGS = re.compile(r"</?(?:a|abbr|cite|em|i|strong|b|sup|sub)\b[^>]*>")


def page_text(html: str) -> str:
    """The page as a reader sees it: tags dropped (inline ones with no gap), entities decoded, whitespace collapsed."""
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", INLINE_TAGS.sub("", html))).split())


@pytest.fixture
def page(client, seed_activity):
    response = client.get(reverse("journey:activity", args=[seed_activity.slug]))
    assert response.status_code == 200
    return response.text


@pytest.mark.parametrize(("fact", "figure"), TRIAL_FIGURES.items())
def test_every_trial_figure_appears_exactly(page, fact, figure):
    assert figure in page_text(page), fact


def test_the_front_matter_carries_every_required_item(page, seed_activity):
    text = page_text(page)
    assert seed_activity.target_audience in text
    objectives = list(seed_activity.objectives.values_list("text", flat=True))
    assert len(objectives) == 4
    for objective in objectives:
        assert objective in text
    for heading in (
        "Target audience",
        "Learning objectives",
        "Faculty, planners and disclosures",
        "Mitigation of relevant financial relationships",
        "Accreditation statement",
        "Credit designation",
        "How to earn credit",
        "Commercial support",
        "Disclaimer and off-label use",
    ):
        assert f">{heading}</h3>" in page
    assert (
        "Meridian Oncology Education is accredited by the Accreditation Council for Continuing Medical Education "
        "(ACCME) to provide continuing medical education for physicians." in text
    )
    assert CREDIT_DESIGNATION in text
    assert "Release date: June 15, 2026" in text
    assert "Expiration date: June 14, 2028" in text
    assert "Estimated time to complete: 30 minutes" in text
    assert "This activity received no commercial support." in text
    assert "not approved by the US Food and Drug Administration" in text
    assert "All relevant financial relationships have been mitigated." in text


def test_each_contributor_shows_a_disclosure(page):
    text = page_text(page)
    assert "Dana R. Whitfield, MD · Author / faculty" in text
    assert "Advisory board: Corvane Therapeutics" in text
    assert "Research funding (paid to institution): Altheon Biosciences" in text
    for name in ("Miguel A. Serrano, MD, PhD", "Priya Natarajan, PharmD, BCOP", "Thomas K. Ebi, MD"):
        assert name in text
    assert text.count("Has no relevant financial relationships with ineligible companies to disclose.") == 4


def test_disclosures_come_before_the_article_body(page):
    disclosures = page.index("Faculty, planners and disclosures")
    article = page.index('id="article"')
    first_finding = page.index("1,157")
    assert disclosures < article < first_finding


def test_the_article_cites_the_three_trials(page):
    text = page_text(page)
    assert (
        "DESTINY-Breast09. Tolaney SM, et al. Trastuzumab Deruxtecan plus Pertuzumab for HER2-Positive Metastatic "
        "Breast Cancer. N Engl J Med. 2025. doi:10.1056/NEJMoa2508668. Published online October 29, 2025;" in text
    )
    assert "PATINA. Metzger O, et al. Palbociclib for Hormone-Receptor-Positive, HER2-Positive Advanced Breast " in text
    assert "N Engl J Med. 2026;394:451-462. DOI not yet confirmed;" in text
    assert "HER2CLIMB-05. Diéras V, et al. HER2CLIMB-05: A Phase 3 Study of Tucatinib" in text
    assert "J Clin Oncol. 2025. Published online in December 2025" in text


def test_a_doi_is_a_link_to_doi_org(page):
    assert '<a href="https://doi.org/10.1056/NEJMoa2508668">10.1056/NEJMoa2508668</a>' in page


def test_the_credit_designation_is_in_the_amas_typography(page):
    assert "for a maximum of 0.50 <em>AMA PRA Category 1 Credits™</em>. Physicians should claim" in page
    assert "receive a certificate of participation" in page


def test_the_article_covers_the_clinical_questions(page):
    for heading in (
        "Frontline therapy: DESTINY-Breast09 against the CLEOPATRA standard",
        "Maintenance after induction",
        "Safety to monitor",
        "Frequently asked questions",
    ):
        assert heading in page


class TestCharts:
    def test_six_accessible_svg_charts_are_drawn(self, page):
        svgs = re.findall(r"<svg[^>]*>", page)
        assert len(svgs) == 6
        for svg in svgs:
            assert 'role="img"' in svg and "aria-labelledby=" in svg
        assert page.count('<title id="chart-') == 6
        assert page.count('<desc id="chart-') == 6

    def test_chart_numbers_are_available_as_tables(self, page):
        text = page_text(page)
        for row in (
            "T-DXd + pertuzumab 40.7 months",
            "THP 26.9 months",
            "Palbociclib + endocrine + HER2 therapy 44.3 months",
            "Control arm 19.2%",
            "Tucatinib + trastuzumab + pertuzumab 24.9 months",
            "Placebo + trastuzumab + pertuzumab 16.3 months",
            "T-DXd + pertuzumab 12.1%",
            "THP 1.0%",
            "Neutropenia, grade ≥3 23.9%",
            "Anemia, grade ≥3 8.4%",
        ):
            assert row in text

    def test_bars_do_not_rely_on_colour_alone(self, page):
        # Comparator arms are hatched, and every bar carries its label and value as text.
        assert 'fill="url(#hatch-destiny-breast09-pfs)"' in page
        assert "hatched bars the comparator" in page

    def test_no_script_or_inline_style_anywhere(self, page):
        assert "<script" not in page
        assert "style=" not in page


def test_with_a_required_pretest_the_article_opens_after_it(alice_client, alice, seed_questions):
    from activities.models import Enrollment
    from quizzes.models import Quiz
    from quizzes.services import attempt_start, attempt_submit
    from tests.quizzes.conftest import answer

    url = reverse("journey:activity", args=[seed_questions.slug])
    assert "1,157" not in alice_client.get(url).text
    Enrollment.objects.create(user=alice, activity=seed_questions)
    attempt = attempt_start(user=alice, quiz=Quiz.objects.get(activity=seed_questions, kind="pre"))
    answer(attempt, correct=0)
    attempt_submit(attempt=attempt)

    text = page_text(alice_client.get(url).text)
    for fact, figure in TRIAL_FIGURES.items():
        assert figure in text, fact


def test_staff_read_the_whole_page_without_a_pretest(staff_client, seed_questions):
    text = page_text(staff_client.get(reverse("journey:activity", args=[seed_questions.slug])).text)
    assert all(figure in text for figure in TRIAL_FIGURES.values())
