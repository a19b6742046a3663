"""Every sentence the site, the certificate and the claim say about credit, in one place.

The AMA's wording is exact: the designation statement, "AMA PRA Category 1
Credit™" with the trademark, singular for exactly one credit. Non-physicians
receive a certificate of participation that names the designation without
awarding the credit. Certificates keep the text in their snapshot, so editing
this module never rewrites one already issued.
"""

from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

from credits.models import CreditType

AMA_CREDIT = "AMA PRA Category 1 Credit™"


def credit_noun(amount: Decimal) -> str:
    """'Credit' for exactly one, 'Credits' otherwise, as the AMA writes it."""
    return "Credit" if amount == 1 else "Credits"


def credits_text(amount: Decimal) -> str:
    """'0.50 AMA PRA Category 1 Credits™'."""
    return f"{amount:.2f} AMA PRA Category 1 {credit_noun(amount)}™"


def is_physician_credit(credit_type: str) -> bool:
    return credit_type == CreditType.AMA_PRA_1


def total_text(*, credit_type: str, amount: Decimal) -> str:
    """A transcript total: '12.50 AMA PRA Category 1 Credits™' or '3.00 hours of participation'."""
    return credits_text(amount) if is_physician_credit(credit_type) else f"{amount:.2f} hours of participation"


class DesignationStatement(str):
    """The designation statement as plain text, which certificate snapshots keep, carrying its page form too.

    `.html` is the same sentence in the AMA's typography, with "AMA PRA Category 1 Credit(s)™" in italics,
    so a template given the statement can print {{ designation_statement.html }}.
    """

    html: SafeString

    def __new__(cls, text: str, html: SafeString | str = ""):
        statement = super().__new__(cls, text)
        statement.html = html if isinstance(html, SafeString) else escape(html or text)
        return statement


_DESIGNATION = (
    "{provider} designates this {activity_type} for a maximum of {amount} {credit}. Physicians should claim only "
    "the credit commensurate with the extent of their participation in the activity."
)


def _credit_name(amount: Decimal) -> str:
    """'AMA PRA Category 1 Credits™' without the amount: the part the AMA prints in italics."""
    return f"AMA PRA Category 1 {credit_noun(amount)}™"


def designation_statement(activity) -> DesignationStatement:
    """The AMA's credit designation statement for one activity, as plain text (a str) with `.html` for pages."""
    parts = {
        "provider": activity.provider.name,
        "activity_type": activity.activity_type,
        "amount": f"{activity.max_credits:.2f}",
    }
    text = _DESIGNATION.format(**parts, credit=_credit_name(activity.max_credits))
    return DesignationStatement(text, designation_statement_html(activity))


def designation_statement_html(activity) -> SafeString:
    """The designation statement for a web page: the credit's name in italics, everything else escaped."""
    return format_html(
        _DESIGNATION.replace("{credit}", "<em>{credit}</em>"),
        provider=activity.provider.name,
        activity_type=activity.activity_type,
        amount=f"{activity.max_credits:.2f}",
        credit=_credit_name(activity.max_credits),
    )


def claim_lead(credit_type: str) -> str:
    """What the claim page says the learner will receive."""
    if is_physician_credit(credit_type):
        return f"As a physician you receive {AMA_CREDIT}. The certificate shows the credit you claim, not the maximum."
    return (
        "As a health-care professional other than a physician, you receive a certificate of participation stating "
        f"that this activity was designated for {AMA_CREDIT}. "
        "The certificate shows the time you claim, not the maximum."
    )


def attestation_statement(*, credit_type: str, amount: Decimal) -> str:
    """The statement the learner attests to, stored word for word with the claim."""
    if is_physician_credit(credit_type):
        return (
            f"I attest that I am claiming {credits_text(amount)}, only the credit commensurate "
            "with the extent of my participation in the activity."
        )
    return (
        f"I attest that I participated in this activity for {amount:.2f} hours, the extent of my participation, "
        "and claim a certificate of participation for that time."
    )


def attestation_prompt(*, credit_type: str) -> str:
    """The wording beside the checkbox, before the learner has chosen an amount."""
    if is_physician_credit(credit_type):
        return (
            f"I attest that the amount I have chosen is only the {AMA_CREDIT} commensurate with the "
            "extent of my participation in the activity."
        )
    return "I attest that the amount I have chosen is the time I spent participating in this activity."


def pars_consent_statement(activity) -> str:
    return (
        f"I consent to {activity.provider.name} reporting my completion of this activity, with my name, birth month "
        "and day, board ID and license details, to the ACCME's Program and Activity Reporting System (PARS) for my "
        "certifying board or state licensing board."
    )


def certificate_award(*, credit_type: str, amount: Decimal, max_credits: Decimal) -> dict[str, str]:
    """The certificate's heading and award sentence, as its snapshot keeps them."""
    if is_physician_credit(credit_type):
        return {
            "heading": "Certificate of Completion",
            "award_sentence_start": "and is awarded",
            "award_amount_text": credits_text(amount),
            "award_sentence_end": ".",
            "credit_line": credits_text(amount),
        }
    return {
        "heading": "Certificate of Participation",
        "award_sentence_start": "and participated for",
        "award_amount_text": f"{amount:.2f} hours",
        "award_sentence_end": f" in an activity designated for a maximum of {credits_text(max_credits)}.",
        "credit_line": f"{amount:.2f} hours of participation",
    }


def credit_line(snapshot: dict) -> str:
    """One line for the certificate and verification pages: what this certificate awards.

    Snapshots issued before the line was stored get it rebuilt from the fields they kept.
    """
    if "credit_line" in snapshot:
        return snapshot["credit_line"]
    if is_physician_credit(snapshot["credit_type"]):
        return snapshot["award_amount_text"]
    return f"{snapshot['award_amount_text']} of participation"
