"""Moore levels 4–5 in the report: commitments, follow-up response, implementation and barriers."""

import html

from django.urls import reverse

from credits.models import Barrier, FollowUp, Implementation
from credits.services import followup_respond
from tests.credits.test_followup import commit, send
from tests.factories import ActivityFactory, UserFactory, make_quiz


def test_the_report_shows_commitments_follow_up_implementation_and_barriers(reporter):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    # Three learners commit to two changes each; one declines follow-up; of the two surveys sent, one is answered.
    answered, unanswered, declined = (UserFactory() for _ in range(3))
    evaluation = commit(answered, activity)
    commit(unanswered, activity)
    commit(declined, activity, follow_up=False)
    followup = send(FollowUp.objects.get(evaluation=evaluation))
    send(FollowUp.objects.get(evaluation__user=unanswered))
    first, second = evaluation.commitments.order_by("position")
    followup_respond(
        followup=followup,
        answers={
            first.pk: {"implementation": Implementation.FULLY, "barriers": [], "other_barrier": ""},
            second.pk: {
                "implementation": Implementation.PARTIALLY,
                "barriers": [Barrier.COST, Barrier.TIME],
                "other_barrier": "Waiting list for cardiac imaging.",
            },
        },
    )

    page = html.unescape(reporter.get(reverse("admin:outcomes_report", args=[activity.pk])).text)
    section = page[page.index('id="levels-4-5"') :]
    section = " ".join(section[: section.index("</section>")].split())

    def row(label: str) -> str:
        return section[section.index(label) :][:160]

    assert '<td class="num">3</td>' in row("Learners who committed to at least one change")
    assert '<td class="num">1</td>' in row("Declined follow-up at the evaluation")
    assert '<td class="num">2</td>' in row("Follow-up surveys sent")
    assert "response rate 50%" in row("Answered</th>")
    assert '<td class="num">1</td><td class="num">50%</td>' in row("Fully</th>")
    assert '<td class="num">1</td><td class="num">50%</td>' in row("Partially</th>")
    assert '<td class="num">0</td>' in row("Not</th>")
    assert '<td class="num">1</td>' in row("Cost or insurance coverage")
    assert '<td class="num">1</td>' in row("Not enough time")
    assert '<td class="num">0</td>' in row("Patient preference")
    assert '<td class="num">1</td>' in row("Other (in the learner")


def test_without_commitments_the_section_says_so(reporter):
    activity = ActivityFactory(pretest_required=False)
    make_quiz(activity, "post", questions=2)
    page = reporter.get(reverse("admin:outcomes_report", args=[activity.pk])).text
    assert "No learner committed to a change at an evaluation submitted in the period." in page
