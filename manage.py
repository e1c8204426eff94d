#!/usr/bin/env python
"""Django's command-line utility for Lifestream, in a checkout; installed, it is `lifestream`."""

from lifestream.__main__ import main

if __name__ == "__main__":
    main()
