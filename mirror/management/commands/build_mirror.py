from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mirror import building, signing


class Command(BaseCommand):
    help = (
        "Write the public site into DIR as static files with relative links, with a manifest "
        "of SHA-256 digests signed with the key KIDAL_MIRROR_SIGNING_KEY names. Only files "
        "whose content changed are rewritten."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR")
        parser.add_argument(
            "--key",
            default=settings.KIDAL_MIRROR_SIGNING_KEY,
            help="The Ed25519 private key (PEM); default: KIDAL_MIRROR_SIGNING_KEY.",
        )

    def handle(self, folder, key, verbosity, **options):
        if not key:
            raise CommandError(
                "No signing key: set KIDAL_MIRROR_SIGNING_KEY (or --key) to an Ed25519 "
                "private key, made with `manage.py mirror_key FILE`."
            )
        try:
            outcome = building.build(folder, key, progress=self.stderr if verbosity else None)
        except (building.MirrorError, signing.SigningKeyError) as error:
            raise CommandError(error) from error
        self.stdout.write(
            f"{len(outcome.written)} written, {len(outcome.unchanged)} unchanged, "
            f"{len(outcome.removed)} removed; signed by the key with SHA-256 fingerprint "
            f"{outcome.fingerprint}"
        )
