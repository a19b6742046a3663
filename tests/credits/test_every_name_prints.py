"""Every name a learner can save prints in the certificate's own fonts; a name no font covers is refused.

A test per script issues a certificate and reads its PDF back: every font in it
is one of the printed faces (none picked up from the system by chance), and the
name's every character comes back out of the text, which a .notdef box (a glyph
with no character behind it) would not.
"""

import io
import unicodedata
from collections import Counter
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from accounts.validators import validate_printed_text
from cme import print_fonts
from credits.models import Certificate
from credits.services import certificate_pdf_bytes, credit_claim
from tests.credits.conftest import evaluate, pass_posttest

NAMES = {
    "vietnamese": ("Nguyễn Thị", "Minh Khai"),
    "polish": ("Zofia", "Łukasiewicz-Świątek"),
    "turkish": ("Şükrü", "Güneş Çağlar"),
    "greek": ("Αλέξανδρος", "Παπαδόπουλος"),
    "cyrillic": ("Анна", "Ткаченко"),
    "chinese": ("芳", "王"),
    "japanese": ("さくら", "山田"),
    "korean": ("민준", "김"),
    "arabic": ("محمد", "عبد الله"),
    "hebrew": ("דוד", "כהן"),
    "armenian": ("Անի", "Պետրոսյան"),
    "georgian": ("ნინო", "ბერიძე"),
    "ethiopic": ("ሰላም", "ተስፋዬ"),
    "devanagari": ("अनन्या", "शर्मा"),
    "bengali": ("সুমিত্রা", "দাস"),
    "tamil": ("கார்த்திக்", "ராஜா"),
    "gurmukhi": ("ਹਰਪ੍ਰੀਤ", "ਸਿੰਘ"),
    "gujarati": ("જયેશ", "પટેલ"),
    "telugu": ("వెంకట", "రావు"),
    "kannada": ("ಕಾವ್ಯಾ", "ಗೌಡ"),
    "malayalam": ("അനു", "നായർ"),
    "thai": ("สมชาย", "ใจดี"),
    "persian with a zero-width non-joiner": ("مهدی", "رضایی\u200cنژاد"),
    "latin typed decomposed": ("Nguye\u0302\u0303n", "Tha\u0300nh"),
}
# WeasyPrint names a face by its family with hyphens for spaces, "-Bold" for the bold one (and, for a
# family name ending in a digit, a comma after the regular one).
PRINTED_FACES = {
    f"{family.replace(' ', '-')}{suffix}" for family in print_fonts.FAMILIES for suffix in ("", ",", "-Bold")
}


def fonts_in(reader: PdfReader) -> set[str]:
    """The PDF's fonts by name, without the subset tag (ABCDEF+)."""
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+", 1)[-1])
    return names


def characters(text: str) -> Counter:
    # Arabic comes back as presentation forms, and in visual order: compare letters, not strings.
    # A joiner shapes the letters beside it and prints nothing of its own.
    return Counter(char for char in unicodedata.normalize("NFKC", text) if not char.isspace() and char != "\u200c")


@pytest.mark.parametrize("script", NAMES)
def test_a_name_in_each_script_prints_in_the_certificates_own_fonts(
    script, user_factory, activity, django_capture_on_commit_callbacks
):
    first, last = NAMES[script]
    learner = user_factory(first_name=first, last_name=last)
    learner.full_clean(exclude=["password"])  # the profile accepts it
    pass_posttest(learner, activity)
    evaluate(learner, activity)
    with django_capture_on_commit_callbacks(execute=True):
        issued = credit_claim(
            user=learner, activity=activity, amount=Decimal("0.50"), attested=True, pars_consent=False
        )
    reader = PdfReader(io.BytesIO(certificate_pdf_bytes(certificate=Certificate.objects.get(pk=issued.pk))))

    fonts = fonts_in(reader)
    assert fonts and fonts <= PRINTED_FACES, fonts
    text = reader.pages[0].extract_text()
    missing = characters(f"{first}{last}") - characters(text)
    assert not missing, f"not printed: {missing}"


def test_a_kanji_variant_is_accepted_and_a_leading_combining_mark_is_not():
    validate_printed_text("葛\U000e0100城")  # an ideographic variation selector after a Han character
    with pytest.raises(ValidationError, match="has no letter before it"):
        validate_printed_text("\u0338Anna")


def test_a_font_that_is_not_the_pinned_version_is_warned_about(monkeypatch):
    from cme import checks

    assert checks.print_fonts_installed(None) == []
    monkeypatch.setitem(print_fonts.PINNED_SHA256, "NotoSansThai-Bold.ttf", "0" * 64)
    (warning,) = checks.print_fonts_installed(None)
    assert warning.id == "cme.W005" and "NotoSansThai-Bold.ttf" in warning.msg


def test_the_name_of_a_japanese_learner_is_marked_japanese_for_its_han_glyphs():
    assert print_fonts.language_of("山田 さくら") == "ja"
    assert print_fonts.language_of("김민준") == "ko"
    assert print_fonts.language_of("王芳") == ""


@pytest.mark.parametrize("value", ["Ana 😀", "𓀀 Nefertari", "ᚱagnar", "Ana\U000e0100"])
def test_a_name_no_font_covers_is_refused_with_the_character_named(value):
    with pytest.raises(ValidationError) as error:
        validate_printed_text(value)
    assert error.value.code == "unprinted_character"
    assert "Certificates cannot print" in error.value.messages[0]
    assert "U+" in error.value.messages[0]


@pytest.mark.parametrize("field", ["first_name", "last_name", "degree_other", "specialty"])
def test_every_printed_profile_field_refuses_what_no_font_prints(alice, field):
    setattr(alice, field, "Ana 😀")
    with pytest.raises(ValidationError) as error:
        alice.full_clean(exclude=["password"])
    assert field in error.value.message_dict


def test_the_profile_page_says_which_character_cannot_print(alice_client):
    from tests.test_profile import PROFILE_URL, valid_profile

    response = alice_client.post(PROFILE_URL, valid_profile(first_name="Ana 😀"))
    assert response.status_code == 200 and "Certificates cannot print 😀 U+1F600" in response.text


def test_every_face_is_in_place_and_covers_its_script():
    assert print_fonts.missing() == []
    for first, last in NAMES.values():
        assert print_fonts.uncovered(first + last) == []
