from allauth.account.models import EmailAddress
from django.core.management import call_command

from accounts.models import User


def test_demo_accounts_are_created_once_and_can_log_in(client, db, settings):
    settings.DEBUG = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)

    assert User.objects.count() == 2
    staff = User.objects.get(email="staff@example.com")
    assert staff.is_staff and staff.is_superuser
    assert EmailAddress.objects.filter(verified=True, primary=True).count() == 2
    response = client.post("/accounts/login/", {"login": "learner@example.com", "password": "cme-demo-learner"})
    assert response.status_code == 302


def test_no_demo_accounts_without_debug(db, settings, capsys):
    settings.DEBUG = False
    call_command("load_demo")
    assert not User.objects.exists()
    assert "DEBUG is off" in capsys.readouterr().out
