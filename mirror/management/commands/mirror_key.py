from django.core.management.base import BaseCommand, CommandError

from mirror import signing


class Command(BaseCommand):
    help = (
        "Make a new Ed25519 private key for signing mirrors (as `openssl genpkey -algorithm "
        "ed25519 -out FILE` does); point KIDAL_MIRROR_SIGNING_KEY at it and keep it secret."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="FILE")

    def handle(self, path, **options):
        try:
            key = signing.generate_key(path)
        except FileExistsError as error:
            raise CommandError(f"{path} exists: a key is never replaced.") from error
        self.stdout.write(
            f"Wrote {path}. Its public key's SHA-256 fingerprint, to publish where readers "
            f"can compare it: {signing.fingerprint(key.public_key())}"
        )
