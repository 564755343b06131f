from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .addresses import client_address


class AppendOnly(Exception):
    """Security log entries are written once and never changed or deleted."""


class SecurityEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnly(_("The security log cannot be changed."))

    def delete(self):
        raise AppendOnly(_("The security log cannot be changed."))


class SecurityEventManager(models.Manager.from_queryset(SecurityEventQuerySet)):
    def record(self, kind, request=None, *, user=None, username="", detail=""):
        """Append an entry; the address and path come from ``request`` when there is one."""
        if user is not None and not user.is_authenticated:
            user = None
        return self.create(
            kind=kind,
            user=user,
            username=(username or (user.get_username() if user else ""))[:150],
            address=client_address(request) if request is not None else None,
            path=request.path[:500] if request is not None else "",
            detail=str(detail)[:2000],
        )


class SecurityEvent(models.Model):
    """One entry of the append-only security log."""

    class Kind(models.TextChoices):
        LOGIN_FAILED = "login_failed", _("failed login")
        LOCKED_OUT = "locked_out", _("lockout")
        STEP_REFUSED = "step_refused", _("refused review step")
        PERMISSION_DENIED = "permission_denied", _("permission refused")
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("second factor set up")
        SECOND_FACTOR_RESET = "second_factor_reset", _("second factor reset")

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    # The account concerned, when there is one; the name stays if the account is deleted.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    path = models.CharField(_("path"), max_length=500, blank=True)
    detail = models.TextField(_("detail"), blank=True)

    objects = SecurityEventManager()

    class Meta:
        verbose_name = _("security log entry")
        verbose_name_plural = _("security log")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M:%S} {self.get_kind_display()} {self.username}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly(_("The security log cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly(_("The security log cannot be changed."))
