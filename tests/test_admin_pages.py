"""Every admin list and add page renders for staff (a smoke test over every registered model)."""

import pytest
from django.contrib import admin
from django.urls import reverse


def registered_models():
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.mark.parametrize("model", registered_models(), ids=lambda model: model._meta.label)
def test_the_changelist_and_add_pages_render(staff_client, seed_questions, model):
    opts = model._meta
    changelist = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403)  # 403 where records are never added by hand


def test_every_seed_object_opens_in_admin(staff_client, seed_questions):
    from activities.models import Activity, Chart, Contributor
    from quizzes.models import Question, QuestionVersion, Quiz

    for model in (Activity, Chart, Contributor, Question, QuestionVersion, Quiz):
        for obj in model.objects.all()[:3]:
            opts = model._meta
            url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            assert staff_client.get(url).status_code == 200, url
