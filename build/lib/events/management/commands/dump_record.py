"""Write the whole record (entries, review log, version history, accounts) to one file."""

from django.core.management.base import BaseCommand, CommandError

from events import record


class Command(BaseCommand):
    help = (
        "Write the whole record, with its history and exact timestamps, to FILE (.json, or "
        ".json.gz to compress); restore it with restore_record. The file holds the accounts' "
        "password hashes: keep it as safe as the database."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            counts = record.dump(file)
        except record.RecordError as error:
            raise CommandError(str(error)) from error
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Record written to {file}."))
