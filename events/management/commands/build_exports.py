"""Build the whole-record export files now (after a deployment, or from cron)."""

from django.core.management.base import BaseCommand

from events import export_files


class Command(BaseCommand):
    help = "Write the events and claims exports (CSV and JSON) to KIDAL_EXPORT_ROOT."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-stale",
            action="store_true",
            help="Build only if the record changed since the files were built.",
        )

    def handle(self, *args, **options):
        built = export_files.build(force=not options["if_stale"])
        if built is None:
            self.stdout.write("The files are current, or another build is running.")
            return
        for name, info in built["files"].items():
            self.stdout.write(f"{name}: {info['size']} bytes, sha256 {info['sha256']}")
        self.stdout.write(self.style.SUCCESS(f"Exports built in {export_files.root()}."))
