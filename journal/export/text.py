"""Neutralising what leaves the journal, for the export's modules: the rule itself lives in `journal.text`,
with the journal's other text rules."""

from __future__ import annotations

from journal.text import neutralise

__all__ = ["neutralise"]
