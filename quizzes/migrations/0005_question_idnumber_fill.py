"""Give every existing question its own ID number, and make every title one line.

The generator is copied here rather than imported, so this migration keeps
doing what it did when it was written.
"""

import secrets
import unicodedata

from django.db import migrations

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


def new_idnumber() -> str:
    return "q-" + "".join(secrets.choice(ALPHABET) for _ in range(10))


def one_line(title: str) -> str:
    spaced = "".join(" " if unicodedata.category(char) in {"Cc", "Zl", "Zp"} else char for char in title)
    return " ".join(spaced.split())


def forwards(apps, schema_editor):
    Question = apps.get_model("quizzes", "Question")
    taken = set(Question.objects.exclude(idnumber="").values_list("activity_id", "idnumber"))
    for question in Question.objects.order_by("pk"):
        fields = []
        if not question.idnumber:
            idnumber = new_idnumber()
            while (question.activity_id, idnumber) in taken:
                idnumber = new_idnumber()
            taken.add((question.activity_id, idnumber))
            question.idnumber = idnumber
            fields.append("idnumber")
        title = one_line(question.title)
        if title != question.title:
            # A line break in a title broke the GIFT export; it becomes a space.
            question.title = title or f"Question {question.pk}"
            fields.append("title")
        if fields:
            question.save(update_fields=fields)


class Migration(migrations.Migration):
    dependencies = [
        ("quizzes", "0004_question_idnumber"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
