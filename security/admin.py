from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.db.models import Exists, OuterRef
from django.urls import Resolver404, resolve, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import devices
from .models import SecurityEvent

# Devices are set up by their owner on their own page and only ever removed by a reset:
# nobody sees or creates another person's secret from the admin.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


def entry_url(admin_site, path):
    """The change page of the entry an admin address is about ("/admin/events/claim/12/
    transition/" → "/admin/events/claim/12/change/"), or None."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    object_id = match.kwargs.get("object_id")
    if match.namespace != admin_site.name or not object_id:
        return None
    for model in admin_site._registry:
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        if (match.url_name or "").startswith(prefix):
            return reverse(f"{admin_site.name}:{prefix}change", args=[object_id])
    return None


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log, read-only for every staff member, superusers included."""

    list_display = ("created_at", "kind", "username", "concerns", "address", "path", "detail")
    list_filter = ("kind", "created_at")
    search_fields = ("username", "address", "path", "detail")
    date_hierarchy = "created_at"
    list_select_related = ("user",)
    actions = None

    @admin.display(description=_("concerns"))
    def concerns(self, event):
        """A link to the admin page of what the entry is about: the entry whose page or step
        was refused, else the account."""
        entry = entry_url(self.admin_site, event.path)
        if entry:
            return format_html('<a href="{}">{}</a>', entry, _("the entry"))
        if event.user_id:
            url = reverse(
                f"admin:{User._meta.app_label}_{User._meta.model_name}_change",
                args=[event.user_id],
            )
            return format_html('<a href="{}">{}</a>', url, event.user.get_username())
        return "—"

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(UserAdmin):
    """Django's user admin, with whether each person has set up a second factor and a way
    for a superuser to reset it (for a lost phone)."""

    list_display = (*UserAdmin.list_display, "second_factor")
    actions = ["reset_second_factor"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_second_factor=Exists(
                    TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
                )
            )
        )

    @admin.display(description=_("second factor"), boolean=True, ordering="has_second_factor")
    def second_factor(self, obj):
        return obj.has_second_factor

    def has_reset_second_factor_permission(self, request):
        return request.user.is_superuser

    @admin.action(
        description=_("Reset the second factor of the selected people"),
        permissions=["reset_second_factor"],
    )
    def reset_second_factor(self, request, queryset):
        for person in queryset:
            devices.reset(person)
            SecurityEvent.objects.record(
                SecurityEvent.Kind.SECOND_FACTOR_RESET,
                request,
                user=person,
                detail=_("by %(admin)s") % {"admin": request.user.get_username()},
            )
        count = len(queryset)
        self.message_user(
            request,
            ngettext(
                "The second factor of %(count)d person was reset: they set up a new one at "
                "their next login.",
                "The second factor of %(count)d people was reset: they set up a new one at "
                "their next login.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
