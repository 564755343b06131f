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
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.templatetags.static import static
from django.test import Client
from django.urls import Resolver404, resolve, reverse
from tqdm import tqdm

from events import export_files
from events.caching import publication_stamp
from events.exports import EXPORTS
from events.sitemaps import SITEMAPS

from . import signing


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


def render(client, address):
    if address.path.startswith(static("")):
        return static_bytes(address.path), None
    url = address.path + (f"?{address.page[0]}={address.page[1]}" if address.page else "")
    language = address.language or settings.LANGUAGE_CODE
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, headers={"accept-language": language})
    if response.status_code != 200:
        raise MirrorError(f"{url} answered {response.status_code}")
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body, response.get("Content-Type", "")


@dataclass
class Outcome:
    written: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    removed: list = field(default_factory=list)
    fingerprint: str = ""


def rendered(progress=None):
    """(file, bytes) of the whole mirror, page by page as each is rendered: a record of tens
    of thousands of entries makes hundreds of thousands of files, too many to hold at once."""
    client = client_for_site()
    queue = sorted(seeds(), key=Address.file)
    seen = set(queue)
    bar = tqdm(
        total=len(queue), desc="pages", unit=" files", disable=progress is None, file=progress
    )
    with bar:
        while queue:
            address = queue.pop()
            body, content_type = render(client, address)
            if content_type and content_type.startswith("text/html"):
                found = set()
                body = rewrite(body.decode(), address, found).encode()
                new = sorted(found - seen, key=Address.file)
                seen.update(new)
                queue.extend(new)
                bar.total += len(new)
            yield address.file(), body
            bar.update()


def build(folder, key_path, progress=None):
    """Write the mirror into ``folder``: only files whose content changed since the last
    build, removing those the site no longer has; then the manifest and its signature."""
    key = signing.load_private_key(key_path)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    # The export files are read from their last build: make sure it is current.
    export_files.build()
    previous = signing.read_manifest(folder) or {}
    while True:
        stamp = publication_stamp()[0]
        outcome = Outcome(fingerprint=signing.fingerprint(key.public_key()))
        digests = {}
        for name, data in rendered(progress):
            _store(folder, name, data, digests, outcome)
        if publication_stamp()[0] == stamp:
            break  # else something was published while rendering: render again
    _store(folder, signing.PUBLIC_KEY, signing.public_pem(key), digests, outcome)
    for name in sorted(set(previous) - set(digests)):
        path = folder / name
        if path.is_file():
            path.unlink()
            outcome.removed.append(name)
            remove_empty_parents(path.parent, folder)
    manifest = signing.manifest_text(digests).encode()
    write(folder / signing.MANIFEST, manifest)
    write(folder / signing.SIGNATURE, key.sign(manifest))
    return outcome


def _store(folder, name, data, digests, outcome):
    """Write ``data`` to ``name`` unless the file already holds it; note its digest."""
    digests[name] = signing.digest(data)
    path = folder / name
    if path.is_file() and signing.file_digest(path) == digests[name]:
        outcome.unchanged.append(name)
        return
    write(path, data)
    outcome.written.append(name)


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
