"""Revocation status lists and the Open Badges credential.

Every certificate takes a place in a status list, those issued before this
migration included: each gets a random free index in the open list, the same
way a claim does (credits.services), so the published lists say for every
certificate whether it is revoked. The credential itself is issued on first
use, not here: it is signed with the key the site holds at that moment.
"""

import random

import django.db.models.deletion
from django.db import migrations, models

STATUS_LIST_SIZE = 131_072  # frozen here: the model's constant may change, this migration may not


def place_issued_certificates(apps, schema_editor):
    StatusList = apps.get_model("credits", "StatusList")
    Certificate = apps.get_model("credits", "Certificate")
    pending = list(Certificate.objects.filter(status_list=None).order_by("pk").only("pk"))
    chooser = random.SystemRandom()
    number = 0
    while pending:
        number += 1
        take = pending[: STATUS_LIST_SIZE // 2]
        pending = pending[len(take) :]
        StatusList.objects.create(number=number, allocated=len(take))
        for certificate, index in zip(take, chooser.sample(range(STATUS_LIST_SIZE), len(take)), strict=True):
            certificate.status_list_id, certificate.status_index = number, index
        Certificate.objects.bulk_update(take, ["status_list", "status_index"], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [
        ("credits", "0005_commitment_to_change"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusList",
            fields=[
                ("number", models.PositiveIntegerField(primary_key=True, serialize=False)),
                ("allocated", models.PositiveIntegerField(default=0)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("allocated__lte", 131072), ("number__gte", 1)),
                        name="credits_statuslist_bounds",
                    )
                ],
            },
        ),
        migrations.AddField(
            model_name="certificate",
            name="credential_json",
            field=models.TextField(
                blank=True,
                help_text="The signed Open Badges 3.0 credential exactly as first issued; never rewritten.",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="status_list",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="credits.statuslist",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(
                null=True, help_text="The certificate's bit in its revocation status list."
            ),
        ),
        migrations.RunPython(place_issued_certificates, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="certificate",
            name="status_list",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, related_name="certificates", to="credits.statuslist"
            ),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="status_index",
            field=models.PositiveIntegerField(help_text="The certificate's bit in its revocation status list."),
        ),
        migrations.AddIndex(
            model_name="certificate",
            index=models.Index(
                condition=models.Q(("revoked_at__isnull", False)),
                fields=["status_list", "status_index"],
                name="credits_certificate_revoked",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                fields=("status_list", "status_index"), name="credits_certificate_status_once"
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.CheckConstraint(
                condition=models.Q(("status_index__lt", 131072)), name="credits_certificate_status_in_list"
            ),
        ),
    ]
