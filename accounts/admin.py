from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.models import Group

from accounts.models import User
from accounts.services import group_delete, group_edit_log, user_privileges_log
from audit.admin import ActionLogLinkMixin, LoggedDeletionsMixin
from audit.services import form_changes


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


@admin.register(User)
class UserAdmin(ActionLogLinkMixin, LoggedDeletionsMixin, DjangoUserAdmin):
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

    # Only a superuser hands out privileges: with these editable, "change user"
    # alone would let a staff member make themselves superuser.
    privilege_fields = ("is_staff", "is_superuser", "groups", "user_permissions")

    def get_readonly_fields(self, request, obj=None):
        # Learners change their address themselves and confirm it by email; an
        # edit here would leave allauth's verified address behind.
        readonly = ("email",) if obj else ()
        return readonly if request.user.is_superuser else (*readonly, *self.privilege_fields)

    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "usable_password", "password1", "password2")}),)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # groups and permissions are saved here
        user_privileges_log(user=form.instance, changes=form_changes(form))


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ActionLogLinkMixin, DjangoGroupAdmin):
    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        group_edit_log(group=form.instance, changes=form_changes(form), created=not change)

    def delete_model(self, request, obj):
        group_delete(group=obj)

    def delete_queryset(self, request, queryset):
        for group in queryset:
            group_delete(group=group)


# allauth's own Authenticator admin shows the stored TOTP secret to anyone who may view it,
# and whoever reads it can make that person's codes. Staff may see who has which method and
# remove a lost one (with the delete permission); nobody sees or edits the secret.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(admin.ModelAdmin):
    list_display = ("user", "type", "created_at", "last_used_at")
    list_filter = ("type", "created_at", "last_used_at")
    search_fields = ("user__email",)
    list_select_related = ("user",)
    fields = readonly_fields = ("user", "type", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
