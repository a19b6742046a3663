from accounts.models import Profession, User


def profile_missing_for_certificate(user: User) -> list[str]:
    """Labels of the profile details a certificate still needs, in form order."""
    missing = [
        User._meta.get_field(field).verbose_name
        for field in ("first_name", "last_name", "degree", "profession", "country")
        if not getattr(user, field)
    ]
    if user.profession == Profession.PHYSICIAN and user.country == "US" and not user.npi:
        missing.append("NPI (required for US physicians)")
    return [str(label) for label in missing]
