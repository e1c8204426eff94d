"""The `lifestream` command (and `python -m lifestream`, and manage.py in a checkout): Django's
management commands, with Lifestream's settings unless DJANGO_SETTINGS_MODULE names others."""

from __future__ import annotations

import os
import sys


def main() -> None:
    # An installed command has no manage.py beside it to say which settings to use.
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lifestream.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
