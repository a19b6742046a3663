import pytest
from django.core.exceptions import ValidationError

from accounts.validators import npi_check_digit_is_valid, validate_npi


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", "1003000126"])
def test_it_accepts_npis_with_a_valid_check_digit(npi):
    validate_npi(npi)


@pytest.mark.parametrize("npi", ["1234567890", "1234567894", "1245319590"])
def test_it_rejects_a_wrong_check_digit(npi):
    with pytest.raises(ValidationError) as error:
        validate_npi(npi)
    assert error.value.code == "npi_check_digit"


@pytest.mark.parametrize("npi", ["123456789", "12345678931", "12345a7893", "１２３４５６７８９３", ""])
def test_it_rejects_anything_but_ten_ascii_digits(npi):
    with pytest.raises(ValidationError) as error:
        validate_npi(npi)
    assert error.value.code == "npi_length"


def test_the_check_digit_uses_the_80840_prefix():
    # Plain Luhn over the ten digits would accept 1234567897 instead.
    assert npi_check_digit_is_valid("1234567893")
    assert not npi_check_digit_is_valid("1234567897")
