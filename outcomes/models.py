"""The outcomes report has no table of its own: it reads attempts, evaluations and claims.

OutcomesReport is a proxy of Activity that carries the one permission the report
needs (outcomes.view_outcomes) and gives it a place on the admin index.
"""

from activities.models import Activity

VIEW_OUTCOMES = "outcomes.view_outcomes"


class OutcomesReport(Activity):
    class Meta:
        proxy = True
        verbose_name = "outcomes report"
        verbose_name_plural = "outcomes reports"
        # Nobody adds, changes or deletes a report; viewing one is the only right.
        default_permissions = ()
        permissions = [("view_outcomes", "Can view outcomes reports (learner results, evaluations, item analysis)")]
