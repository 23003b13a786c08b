"""Candour's user interfaces: the `candour` command line and the Textual app, both over `journal`.

Importing this package first removes the environment switches with which Textual would
write the screen or its logs somewhere behind the user's back: a log file
(`TEXTUAL_LOG`), a stream to a developer console (`TEXTUAL=devtools`, `TEXTUAL_DEVTOOLS_*`),
automatic screenshots (`TEXTUAL_SCREENSHOT*`) and scripted key presses (`TEXTUAL_PRESS`).
Textual reads them when it is first imported, which is always after this.
"""

from __future__ import annotations

import os

UNSAFE_TEXTUAL_SETTINGS = (
    "TEXTUAL",
    "TEXTUAL_LOG",
    "TEXTUAL_DEVTOOLS_HOST",
    "TEXTUAL_DEVTOOLS_PORT",
    "TEXTUAL_SCREENSHOT",
    "TEXTUAL_SCREENSHOT_LOCATION",
    "TEXTUAL_SCREENSHOT_FILENAME",
    "TEXTUAL_PRESS",
)
"""Environment variables that could make the UI framework copy the screen (journal text) elsewhere."""

for _name in UNSAFE_TEXTUAL_SETTINGS:
    os.environ.pop(_name, None)
