import quizzes.validation
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0003_questions_per_page"),
    ]

    operations = [
        # Blank for now: a callable default here would be evaluated once and give
        # every existing row the same value. 0005 gives each row its own.
        migrations.AddField(
            model_name="question",
            name="idnumber",
            field=models.CharField(blank=True, default="", max_length=40, verbose_name="ID number"),
        ),
        migrations.AlterField(
            model_name="question",
            name="title",
            field=models.CharField(
                help_text="A short name for the bank; learners never see it.",
                max_length=100,
                validators=[quizzes.validation.validate_one_line],
            ),
        ),
    ]
