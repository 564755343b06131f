import pytest
from django.core.management import CommandError, call_command

from events.models import Event

pytestmark = pytest.mark.django_db


def test_refuses_to_create_demo_accounts_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert not Event.objects.exists()
