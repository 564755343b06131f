"""Compare every row's stored public state with the publication rule."""

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from events import publication


class Command(BaseCommand):
    help = (
        "Check that each reviewed row's stored public state (is_public) equals the publication "
        "rule; with --repair, store the rule's answer where it differs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair", action="store_true", help="Store the rule's answer where it differs."
        )

    def handle(self, *args, **options):
        found = publication.inconsistencies()
        if not found:
            self.stdout.write(self.style.SUCCESS("Every row's public state matches the rule."))
            return
        for label, pks in found.items():
            shown = ", ".join(map(str, pks[:20])) + (" …" if len(pks) > 20 else "")
            self.stdout.write(f"{label}: {len(pks)} rows differ from the rule ({shown})")
        if not options["repair"]:
            raise CommandError("The stored public state differs from the rule: run with --repair.")
        with transaction.atomic():
            publication.refresh_all()
        # Cached public pages are keyed by review steps; a repair is not one.
        cache.clear()
        self.stdout.write(self.style.SUCCESS("Repaired: every row now matches the rule."))
