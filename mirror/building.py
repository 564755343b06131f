"""A static mirror of the public site: every public page in each language, the feed, the
sitemaps, robots.txt, the export files and the static files they use, as plain files with
relative links, plus a signed manifest (signing.py).

Pages are rendered by Django's test client through the real URLconf, as an anonymous
reader (never logged in, so never a preview): they are the live site's pages. Only what a
static host can serve is mirrored; in the HTML pages:

- links between mirrored pages become relative links to their files
  (``/events/x/`` → ``events/x/index.html``; a list's ``?page=2`` → ``index-page-2.html``);
  the default language sits at the top of the mirror, each other language in a folder
  named by its code (``fr/``) sharing ``static/`` and the export files;
- the language links lead to the same page's file in the other language;
- forms (the search box, the list filters: they only make query-string pages) are removed;
- links to pages that are not mirrored (a filtered list, a selection export) lead to the
  live site (``KIDAL_SITE_URL``).

The feed and the sitemaps keep the live site's absolute addresses, as those formats need.
"""

import posixpath
import re
from dataclasses import astuple, dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.test import Client, override_settings
from django.urls import Resolver404, resolve, reverse
from tqdm import tqdm

from events import export_files
from events.caching import publication_stamp
from events.exports import EXPORTS
from events.sitemaps import SITEMAPS

from . import signing, tracking
from .state import BuildState
from .state import path_for as state_path_for


class MirrorError(Exception):
    pass


# URL names whose pages are mirrored; the rest (search, the selection exports, the language
# switch, the admin, the API) need a server.
SHARED = {"events:sitemap", "events:sitemap_section", "events:robots"} | {
    f"events:export_{name.replace('.', '_')}" for name in EXPORTS
}
PER_LANGUAGE = {
    "events:home",
    "events:event_list",
    "events:event_detail",
    "events:event_version",
    "events:event_citation",
    "events:claim_list",
    "events:claim_detail",
    "events:claim_version",
    "events:claim_citation",
    "events:corrections",
    "events:actor_list",
    "events:actor_detail",
    "events:place_list",
    "events:place_detail",
    "events:map",
    "events:feed",
    "events:exports",
    "sources:source_list",
    "sources:source_detail",
    "sources:citation_detail",
}
# The pages about one row, its *own* pages (the model's, by slug or by pk in the URL).
OWNERS = {
    "events:event_detail": "events.Event",
    "events:event_version": "events.Event",
    "events:event_citation": "events.Event",
    "events:claim_detail": "events.Claim",
    "events:claim_version": "events.Claim",
    "events:claim_citation": "events.Claim",
    "events:actor_detail": "events.Actor",
    "events:place_detail": "events.Place",
    "sources:source_detail": "sources.Source",
    "sources:citation_detail": "sources.Citation",
}
# A query string that only numbers the page is mirrored: ?page=N of the lists, ?p=N of the
# sitemap files.
PAGE_PARAMETERS = {"page", "p"}
# The name of the file behind an address ending in "/", when it is not an HTML page.
INDEX_FILES = {"events:feed": "index.xml"}

LINK = re.compile(r'(?P<attribute>\s(?:href|src))="(?P<url>[^"]*)"')
FORM = re.compile(r"<form\b.*?</form>\s*", re.DOTALL)


@dataclass(frozen=True)
class Address:
    """A mirrored address: the site path, its page number, the language it is read in
    (None for what every language shares)."""

    path: str
    page: tuple = ()
    language: str | None = None

    def file(self):
        if self.path.startswith(static("")):
            return "static/" + self.path[len(static("")) :]
        name = self.path.lstrip("/")
        if name == "" or name.endswith("/"):
            name += INDEX_FILES.get(resolve(self.path).view_name, "index.html")
        if self.page:
            stem, dot, extension = name.rpartition(".")
            key, number = self.page
            name = f"{stem}-{key}-{number}{dot}{extension}"
        if self.language and self.language != settings.LANGUAGE_CODE:
            name = f"{self.language}/{name}"
        return name


def address_of(url, language):
    """The mirrored Address of a site-relative ``url`` read in ``language``, or None when
    the mirror cannot hold it."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    if parts.path.startswith(static("")):
        return None if parts.query else Address(parts.path)
    try:
        name = resolve(parts.path).view_name
    except Resolver404:
        return None
    query = parse_qsl(parts.query, keep_blank_values=True)
    page = ()
    if query:
        if len(query) != 1 or query[0][0] not in PAGE_PARAMETERS or not query[0][1].isdigit():
            return None
        if int(query[0][1]) > 1:
            page = (query[0][0], int(query[0][1]))
    if name in SHARED:
        return Address(parts.path, page)
    if name in PER_LANGUAGE:
        return Address(parts.path, page, language)
    return None


def relative(target, start):
    """The link from the file ``start`` to the file ``target``, both relative to the
    mirror's top."""
    return posixpath.relpath(target, posixpath.dirname(start) or ".")


def rewrite(html, address, found):
    """The mirrored HTML of the page at ``address``; every mirrored address it links to is
    added to ``found``."""
    here = address.file()

    def link(match):
        raw = match["url"]
        url = raw.replace("&amp;", "&")
        if url.startswith("#") or urlsplit(url).scheme or url.startswith("//"):
            return match[0]
        absolute = urljoin(address.path, url)
        parts = urlsplit(absolute)
        fragment = f"#{parts.fragment}" if parts.fragment else ""
        target = language_link(absolute) or address_of(absolute, address.language)
        if target is None:
            return f'{match["attribute"]}="{settings.KIDAL_SITE_URL}{urljoin(address.path, raw)}"'
        found.add(target)
        return f'{match["attribute"]}="{relative(target.file(), here)}{fragment}"'

    return LINK.sub(link, FORM.sub("", html))


def language_link(url):
    """The same page in another language, for a language switch link
    (``/language/fr/?next=/events/``)."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    if match.view_name != "events:switch_language":
        return None
    next_url = dict(parse_qsl(parts.query)).get("next", reverse("events:home"))
    return address_of(next_url, match.kwargs["code"])


def static_bytes(path):
    name = path[len(static("")) :]
    if staticfiles_storage.exists(name):
        with staticfiles_storage.open(name) as file:
            return file.read()
    found = finders.find(name)
    if found is None:
        raise MirrorError(f"no static file {name}")
    return Path(found).read_bytes()


def seeds():
    """What the mirror starts from: every address the sitemaps list, every sitemap file,
    the pages no sitemap names; the crawl adds what their links lead to (pagination,
    published versions, citation downloads, static files)."""
    languages = [code for code, _name in settings.LANGUAGES]
    shared = [reverse("events:sitemap"), reverse("events:robots")]
    shared += [reverse(f"events:export_{name.replace('.', '_')}") for name in EXPORTS]
    pages = [reverse("events:corrections"), reverse("events:feed")]
    for section, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class()
        url = reverse("events:sitemap_section", args=[section])
        shared += [url] + [f"{url}?p={n}" for n in sitemap.paginator.page_range if n > 1]
        pages += (sitemap.location(item) for item in sitemap.items())
    found = {address_of(url, settings.LANGUAGE_CODE) for url in shared}
    found |= {address_of(url, language) for url in pages for language in languages}
    if None in found:
        raise MirrorError("a page the sitemaps list cannot be mirrored")
    return found


def client_for_site():
    """A test client that asks as a reader of KIDAL_SITE_URL would: its host, its scheme."""
    site = urlsplit(settings.KIDAL_SITE_URL)
    return Client(HTTP_HOST=site.netloc, secure=site.scheme == "https")


def url_of(address):
    return address.path + (f"?{address.page[0]}={address.page[1]}" if address.page else "")


def owner_of(address):
    """(model, field attname, value) of the row whose own page ``address`` is, or None for
    the pages that are about no one row (lists, home, feed, static files…)."""
    if address.path.startswith(static("")):
        return None
    match = resolve(address.path)
    if match.view_name not in OWNERS:
        return None
    model = apps.get_model(OWNERS[match.view_name])
    if "slug" in match.kwargs:
        return model, "slug", match.kwargs["slug"]
    return model, model._meta.pk.attname, str(match.kwargs["pk"])


@dataclass
class Page:
    """A rendered address: its file's bytes, the rows it showed, the row it is about and
    the mirrored addresses it links to."""

    body: bytes
    rows: set = field(default_factory=set)
    owner: tuple | None = None
    links: set = field(default_factory=set)


def render(client, address):
    """The Page at ``address``, or None when the site answers that it has no such page."""
    if address.path.startswith(static("")):
        return Page(static_bytes(address.path))
    language = address.language or settings.LANGUAGE_CODE
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with tracking.loaded_rows(owner_of(address)) as (rows, owners):
        response = client.get(url_of(address), headers={"accept-language": language})
        body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise MirrorError(f"{url_of(address)} answered {response.status_code}")
    page = Page(body, rows, owners[0] if owners else None)
    if response.get("Content-Type", "").startswith("text/html"):
        page.body = rewrite(body.decode(), address, page.links).encode()
    return page


@dataclass
class Outcome:
    written: set = field(default_factory=set)
    unchanged: set = field(default_factory=set)
    removed: list = field(default_factory=list)
    fingerprint: str = ""
    # Why every page was rendered, or None for an incremental build.
    full_build_reason: str | None = None
    rendered: int = 0
    reused: int = 0


class Builder:
    """One build's passes over the site, writing files into ``folder`` and what it learnt
    into ``state``."""

    def __init__(self, folder, state, outcome, progress):
        self.folder = folder
        self.state = state
        self.outcome = outcome
        self.progress = progress
        self.client = client_for_site()
        self.rendered = set()  # ids of the pages rendered by any pass of this build
        self.fresh = set()  # ids of the addresses the state did not hold before this pass

    def full_pass(self):
        """Render every page, from the seeds along every link, into a new state."""
        self.state.start_afresh(self.folder)
        self.state.begin()
        self.ids, self.addresses, self.owners = {}, {}, {}
        self.changed, self.fresh = set(), set()
        self.crawl(self.new_ids(seeds()), full=True)
        # Read after rendering, so a publication meanwhile means a full pass again (build).
        for label in self.state.labels():
            self.state.update_rows(label, tracking.row_digests(label))

    def incremental_pass(self):
        """Render what changed since the state was written: the pages about or showing a
        row that changed, the pages of the rows a changed row's own page shows, every page
        that is not one row's own (lists, home, feed, sitemaps, exports…), and the new
        addresses their links lead to; drop what the site no longer has or no longer
        reaches."""
        self.state.begin()
        labels = self.state.labels()
        # Read before rendering: a row changed while rendering is found by the next build.
        self.changed = set()
        for label in labels:
            self.changed |= self.state.update_rows(label, tracking.row_digests(label))
        self.ids, self.addresses, self.owners, self.fresh = {}, {}, {}, set()
        always, missing = set(), set()
        for page_id, path, key, number, language, file, owner in self.state.pages():
            address = Address(path, (key, number) if key else (), language or None)
            self.ids[address], self.addresses[page_id] = page_id, address
            self.owners[page_id] = owner
            if owner_of(address) is None:
                always.add(page_id)
            if not (self.folder / file).is_file():
                missing.add(page_id)
        queue = always | missing
        queue |= self.state.pages_showing(self.changed) | self.state.pages_owned_by(self.changed)
        starts = seeds()
        queue |= self.new_ids(starts)
        self.crawl(queue, full=False)
        # What a full build's crawl would not reach any more leaves the mirror.
        self.state.remove_pages(self.state.unreachable({self.ids[start] for start in starts}))
        self.state.forget_unused_rows()
        for label in set(self.state.labels()) - set(labels):  # first shown by this pass
            self.state.update_rows(label, tracking.row_digests(label))

    def new_ids(self, addresses):
        """The ids of the addresses the state does not hold yet, added to it."""
        new = set()
        for address in sorted(set(addresses) - set(self.ids), key=Address.file):
            page_id = self.state.add_page(*astuple(address), address.file())
            self.ids[address], self.addresses[page_id] = page_id, address
            new.add(page_id)
        self.fresh |= new
        return new

    def crawl(self, page_ids, full):
        queue = sorted(page_ids, key=lambda page_id: self.addresses[page_id].file())
        queued, done, dropped = set(queue), set(), set()
        bar = tqdm(
            total=len(queue),
            desc="pages",
            unit=" files",
            disable=self.progress is None,
            file=self.progress,
        )

        def add(more):
            more = sorted(set(more) - queued, key=lambda page_id: self.addresses[page_id].file())
            queued.update(more)
            queue.extend(more)
            bar.total += len(more)

        with bar:
            while queue:
                page_id = queue.pop()
                address = self.addresses[page_id]
                before = self.state.rows_of(page_id)
                page = render(self.client, address)
                done.add(page_id)
                self.outcome.rendered += 1
                bar.update()
                if page is None:
                    if full or page_id in self.fresh:
                        raise MirrorError(f"{url_of(address)} answered 404")
                    # Gone from the site: the pages that linked to it show that too.
                    dropped.add(page_id)
                    linking = self.state.pages_linking_to([page_id]) - {page_id}
                    self.state.remove_pages([page_id])
                    for other in linking & done:
                        raise MirrorError(
                            f"{url_of(self.addresses[other])} links to {url_of(address)}, "
                            "which answered 404"
                        )
                    add(linking)
                    if self.owners.get(page_id) in self.changed:
                        add(self.state.pages_owned_by(before) - done)
                    continue
                add(self.new_ids(page.links))
                row_ids, undigested = self.state.row_ids(page.rows)
                self.changed |= undigested  # rows created since the pass began
                owner = row_ids.get(page.owner)
                targets = {self.ids[link] for link in page.links}
                if targets & dropped:
                    raise MirrorError(f"{url_of(address)} links to a page that answered 404")
                digest = _store(self.folder, address.file(), page.body, self.outcome)
                self.state.record(page_id, digest, owner, row_ids.values(), targets)
                if not full and owner in self.changed:
                    # What this row's pages show, before and after, shows it: counts and
                    # lists of it on those rows' own pages change with it.
                    add(self.state.pages_owned_by(before | set(row_ids.values())) - done)
                self.owners[page_id] = owner
        self.rendered |= done


def build(folder, key_path, progress=None, full=False):
    """Write the mirror into ``folder``, rendering only what changed since the last build
    unless ``full`` (or the last build cannot be built upon: see BuildState), and writing
    only files whose content changed, removing those the site no longer has; then the
    manifest and its signature."""
    key = signing.load_private_key(key_path)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # The export files are read from their last build: make sure it is current.
    export_files.build()
    previous = signing.read_manifest(folder) or {}
    fingerprint = signing.fingerprint(key.public_key())
    state = BuildState(state_path_for(folder))
    manifest_path = folder / signing.MANIFEST
    identity = tracking.build_identity()
    manifest_digest = signing.file_digest(manifest_path) if manifest_path.is_file() else None
    reason = (
        "--full" if full else state.reason_for_full_build(identity, fingerprint, manifest_digest)
    )
    outcome = Outcome(fingerprint=fingerprint, full_build_reason=reason)
    builder = Builder(folder, state, outcome, progress)
    # The page cache would answer without loading the rows a page shows.
    with override_settings(KIDAL_PAGE_CACHE=False):
        while True:
            stamp = publication_stamp()[0]
            if reason:
                builder.full_pass()
            else:
                builder.incremental_pass()
            if publication_stamp()[0] == stamp:
                break  # else something was published while rendering: render it
    digests = state.manifest()
    digests[signing.PUBLIC_KEY] = _store(
        folder, signing.PUBLIC_KEY, signing.public_pem(key), outcome
    )
    outcome.reused = len(state.page_ids() - builder.rendered)
    for name in sorted(set(previous) - set(digests)):
        path = folder / name
        if path.is_file():
            path.unlink()
            outcome.removed.append(name)
            remove_empty_parents(path.parent, folder)
    outcome.written &= set(digests)
    outcome.unchanged = set(digests) - outcome.written
    manifest = signing.manifest_text(digests).encode()
    write(manifest_path, manifest)
    write(folder / signing.SIGNATURE, key.sign(manifest))
    state.finish(identity=identity, fingerprint=fingerprint, manifest=signing.digest(manifest))
    return outcome


def _store(folder, name, data, outcome):
    """Write ``data`` to ``name`` unless the file already holds it; return its digest."""
    digest = signing.digest(data)
    path = folder / name
    if not (path.is_file() and signing.file_digest(path) == digest):
        write(path, data)
        outcome.written.add(name)
    return digest


def write(path, data):
    """Write through a temporary file moved into place: a reader of the folder never sees
    half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o644)
    temporary.replace(path)


def remove_empty_parents(folder, top):
    while folder != top and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
