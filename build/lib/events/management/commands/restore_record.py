"""Load a file written by dump_record into an empty, migrated database."""

from django.core.management.base import BaseCommand, CommandError

from events import record


class Command(BaseCommand):
    help = (
        "Load the record in FILE (written by dump_record) into this database, which must be "
        "migrated and hold no record yet, then build the export files."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        try:
            record.restore(file)
        except record.RecordError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Record restored from {file}."))
