"""The static mirror: the live site's pages with relative links, nothing unpublished, a
signed manifest that verify_mirror and standard tools check, and incremental rebuilds that
write what a full build writes."""

import re
import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command

from events import drafts, workflow
from mirror import signing
from tests.factories import EventFactory, published_claim
from tests.public.helpers import SECRETS, build_record

pytestmark = pytest.mark.django_db

# The documented differences between a live page and its mirrored file: link addresses,
# and forms, which are removed.
LINK = re.compile(r'(\s(?:href|src))="([^"]*)"')
FORM = re.compile(r"<form\b.*?</form>\s*", re.DOTALL)
NOT_A_FILE = re.compile(r"^(?:[a-z]+:|#)")


@pytest.fixture(autouse=True)
def _build_state_in_a_folder_of_its_own(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def key(tmp_path):
    path = tmp_path / "mirror-key.pem"
    call_command("mirror_key", str(path), stdout=StringIO())
    return path


@pytest.fixture
def record():
    return build_record()


def build(folder, key, **options):
    out = StringIO()
    call_command("build_mirror", str(folder), key=str(key), stdout=out, verbosity=0, **options)
    return out.getvalue()


def rendered(report):
    return int(re.search(r"(\d+) rendered, \d+ reused", report)[1])


def verify(folder, *args):
    out, err = StringIO(), StringIO()
    try:
        call_command("verify_mirror", str(folder), *args, stdout=out, stderr=err)
    except CommandError:
        return False, err.getvalue()
    return True, out.getvalue()


def digests(folder):
    return {
        path.relative_to(folder).as_posix(): signing.file_digest(path)
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def mirror(tmp_path, key, record):
    folder = tmp_path / "mirror"
    build(folder, key)
    return folder


def live(client, url, language="en"):
    cache.clear()  # rendered afresh, not the mirror's own render from the cache
    client.cookies["django_language"] = language
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.mark.parametrize(
    "url, language, file",
    [
        ("/", "en", "index.html"),
        ("/events/drone-strike/", "en", "events/drone-strike/index.html"),
        ("/events/drone-strike/", "fr", "fr/events/drone-strike/index.html"),
        ("/events/", "en", "events/index.html"),
        ("/corrections/", "fr", "fr/corrections/index.html"),
    ],
)
def test_a_mirrored_page_is_the_live_page_but_for_its_links_and_forms(
    client, mirror, url, language, file
):
    page = live(client, url, language)
    mirrored = (mirror / file).read_text(encoding="utf-8")
    assert "<form" in page and "<form" not in mirrored
    assert LINK.sub(r'\1=""', FORM.sub("", page)) == LINK.sub(r'\1=""', mirrored)


def test_links_are_relative_and_the_language_link_leads_to_the_other_file(mirror):
    page = (mirror / "events/drone-strike/index.html").read_text(encoding="utf-8")
    links = {url for _attribute, url in LINK.findall(page)}
    assert "../../static/kidal/site.css" in links
    assert "../../places/kidal/index.html" in links
    assert "../../fr/events/drone-strike/index.html" in links
    assert not [url for url in links if url.startswith("/")]
    french = (mirror / "fr/events/drone-strike/index.html").read_text(encoding="utf-8")
    assert 'href="../../../events/drone-strike/index.html"' in french
    assert 'href="../../../static/kidal/site.css"' in french
    # The export files and the feed are there too.
    for name in ("exports/events.csv", "exports/claims.json", "feed/index.xml", "robots.txt"):
        assert (mirror / name).is_file(), name
    assert (mirror / "fr/feed/index.xml").read_text().count("<entry>") > 0


def test_every_link_of_every_mirrored_page_leads_to_a_file_of_the_mirror(mirror):
    pages = list(mirror.rglob("*.html"))
    assert len(pages) > 40
    for page in pages:
        for _attribute, url in LINK.findall(page.read_text(encoding="utf-8")):
            if NOT_A_FILE.match(url):
                continue
            target = (page.parent / url.split("#")[0]).resolve()
            assert target.is_file(), f"{url} on {page.relative_to(mirror)}"
            assert target.is_relative_to(mirror.resolve())


def test_nothing_unpublished_is_anywhere_in_the_mirror(mirror):
    files = [path for path in mirror.rglob("*") if path.is_file()]
    for path in files:
        text = path.read_bytes().decode("utf-8", errors="replace")
        for secret in [*SECRETS, "Hiddenplace", "Hiddenactor"]:
            assert secret not in text, f"{secret} in {path.relative_to(mirror)}"
    assert not (mirror / "events/draft-event").exists()
    assert not (mirror / "events/withdrawn-event").exists()


def test_verify_passes_then_fails_on_any_change(mirror, tmp_path):
    ok, report = verify(mirror)
    assert ok, report

    page = mirror / "events/drone-strike/index.html"
    original = page.read_bytes()
    page.write_bytes(original.replace(b"Drones", b"Drones never"))
    assert verify(mirror) == (False, "altered: events/drone-strike/index.html\n")
    page.write_bytes(original)

    (mirror / "events/extra.html").write_text("added")
    assert verify(mirror) == (False, "extra: events/extra.html\n")
    (mirror / "events/extra.html").unlink()

    shutil.move(mirror / "robots.txt", tmp_path / "robots.txt")
    assert verify(mirror) == (False, "missing: robots.txt\n")
    shutil.move(tmp_path / "robots.txt", mirror / "robots.txt")
    assert verify(mirror)[0]

    # A manifest changed to match an altered file no longer matches its signature.
    manifest = (mirror / signing.MANIFEST).read_text()
    (mirror / signing.MANIFEST).write_text(manifest.replace(manifest[:64], "0" * 64, 1))
    ok, report = verify(mirror)
    assert not ok and "the signature SHA256SUMS.sig does not match SHA256SUMS" in report
    (mirror / signing.MANIFEST).write_text(manifest)

    # Signed by another key than the publisher's.
    other = tmp_path / "other.pem"
    call_command("mirror_key", str(other), stdout=StringIO())
    other_public = tmp_path / "other-public.pem"
    other_public.write_bytes(signing.public_pem(signing.load_private_key(other)))
    assert not verify(mirror, "--public-key", str(other_public))[0]
    signature = mirror / signing.SIGNATURE
    signature.write_bytes(signing.load_private_key(other).sign(manifest.encode()))
    assert not verify(mirror)[0]


def test_a_rebuild_writes_only_what_changed(mirror, key, record):
    before = digests(mirror)
    assert build(mirror, key).startswith(f"0 written, {len(before) - 2} unchanged, 0 removed")
    assert digests(mirror) == before

    workflow.submit(record.strike, by=record.author)
    workflow.approve(record.strike, by=record.approver)
    report = build(mirror, key)
    after = digests(mirror)
    changed = {name for name in after if after[name] != before.get(name)}
    changed -= {signing.MANIFEST, signing.SIGNATURE}
    assert "events/drone-strike/index.html" in changed
    assert "fr/events/drone-strike/index.html" in changed
    assert "static/kidal/site.css" not in changed
    written = int(report.split()[0])
    assert written == len(changed), report
    assert verify(mirror)[0]

    # A page taken off the site leaves the mirror, with its folder.
    workflow.withdraw(record.battle, by=record.approver, comment="Merged.")
    report = build(mirror, key)
    assert not (mirror / "events/anefis-fighting").exists()
    assert not (mirror / "fr/events/anefis-fighting").exists()
    removed = int(report.split(",")[2].split()[0])
    assert removed >= 2
    assert verify(mirror)[0]


def test_a_key_is_never_replaced_and_a_build_needs_one(tmp_path, key, record, settings):
    with pytest.raises(CommandError, match="never replaced"):
        call_command("mirror_key", str(key), stdout=StringIO())
    settings.KIDAL_MIRROR_SIGNING_KEY = ""
    with pytest.raises(CommandError, match="No signing key"):
        call_command("build_mirror", str(tmp_path / "m"), stdout=StringIO())
    not_a_key = tmp_path / "not-a-key.pem"
    not_a_key.write_text("hello")
    with pytest.raises(CommandError, match="cannot read the signing key"):
        build(tmp_path / "m", not_a_key)


def readme_commands():
    """The shell commands of the README's block on checking a copy."""
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- mirror verification -->", 1)[1].split("```sh\n", 1)[1]
    lines = block.split("```", 1)[0].splitlines()
    return [line for line in lines if line]


@pytest.mark.skipif(
    not (shutil.which("openssl") and shutil.which("sha256sum")), reason="needs openssl"
)
def test_the_readme_verification_commands_check_a_copy(mirror, key):
    commands = readme_commands()
    assert any("openssl pkeyutl -verify" in command for command in commands)
    assert any("sha256sum -c" in command for command in commands)

    def run_all():
        return [
            subprocess.run(command, shell=True, cwd=mirror, capture_output=True, text=True)
            for command in commands
        ]

    results = run_all()
    assert all(result.returncode == 0 for result in results), results
    fingerprint = signing.fingerprint(signing.load_private_key(key).public_key())
    assert any(fingerprint in result.stdout for result in results)

    page = mirror / "events/drone-strike/index.html"
    page.write_bytes(page.read_bytes() + b" ")
    assert any(result.returncode != 0 for result in run_all())
    page.write_bytes(page.read_bytes()[:-1])
    (mirror / signing.SIGNATURE).write_bytes(bytes(64))
    assert any(result.returncode != 0 for result in run_all())


@pytest.mark.skipif(not shutil.which("openssl"), reason="needs openssl")
def test_a_key_made_with_openssl_signs_too(tmp_path, record):
    key = tmp_path / "openssl-key.pem"
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out", str(key)], check=True)
    build(tmp_path / "mirror", key)
    assert verify(tmp_path / "mirror")[0]


# Incremental rebuilds ------------------------------------------------------------------


def edited_and_approved(entry, record, **fields):
    snapshot = drafts.snapshot_of(entry)
    snapshot["fields"].update(fields)
    workflow.edit(entry, snapshot, by=record.author)
    entry.refresh_from_db()
    workflow.submit(entry, by=record.author)
    workflow.approve(entry, by=record.approver)


def claim_approved_on_an_event(record):
    published_claim(
        author=record.author,
        approver=record.approver,
        event=record.battle,
        citation=record.rfi_report,
        claimant_actor=record.mnla,
        text="The MNLA said it held the wells.",
    )


def citation_withdrawn(record):
    workflow.withdraw(record.csp_statement, by=record.approver, comment="Not theirs.")


def source_renamed(record):
    edited_and_approved(record.rfi, record, name="Radio France Internationale")


def actor_renamed(record):
    edited_and_approved(record.fama, record, name="FAMa")


def claim_withdrawn_and_deleted(record):
    workflow.withdraw(record.army_claim, by=record.approver, comment="Duplicate.")
    workflow.delete(record.army_claim, by=record.approver)


def outlet_found_to_be_a_party(record):
    # Only the stored corroboration of the claims RFI backs changes with it.
    edited_and_approved(record.rfi, record, is_party=True, actor=record.fama.pk)


def nothing(record):
    pass


# An entry's own pages, in either language: every other page is rendered at each build.
OWN_PAGE = re.compile(r"^(?:fr/)?(?:events|claims|actors|places|sources|citations)/[^/]+/")
NOT_PAGES = {signing.MANIFEST, signing.SIGNATURE, signing.PUBLIC_KEY}


CHANGES = [
    claim_approved_on_an_event,
    citation_withdrawn,
    source_renamed,
    actor_renamed,
    claim_withdrawn_and_deleted,
    outlet_found_to_be_a_party,
    nothing,
]


def test_an_incremental_rebuild_writes_what_a_full_build_writes(tmp_path, key, record):
    """One mirror rebuilt after each kind of change in turn (so that they also meet one
    another), each time compared with a full build into a new folder."""
    folder = tmp_path / "mirror"
    first = build(folder, key)
    assert "full build (no state of an earlier build)" in first
    for step, change in enumerate(CHANGES):
        before = digests(folder)
        change(record)
        report = build(folder, key)
        assert "; incremental build;" in report, change.__name__
        fresh = tmp_path / f"fresh-{step}"
        full_report = build(fresh, key)
        assert "full build" in full_report

        after = digests(folder)
        assert after == digests(fresh), change.__name__
        assert (after == before) == (change is nothing), change.__name__
        assert rendered(report) < rendered(full_report), change.__name__
        shutil.rmtree(fresh)
    assert verify(folder)[0]
    # After no change, only the pages that are not an entry's own are rendered.
    pages = [name for name in after if name not in NOT_PAGES]
    assert rendered(report) == len([name for name in pages if not OWN_PAGE.match(name)])


def test_a_rebuild_after_one_approval_renders_a_small_part_of_the_site(tmp_path, key, record):
    for number in range(15):
        published_claim(
            author=record.author,
            approver=record.approver,
            event=EventFactory(title=f"Clash {number}", place=record.anefis),
            citation=record.rfi_report,
            text=f"Claim {number}",
        )
    folder = tmp_path / "mirror"
    full_report = build(folder, key)
    claim_approved_on_an_event(record)
    report = build(folder, key)
    assert rendered(report) * 4 < rendered(full_report), (report, full_report)


def test_a_changed_template_setting_or_key_or_full_means_a_full_build(
    tmp_path, key, record, settings
):
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "unused.html").write_text("one")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], templates]}
    ]
    folder = tmp_path / "mirror"
    build(folder, key)
    assert "; incremental build;" in build(folder, key)

    (templates / "unused.html").write_text("two")
    assert "full build (the code, templates, translations" in build(folder, key)
    assert "full build (--full)" in build(folder, key, full=True)
    settings.KIDAL_SITE_URL = "http://kidal.example.org"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "kidal.example.org"]
    assert "full build (the code, templates, translations" in build(folder, key)
    other = tmp_path / "other-key.pem"
    call_command("mirror_key", str(other), stdout=StringIO())
    assert "full build (another signing key)" in build(folder, other)

    # A folder changed behind the builder's back is rendered whole again.
    (folder / signing.MANIFEST).write_text("")
    assert "full build (the folder's manifest is not" in build(folder, other)
    assert "; incremental build;" in build(folder, other)
    assert verify(folder)[0]
