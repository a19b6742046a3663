"""The certifying boards that take MOC completions through ACCME's PARS, and their rules, as data.

One entry per board, keyed by accounts.CertifyingBoard. A board not listed
here (or listed with takes_moc_through_pars=False) gets no MOC record: the
learner's completion can still go to their state licensing board as CME.

Sources, and what to check when a board changes its program:
- which boards: ACCME, "Submit Data via Batch Upload or Web Services" (ABA, ABIM,
  ABOS, ABOHNS, ABPath, ABP, ABS, ABTS);
- ABP points: ACCME FAQ on the ABP program ("MOC points are equivalent to the
  number of CME credits awarded … rounded to the nearest whole number");
- ABIM points: ACCME FAQ on ABIM MOC (points usually equal the credits; an
  activity may register fewer points than credits);
- ABP, one record per learner per activity per completion date: the board's
  reporting rule. A learner claims an activity once (credits' unique constraint),
  so a file can hold one record per learner and activity, and a correction is a
  Delete of the old row before the Add of the new one; tests/pars hold both;
- credit type names: what a provider picks when registering the activity for
  the board in PARS (ACCME's CME for MOC Program Guide, Table 1, and each
  board's section). They are the least certain entries here: correct them in
  this module, nothing else reads them from anywhere.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from accounts.models import CertifyingBoard


@dataclass(frozen=True)
class BoardRule:
    code: str
    takes_moc_through_pars: bool
    credit_types: tuple[str, ...] = ()
    # Points are the CME credits claimed, capped at what the activity registered;
    # some boards count whole points only.
    whole_points: bool = False

    @property
    def label(self) -> str:
        return CertifyingBoard(self.code).label

    @property
    def abbreviation(self) -> str:
        """As the board writes it ("ABPath"): the last parenthesis of its label."""
        return self.label.rsplit("(", 1)[-1].rstrip(")")

    def points(self, *, credits: Decimal, registered: Decimal) -> Decimal:
        """MOC points for a completion as this board counts them."""
        points = min(credits, registered)
        if self.whole_points:
            points = points.quantize(Decimal("1"), rounding=ROUND_HALF_UP)
        return points


BOARDS: dict[str, BoardRule] = {
    rule.code: rule
    for rule in (
        BoardRule(CertifyingBoard.ABA, True, ("Lifelong Learning", "Patient Safety")),
        BoardRule(CertifyingBoard.ABIM, True, ("Medical Knowledge", "Patient Safety")),
        BoardRule(CertifyingBoard.ABOS, True, ("Self-Assessment",)),
        BoardRule(CertifyingBoard.ABOHNS, True, ("Lifelong Learning", "Self-Assessment")),
        BoardRule(CertifyingBoard.ABPATH, True, ("Lifelong Learning", "Self-Assessment")),
        BoardRule(
            CertifyingBoard.ABP,
            True,
            ("Lifelong Learning and Self-Assessment",),
            whole_points=True,
        ),
        BoardRule(CertifyingBoard.ABS, True, ("Accredited CME", "Self-Assessment")),
        BoardRule(CertifyingBoard.ABTS, True, ("Lifelong Learning", "Self-Assessment")),
        BoardRule(CertifyingBoard.ABO, False),
        BoardRule(CertifyingBoard.ABPMR, False),
    )
}

MOC_BOARD_CHOICES = [(code, rule.label) for code, rule in BOARDS.items() if rule.takes_moc_through_pars]
CREDIT_TYPE_CHOICES = sorted({name for rule in BOARDS.values() for name in rule.credit_types})


def board_rule(code: str) -> BoardRule | None:
    return BOARDS.get(code)
