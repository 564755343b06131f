"""The Content-Security-Policy header on public and admin responses."""

import pytest

from tests.factories import EventFactory

POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
}


def directives(response):
    return {part.strip() for part in response["Content-Security-Policy"].split(";")}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/events/", "/feed/", "/admin/login/", "/robots.txt"])
def test_every_response_carries_the_policy(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert directives(response) == POLICY


@pytest.mark.django_db
def test_status_badges_carry_no_inline_style(admin_client):
    EventFactory()
    response = admin_client.get("/admin/events/event/")
    assert b'class="status-badge status-' in response.content
    assert b"style=" not in response.content
