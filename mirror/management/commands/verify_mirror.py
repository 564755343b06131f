from django.core.management.base import BaseCommand, CommandError

from mirror import signing


class Command(BaseCommand):
    help = (
        "Check a mirror written by build_mirror: the signature of its manifest, and every "
        "file against the manifest (missing, extra or altered files). Exits non-zero on any "
        "failure."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", metavar="DIR")
        parser.add_argument(
            "--public-key",
            help="The publisher's public key (PEM) to check against, rather than the one in "
            "the mirror (which proves only that the files match whoever wrote it).",
        )

    def handle(self, folder, public_key, **options):
        result = signing.verify(folder, public_key)
        for problem in result.problems:
            self.stderr.write(problem)
        for label, names in (
            ("missing", result.missing),
            ("extra", result.extra),
            ("altered", result.altered),
        ):
            for name in names:
                self.stderr.write(f"{label}: {name}")
        if not result.ok:
            raise CommandError(f"{folder} does not match its signed manifest.")
        self.stdout.write(
            f"{folder}: every file matches the manifest, signed by the key with SHA-256 "
            f"fingerprint {signing.fingerprint(result.public_key)}"
        )
