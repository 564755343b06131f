"""Import a reference list from a file as draft sources and citations."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from sources.importing import ImportResult, apply_import, plan_import


class Command(BaseCommand):
    help = (
        "Import the references of a file (one per line, as copied from an article) as draft "
        "citations, matching known sources and citations."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A UTF-8 text file with one reference per line.")
        parser.add_argument("--user", help="Username recorded as the editor of the citations.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would be imported; save nothing."
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}
            ) from error
        except UnicodeDecodeError as error:
            raise CommandError(_("%(file)s is not UTF-8 text.") % {"file": path}) from error
        user = self.find_user(options["user"])
        if options["dry_run"]:
            plan = plan_import(text)
            result = ImportResult.of(plan)
            self.stdout.write(_("Dry run: nothing was saved."))
            for row in plan.rows:
                self.stdout.write(
                    _("Line %(number)d, %(source)s: %(source_reason)s; %(citation_reason)s.")
                    % {
                        "number": row.reference.line_number,
                        "source": row.source.name,
                        "source_reason": row.source_reason,
                        "citation_reason": row.citation_reason,
                    }
                )
        else:
            result = apply_import(text, by=user)
        self.stdout.write(result.summary())
        for line in result.unparsed:
            self.stdout.write(
                _("Line %(number)d not imported (%(reason)s): %(text)s")
                % {"number": line.line_number, "reason": line.reason, "text": line.raw}
            )

    def find_user(self, username):
        if username is None:
            return None
        User = get_user_model()
        try:
            return User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(
                _("No user is called %(username)s.") % {"username": username}
            ) from None
