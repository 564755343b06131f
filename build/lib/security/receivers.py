"""Failed logins and lockouts go to the security log from the signals that announce them."""

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from .models import SecurityEvent


def _account(username):
    if not username:
        return None
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


@receiver(user_login_failed, dispatch_uid="security.login_failed")
def log_failed_login(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD, "")
    SecurityEvent.objects.record(
        SecurityEvent.Kind.LOGIN_FAILED,
        request,
        user=_account(username),
        username=username,
        detail=credentials.get("reason", ""),
    )


@receiver(user_locked_out, dispatch_uid="security.locked_out")
def log_lockout(sender, request, username=None, ip_address=None, **kwargs):
    SecurityEvent.objects.record(
        SecurityEvent.Kind.LOCKED_OUT, request, user=_account(username), username=username or ""
    )
