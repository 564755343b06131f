"""An Atom feed of newly published events and claims, and of corrections to them."""

from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _
from django.utils.xmlutils import SimplerXMLGenerator

from . import versions
from .models import Claim, Event, Transition
from .text import xml_safe

FEED_SIZE = 30


class _XMLSafeGenerator(SimplerXMLGenerator):
    """Writes every text and attribute value without the control characters XML 1.0 refuses
    (Django's generator raises on them, which made the whole feed fail for everyone)."""

    def characters(self, content):
        super().characters(xml_safe(content))

    def startElement(self, name, attrs):
        super().startElement(name, {key: xml_safe(value) for key, value in (attrs or {}).items()})


class XMLSafeAtom1Feed(Atom1Feed):
    def write(self, outfile, encoding):
        # Atom1Feed.write with the generator above.
        handler = _XMLSafeGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")


class LatestEntriesFeed(Feed):
    feed_type = XMLSafeAtom1Feed
    title = _("Kidal offensive record: newly published")
    link = reverse_lazy("events:home")
    subtitle = _(
        "Events and claims newly published in the record of the 2023 Kidal offensive, and "
        "corrections to them."
    )

    def items(self):
        events = list(
            Event.objects.public()
            .select_related("place")
            .order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )
        claims = list(
            Claim.objects.public()
            .select_related("event", "claimant_actor")
            .order_by("-first_published_at", "-pk")[:FEED_SIZE]
        )
        corrections = versions.attach_entries(versions.public_corrections()[:FEED_SIZE])
        entries = events + claims + corrections
        entries.sort(key=self.item_pubdate, reverse=True)
        return entries[:FEED_SIZE]

    def item_title(self, item):
        if isinstance(item, Transition):
            return _("Correction: %(entry)s") % {"entry": self.item_title(item.entry)}
        if isinstance(item, Event):
            return item.title
        return _("Claim on “%(event)s”: %(claimant)s") % {
            "event": item.event.title,
            "claimant": item.claimant,
        }

    def item_link(self, item):
        if isinstance(item, Transition):
            return item.version_url
        return item.get_absolute_url()

    def item_description(self, item):
        if isinstance(item, Transition):
            return item.correction_note
        if isinstance(item, Event):
            text = item.summary
        elif item.figure_kind:
            text = item.text + "\n\n" + _("Figure: %(figure)s") % {"figure": item.figure_display}
        else:
            text = item.text
        if item.correction_note:
            text += "\n\n" + _("Correction: %(note)s") % {"note": item.correction_note}
        return text

    def item_pubdate(self, item):
        if isinstance(item, Transition):
            return item.created_at
        return item.first_published_at

    def item_updateddate(self, item):
        if isinstance(item, Transition):
            return item.created_at
        return item.corrected_at or item.first_published_at

    def item_guid(self, item):
        if isinstance(item, Transition):
            return f"correction-{item.pk}"
        return f"{item._meta.model_name}-{item.pk}"

    item_guid_is_permalink = False
