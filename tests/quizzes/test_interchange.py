"""GIFT and Moodle XML: round trips of our own export, Moodle's own files, and refusals that save nothing."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from quizzes.interchange import ImportRefusedError, export_quizzes, gift, import_questions
from quizzes.models import Question, QuestionStatus, QuestionVersion, Quiz, QuizSlot

DATA = Path(__file__).resolve().parent.parent / "data"


def snapshot_of_questions():
    """Everything an export must carry, independent of primary keys."""
    rows = []
    for slot in QuizSlot.objects.select_related(
        "quiz__activity", "question__objective", "question__reference", "matched_question"
    ).order_by("quiz__activity__slug", "quiz__kind", "position"):
        question = slot.question
        rows.append(
            (
                slot.quiz.activity.slug,
                slot.quiz.kind,
                slot.position,
                question.title,
                question.status,
                question.stem,
                question.explanation,
                question.objective.position if question.objective else None,
                question.reference.trial if question.reference else None,
                slot.matched_question.title if slot.matched_question else None,
                tuple(question.choices.values_list("text", "is_correct", "feedback")),
            )
        )
    return rows


def wipe_questions():
    QuizSlot.objects.all().delete()
    Quiz.objects.all().delete()
    from quizzes.models import Choice, VersionChoice

    VersionChoice.objects.all().delete()
    QuestionVersion.objects.all().delete()
    Choice.objects.all().delete()
    Question.objects.all().delete()


@pytest.mark.parametrize("fmt", ["gift", "moodlexml"])
def test_our_export_imports_back_exactly(seed_questions, fmt):
    before = snapshot_of_questions()
    assert len(before) >= 15
    exported = export_quizzes(Quiz.objects.all(), fmt=fmt)

    assert import_questions(exported, dry_run=True).imported  # the dry run is clean
    wipe_questions()
    report = import_questions(exported)

    assert report.drafts == []
    assert snapshot_of_questions() == before
    assert QuestionVersion.objects.count() == len(before)
    assert Quiz.objects.get(kind="pre").attempts_allowed == 1


def test_the_export_command_writes_one_category_per_quiz(seed_questions):
    out = StringIO()
    call_command("export_questions", "--format", "gift", "--activity", seed_questions.slug, stdout=out)
    text = out.getvalue()
    assert text.count("$CATEGORY: ") == 2
    assert f"$CATEGORY: {seed_questions.slug}/pre" in text
    assert f"$CATEGORY: {seed_questions.slug}/post" in text
    assert text.index("/pre") < text.index("/post")


def test_the_export_command_refuses_an_unknown_activity(seed_questions):
    with pytest.raises(CommandError, match="No quizzes"):
        call_command("export_questions", "--activity", "nope", stdout=StringIO())


def test_the_import_command_dry_run_reports_and_saves_nothing(seed_questions, tmp_path):
    path = tmp_path / "export.gift"
    out = StringIO()
    call_command("export_questions", stdout=out)
    path.write_text(out.getvalue())
    count = Question.objects.count()
    report = StringIO()
    call_command("import_questions", str(path), "--dry-run", stdout=report)
    assert f"Would import {count} question(s)." in report.getvalue()
    assert Question.objects.count() == count


class TestMoodlesOwnFiles:
    def test_mixed_types_are_refused_by_name_and_nothing_is_saved(self, db):
        text = (DATA / "moodle-gift-mixed-types.gift.txt").read_text()
        with pytest.raises(ImportRefusedError) as error:
            import_questions(text)
        problems = "\n".join(error.value.problems)
        for name, kind in [
            ("Q8", "essay"),
            ("Moodle activities", "matching"),
            ("colours", "multiple-response"),
            ("Q5", "numerical"),
            ("Shortanswer", "short-answer"),
            ("Q1", "true/false"),
            ("2-08 TSL", "true/false"),
        ]:
            assert f"“{name}”" in problems and kind in problems
        assert "“Q2”" not in problems  # the one single-best-answer item is fine
        assert not Question.objects.exists()

    def test_the_single_best_answer_items_arrive_as_drafts_when_asked(self, db):
        text = (DATA / "moodle-gift-in-category.gift.txt").read_text()
        report = import_questions(text, skip_unsupported=True)
        assert report.imported == ["Greeting"]
        assert len(report.skipped) == 3
        question = Question.objects.get()
        assert question.status == QuestionStatus.DRAFT
        assert question.activity is None and question.objective is None
        # Escaped \= and \: in Moodle's HTML stem come back as plain characters.
        assert question.stem.startswith('<a href="http://demo.moodle.net/file.php/5/media/bonjour.mp3">')
        assert "Listen to this greeting:</a>" in question.stem
        assert list(question.choices.values_list("text", "is_correct", "feedback")) == [
            ("English", False, "Sorry, listen again."),
            ("French", True, "Yes, well done!"),
            ("German", False, "Sorry, listen again."),
            ("Spanish", False, "Sorry, listen again."),
        ]
        assert question.versions.count() == 1

    def test_mixed_file_with_skip_takes_only_q2(self, db):
        report = import_questions((DATA / "moodle-gift-mixed-types.gift.txt").read_text(), skip_unsupported=True)
        assert report.imported == ["Q2"]
        choices = list(Question.objects.get(title="Q2").choices.values_list("text", "is_correct", "feedback"))
        assert choices == [
            ("yellow", True, "right; good!"),
            ("red", False, "wrong, it's yellow"),
            ("blue", False, "wrong, it's yellow"),
        ]


class TestInvalidImportsSaveNothing:
    def gift(self, body: str, category: str = "") -> str:
        head = f"$CATEGORY: {category}\n\n" if category else ""
        return head + body

    @pytest.mark.parametrize(
        ("body", "problem"),
        [
            ("::Two::Q?{=a ~b}", "at least 3 choices"),
            ("::None right::Q?{~a ~b ~c}", "exactly one correct choice; it has 0"),
            ("::Dupes::Q?{=a ~b ~ A }", "are the same"),
            ("::Empty::Q?{=a ~b ~#only feedback}", "is empty"),
            ("Untitled?{=a ~b ~c}", "has no ::title::"),
        ],
    )
    def test_a_bad_item_is_reported_with_its_title_or_line(self, db, body, problem):
        good = "::Good::Fine?{=a ~b ~c}\n\n"
        with pytest.raises(ImportRefusedError) as error:
            import_questions(good + body)
        assert any(problem in message for message in error.value.problems)
        assert not Question.objects.exists()

    def test_an_unknown_activity_in_a_category_is_refused(self, db):
        with pytest.raises(ImportRefusedError, match="names no activity"):
            import_questions(self.gift("::A::Q?{=a ~b ~c}", "no-such-activity/post"))
        assert not Question.objects.exists()

    def test_an_unknown_objective_is_refused(self, seed_activity):
        text = self.gift(
            '// cme: {"objective": 9, "reference": "PATINA", "status": "published"}\n::A::Q?{=a ~b ~c}',
            f"{seed_activity.slug}/post",
        )
        with pytest.raises(ImportRefusedError, match="no learning objective 9"):
            import_questions(text)
        assert not Question.objects.exists()

    def test_broken_xml_is_refused(self, db):
        with pytest.raises(ImportRefusedError, match="not valid Moodle XML"):
            import_questions("<quiz><question></quiz>")

    def test_an_xml_entity_bomb_is_refused(self, db):
        bomb = '<?xml version="1.0"?><!DOCTYPE q [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><quiz>&b;</quiz>'
        with pytest.raises(ImportRefusedError):
            import_questions(bomb)

    def test_the_command_lists_each_problem_and_fails(self, db, tmp_path):
        path = tmp_path / "bad.gift"
        path.write_text("::One::Q?{=a ~b}\n\n::Two::Q?{~a ~b ~c}\n")
        err = StringIO()
        with pytest.raises(CommandError, match="Nothing was imported: 2 problem"):
            call_command("import_questions", str(path), stderr=err)
        assert "“One” (line 1)" in err.getvalue() and "“Two” (line 3)" in err.getvalue()


def test_gift_escaping_round_trips_special_characters():
    text = "Dose ≥3 {a} = b ~ c # d : e \\ f\nsecond line"
    assert gift.unescape(gift.escape(text)) == text


class TestMalformedInputIsRefusedNotCrashed:
    def test_an_overlong_title(self, db):
        with pytest.raises(ImportRefusedError, match="longer than 100 characters"):
            import_questions(f"::{'T' * 101}::Q?{{=a ~b ~c}}")

    @pytest.mark.parametrize("metadata", ["5", "[1]", "null", '"x"', "{not json"])
    def test_metadata_that_is_not_a_json_object(self, db, metadata):
        with pytest.raises(ImportRefusedError, match="not a JSON object"):
            import_questions(f"// cme: {metadata}\n::A::Q?{{=a ~b ~c}}")

    def test_a_non_numeric_fraction(self, db):
        xml = (
            '<quiz><question type="multichoice"><name><text>A</text></name><questiontext><text>Q?</text>'
            '</questiontext><single>true</single><answer fraction="lots"><text>a</text></answer></question></quiz>'
        )
        with pytest.raises(ImportRefusedError, match="fraction is not a number"):
            import_questions(xml)


def test_moodle_html_answers_arrive_as_plain_text(db):
    xml = """
    <?xml version="1.0" encoding="UTF-8"?>
    <quiz><question type="multichoice"><name><text>Html</text></name>
      <questiontext format="html"><text><![CDATA[<p>Which?</p>]]></text></questiontext>
      <single>true</single>
      <answer fraction="100" format="html"><text><![CDATA[<p>Right &amp; proper</p>]]></text>
        <feedback format="html"><text><![CDATA[<p>Yes.</p>]]></text></feedback></answer>
      <answer fraction="0" format="html"><text><![CDATA[<p>Wrong</p>]]></text></answer>
      <answer fraction="0" format="html"><text><![CDATA[<p>Also wrong</p>]]></text></answer>
    </question></quiz>"""
    import_questions(xml)
    assert list(Question.objects.get().choices.values_list("text", "feedback")) == [
        ("Right & proper", "Yes."),
        ("Wrong", ""),
        ("Also wrong", ""),
    ]


def test_an_arrow_inside_a_choice_is_not_a_matching_question(db):
    report = import_questions("::Seq::Which sequence?{=THP -> T-DXd ~T-DXd -> THP ~Neither order}")
    assert report.imported == ["Seq"]


def test_text_that_looks_like_gift_syntax_round_trips(seed_activity):
    from quizzes.services import question_create
    from quizzes.validation import ChoiceData

    question = question_create(
        activity=seed_activity, title="Tricky", stem="Which?", explanation="[html] is literal here",
        objective=None, reference=None,
        choices=[ChoiceData("%50% of patients", True, "[plain] too"), ChoiceData("b", False), ChoiceData("c", False)],
    )  # fmt: skip
    quiz = Quiz.objects.create(activity=seed_activity, kind="post")
    QuizSlot.objects.create(quiz=quiz, question=question, position=1)
    text = export_quizzes(Quiz.objects.all(), fmt="gift")
    wipe_questions()
    import_questions(text)
    imported = Question.objects.get(title="Tricky")
    assert imported.explanation == "[html] is literal here"
    assert imported.choices.values_list("text", "feedback").first() == ("%50% of patients", "[plain] too")
