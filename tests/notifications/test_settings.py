"""The email retry settings come from the environment like every other."""

import pytest

from tests.test_settings import PRODUCTION_ENV, manage


@pytest.mark.parametrize(("variable", "value"), [("EMAIL_MAX_ATTEMPTS", "0"), ("EMAIL_RETRY_DELAY", "soon")])
def test_a_bad_retry_setting_stops_start_up_and_names_it(variable, value):
    result = manage("check", **PRODUCTION_ENV, **{variable: value})
    assert result.returncode != 0
    assert f"{variable} must be" in result.stderr
