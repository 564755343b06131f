from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mirror import building, signing


class Command(BaseCommand):
    help = (
        "Write the public site into DIR as static files with relative links, with a manifest "
        "of SHA-256 digests signed with the key KIDAL_MIRROR_SIGNING_KEY names. A rebuild "
        "renders only the pages that what changed since the last build can affect, and "
        "rewrites only files whose content changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR")
        parser.add_argument(
            "--key",
            default=settings.KIDAL_MIRROR_SIGNING_KEY,
            help="The Ed25519 private key (PEM); default: KIDAL_MIRROR_SIGNING_KEY.",
        )
        parser.add_argument(
            "--full",
            action="store_true",
            help="Render every page, rather than what changed since the last build.",
        )

    def handle(self, folder, key, full, verbosity, **options):
        if not key:
            raise CommandError(
                "No signing key: set KIDAL_MIRROR_SIGNING_KEY (or --key) to an Ed25519 "
                "private key, made with `manage.py mirror_key FILE`."
            )
        try:
            outcome = building.build(
                folder, key, progress=self.stderr if verbosity else None, full=full
            )
        except (building.MirrorError, signing.SigningKeyError) as error:
            raise CommandError(error) from error
        if outcome.full_build_reason:
            kind = f"full build ({outcome.full_build_reason})"
        else:
            kind = "incremental build"
        self.stdout.write(
            f"{len(outcome.written)} written, {len(outcome.unchanged)} unchanged, "
            f"{len(outcome.removed)} removed; {outcome.rendered} rendered, {outcome.reused} "
            f"reused; {kind}; signed by the key with SHA-256 fingerprint {outcome.fingerprint}"
        )
