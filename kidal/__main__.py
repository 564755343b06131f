"""``kidal`` (or ``python -m kidal``): Django's management commands for an installed kidal, as
``manage.py`` gives them in a checkout."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kidal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line([os.path.basename(sys.argv[0]) or "kidal", *sys.argv[1:]])


if __name__ == "__main__":
    main()
