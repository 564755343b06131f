from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_required(app_configs, **kwargs):
    """A production site without a required second factor is a choice made out loud."""
    if settings.DEBUG or settings.KIDAL_REQUIRE_2FA:
        return []
    return [
        Warning(
            "KIDAL_REQUIRE_2FA is off with DEBUG off: staff can log in with a password alone.",
            hint="Unset KIDAL_REQUIRE_2FA (it defaults to on when DEBUG is off).",
            id="security.W001",
        )
    ]
