import quizzes.models
import quizzes.validation
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0005_question_idnumber_fill"),
    ]

    operations = [
        migrations.AlterField(
            model_name="question",
            name="idnumber",
            field=models.CharField(
                blank=True,
                default=quizzes.models.new_idnumber,
                help_text="How GIFT and Moodle XML imports recognise this question (Moodle's “ID number”). Assigned automatically; change it only to match an item in another system.",
                max_length=40,
                validators=[quizzes.validation.validate_idnumber],
                verbose_name="ID number",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.CheckConstraint(
                condition=models.Q(("idnumber", ""), _negated=True),
                name="quizzes_question_has_idnumber",
                violation_error_message="Every question needs an ID number; imports recognise it by that.",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                fields=("activity", "idnumber"),
                name="quizzes_question_idnumber_unique_in_activity",
                violation_error_message="Another question of this activity already has this ID number.",
            ),
        ),
        migrations.AddConstraint(
            model_name="question",
            constraint=models.UniqueConstraint(
                condition=models.Q(("activity__isnull", True)),
                fields=("idnumber",),
                name="quizzes_question_idnumber_unique_outside_activities",
                violation_error_message="Another question outside any activity already has this ID number.",
            ),
        ),
    ]
