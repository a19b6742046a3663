"""The columns of ACCME's PARS upload files, in one place, mapped from the records this app builds.

Everything the rest of the code knows about the files' layout is here: the
header text, its order, the guidance row of the learner workbook and how
values are written. When ACCME revises a template, correct this module.

Learner completion file: ACCME's CME/MOC learner template, whose public
description gives row 1 as guidance text and row 2 as the header, with the
columns below in this order. The tab-delimited text file carries the header
row and the records (no guidance row), one record per line.

Activity file: the columns of ACCME's activity template for the questions
PARS asks of every activity; live-only columns (city, state, country) are left
empty for enduring material.

Neither template was at hand byte for byte: the headers follow ACCME's public
instructions, and "Record Action" values are "Add" and "Delete" as those
instructions describe adding and deleting records. Check both against the
template current when you upload.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # the record's field
    guidance: str = ""


RECORD_ADD = "Add"
RECORD_DELETE = "Delete"

LEARNER_COLUMNS = (
    Column("Record Action", "record_action", "Add or Delete. A delete repeats the record as it was added."),
    Column("ACCME Activity ID", "accme_activity_id", "The ID PARS gave the activity."),
    Column("Completion Date", "completion_date", "MM/DD/YYYY: the day the learner completed the activity."),
    Column("First Name", "first_name", "As on the learner's board or licence record."),
    Column("Last Name", "last_name", ""),
    Column("Date of Birth (MM/DD)", "birth_date", "Month and day only, never the year."),
    Column("Licensing State", "licensing_state", "Two-letter US state code, for CME reported to a state board."),
    Column("Licensing ID or NPI", "licensing_id", "The state licence number, or the NPI."),
    Column("Number of CME Credits", "cme_credits", "AMA PRA Category 1 Credits™ claimed."),
    Column("Certifying Board", "board", "For MOC: the board's abbreviation."),
    Column("Certifying Board ID", "board_id", "The learner's ID with that board."),
    Column("Total Board Credits", "board_points", "MOC points as the board counts them."),
    Column("Credit Type", "credit_type", "The MOC credit type the activity is registered for."),
    Column("Credits Awarded for Credit Type", "credit_type_points", ""),
    Column("Additional Credit Type", "additional_credit_type", "A second registered credit type, if any."),
    Column("Credits Awarded for Additional Credit Type", "additional_credit_type_points", ""),
)

ACTIVITY_COLUMNS = (
    Column("ACCME Activity ID", "accme_activity_id"),
    Column("Provider Activity ID", "provider_activity_id"),
    Column("Activity Title", "title"),
    Column("Activity Type", "activity_type"),
    Column("Start Date", "start_date"),
    Column("End Date", "end_date"),
    Column("City", "city"),
    Column("State", "state"),
    Column("Country", "country"),
    Column("Hours of Instruction", "hours"),
    Column("AMA PRA Category 1 Credits Designated", "credits_designated"),
    Column("Number of Physician Learners", "physician_learners"),
    Column("Number of Other Learners", "other_learners"),
    Column("Designed to Change Competence", "designed_competence"),
    Column("Designed to Change Performance", "designed_performance"),
    Column("Designed to Change Patient Outcomes", "designed_patient_outcomes"),
    Column("Evaluated for Change in Competence", "evaluated_competence"),
    Column("Evaluated for Change in Performance", "evaluated_performance"),
    Column("Evaluated for Change in Patient Outcomes", "evaluated_patient_outcomes"),
    Column("Commercial Support Received", "commercial_support"),
    Column("Monetary Commercial Support Amount", "commercial_support_amount"),
    Column("In-kind Commercial Support", "commercial_support_in_kind"),
    Column("Commercial Supporters", "commercial_supporters"),
    Column("MOC Boards", "moc_boards"),
)

ACTIVITY_TYPE_NAMES = {
    "enduring material": "Enduring Material",
    "live activity": "Course",
    "journal-based CME activity": "Journal-based CME",
}


def yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def date_mdy(value) -> str:
    return f"{value:%m/%d/%Y}"


def row_values(columns: tuple[Column, ...], record: dict) -> list[str]:
    return [str(record.get(column.key, "")) for column in columns]
