"""The command palette's Candour commands (Ctrl+P): every action of the app, by name."""

from __future__ import annotations

from collections.abc import Coroutine
from functools import partial
from typing import Any

from textual.command import DiscoveryHit, Hit, Hits, Provider

APP_COMMANDS = (
    ("New reflection after a session", "Write about the selected (or latest) session", "reflect"),
    ("New free entry", "Write between sessions", "free_entry"),
    ("Edit", "Edit the selected reflection, session or engagement", "edit"),
    ("Manage the selected record", "Edit, history and revert, delete; end an engagement", "manage"),
    ("History of the selected record", "Every revision, what each changed, and revert", "history"),
    ("Delete the selected record", "Restorable from Deleted records", "delete"),
    ("Deleted records", "Everything deleted and not erased; restore any of it", "deleted"),
    ("Themes and people", "Rename, aliases, merge a typo theme into the right one, delete", "names"),
    ("Templates", "Make and edit your own reflection templates (the editor offers them with F4)", "templates"),
    ("Add session", "Add a session to the selected engagement", "new_session"),
    ("New engagement", "A new coaching contract and its sharing agreement", "new_engagement"),
    ("Goals", "Goals, their progress, and check-ins", "goals"),
    ("Search", "Search everything, with filters", "search"),
    ("Prepare for the next session", "Open actions, commitments, goals to rate", "prep"),
    ("Actions", "Every commitment; tick one when it is done", "actions"),
    ("Summary for the sponsor", "Choose, check and preview what the sponsor may see", "export"),
    ("What I have disclosed", "Every summary written or shown, with its hash", "exports"),
    ("Export everything for myself", "The whole journal as Markdown or JSON, NOT encrypted", "export_everything"),
    ("Settings", "Passphrase, recovery key, key rotation, auto-lock, theme", "settings"),
)
"""(title, help, action of the main view) for each command."""


class CandourCommands(Provider):
    """Offers the main view's actions from any screen while the journal is unlocked."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return list(APP_COMMANDS) if getattr(self.app, "journal", None) is not None else []

    async def discover(self) -> Hits:
        for title, help_text, action in self._commands():
            yield DiscoveryHit(title, self._run(action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action in self._commands():
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._run(action), help=help_text)

    def _run(self, action: str) -> partial[Coroutine[Any, Any, bool]]:
        """Runs the main view's `action` (through the app, which first returns to the main view)."""
        return partial(self.app.run_action, f"main('{action}')")
