"""dump_record / restore_record: a record built through the workflow (approvals,
withdrawals, pending changes, drafts, history) is dumped, the database emptied, the file
restored, and the public site must answer byte for byte as before, with every row, version,
review step and timestamp exactly as it was."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test import Client
from reversion.models import Revision, Version

from events import export_files, record, workflow
from events.models import Transition
from tests.factories import editor
from tests.public.helpers import build_record

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
SITE = "http://testserver"
# The moment is written "30 November 2026, 21:56": day, comma, time to the minute.
BUILT_ON = re.compile(rb"The files were built on [^,]*, \d\d:\d\d,")

# Emptying the database needs real transactions; the groups and permissions that
# migrations created come back after each test.
record_test = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    # Emptying the database renumbers content types; later tests must not meet stale ids.
    yield
    ContentType.objects.clear_cache()


def public_site():
    """Every public page the sitemaps list, the sitemaps themselves and the feed, as a
    reader gets them: content and Last-Modified, from freshly built pages."""
    cache.clear()
    client = Client()
    paths = ["/sitemap.xml", "/feed/"]
    index = client.get("/sitemap.xml")
    for section in ET.fromstring(index.content).iter(f"{SITEMAP}loc"):
        section_path = section.text.removeprefix(SITE)
        paths.append(section_path)
        listing = client.get(section_path)
        paths += [
            loc.text.removeprefix(SITE)
            for loc in ET.fromstring(listing.content).iter(f"{SITEMAP}loc")
        ]
    pages = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if path == "/exports/":
            # The one line allowed to differ: when the export files were built (the files
            # themselves are compared by their digests).
            body = BUILT_ON.sub(b"", body)
        pages[path] = (body, response.get("Last-Modified"))
    return pages


def stored_rows():
    """Every row of the record as Python values (times to the microsecond), content types
    and groups by name since a new database numbers its own."""
    return {
        model._meta.label: serializers.serialize(
            "python",
            model._base_manager.order_by(model._meta.pk.name),
            use_natural_foreign_keys=True,
            use_natural_primary_keys=model in record.MATCHED_BY_NAME,
        )
        for model in record.models()
    }


def export_digests():
    return {name: info["sha256"] for name, info in export_files.build(force=True)["files"].items()}


@record_test
@pytest.mark.parametrize("suffix", [".json", ".json.gz"])
def test_a_dumped_record_restores_the_same_public_site_and_history(tmp_path, suffix):
    build_record()
    pages, rows, digests = public_site(), stored_rows(), export_digests()
    counts = (Version.objects.count(), Revision.objects.count(), Transition.objects.count())
    assert len(pages) > 20 and counts[0] and counts[2]
    assert any(step.created_at.microsecond % 1000 for step in Transition.objects.all()), (
        "no timestamp with sub-millisecond digits to prove precision on"
    )

    path = tmp_path / f"record{suffix}"
    call_command("dump_record", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("flush", interactive=False, verbosity=0)
    assert Transition.objects.count() == 0
    call_command("restore_record", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert (Version.objects.count(), Revision.objects.count(), Transition.objects.count()) == counts
    assert stored_rows() == rows
    assert public_site() == pages
    assert export_digests() == digests


@record_test
def test_the_restored_record_carries_on_through_the_workflow(tmp_path):
    r = build_record()
    last_user = get_user_model().objects.order_by("pk").last().pk
    path = tmp_path / "record.json"
    call_command("dump_record", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("flush", interactive=False, verbosity=0)
    call_command("restore_record", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    # New rows get ids after the restored ones (PostgreSQL's sequences were reset), and the
    # pending change restored with the strike waits for a reviewer.
    assert editor("after-restore").pk > last_user
    strike = type(r.strike).objects.get(pk=r.strike.pk)
    workflow.submit(strike, by=r.author)
    workflow.approve(strike, by=r.approver)
    assert b"Zqxpendingsummary" in Client().get(strike.get_absolute_url()).content


@record_test
def test_restore_refuses_a_database_that_holds_a_record(tmp_path):
    build_record()
    path = tmp_path / "record.json"
    call_command("dump_record", str(path), stdout=open("/dev/null", "w"))  # noqa: SIM115
    with pytest.raises(CommandError, match="already holds"):
        call_command("restore_record", str(path))


@record_test
def test_files_of_other_kinds_are_refused(tmp_path):
    with pytest.raises(CommandError, match="must end in"):
        call_command("dump_record", str(tmp_path / "record.yaml"))


def test_times_are_written_to_the_microsecond():
    moment = datetime(2023, 11, 7, 10, 0, 0, 123456, tzinfo=UTC)
    written = json.dumps({"moment": moment}, cls=record.ExactJSONEncoder)
    assert json.loads(written)["moment"] == "2023-11-07T10:00:00.123456+00:00"
