"""poe-tui: a terminal chat client for the Poe API."""

__version__ = "0.1.0"
