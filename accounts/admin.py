from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm

from accounts.models import User


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserCreationForm
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "degree", "profession", "country", "is_staff")
    list_filter = ("is_staff", "is_active", "profession", "degree", "country")
    search_fields = ("email", "first_name", "last_name", "npi", "board_id")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name as printed on certificates", {"fields": ("first_name", "last_name")}),
        (
            "Professional details",
            {"fields": ("degree", "degree_other", "profession", "specialty", "npi", "certifying_board", "board_id")},
        ),
        (
            "Reporting (PARS) and licensure",
            {"fields": ("birth_month", "birth_day", "country", "license_region", "license_number")},
        ),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # Learners change their address themselves and confirm it by email; an
        # edit here would leave allauth's verified address behind.
        return ("email",) if obj else ()

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)
