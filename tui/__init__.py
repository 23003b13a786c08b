"""Candour's user interface: the `candour` command line (and, next, the Textual app), built on `journal`."""
