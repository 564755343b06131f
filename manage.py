#!/usr/bin/env python
"""Django's management commands, from a checkout (an installed kidal has the ``kidal`` command)."""

from kidal.__main__ import main

if __name__ == "__main__":
    main()
