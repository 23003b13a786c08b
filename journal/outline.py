"""Where each reflection belongs, for every reflection and without its text: under a session, or between the
sessions of an engagement. What lets a screen decrypt only the reflections it shows (a session's, the latest
free entries of an engagement) however large the journal: built once after unlock from the search cache (see
`Queries.place_reflections`), then kept current by every save and deletion."""

from __future__ import annotations

from collections.abc import Iterable

from journal.models import Reflection


class Outline:
    """Reflection ids by session, and by engagement for those written between sessions (free entries).

    Only ids are held: about 100 bytes a reflection, so 200,000 reflections take some 20 MB where their
    decrypted values took over a gigabyte.
    """

    def __init__(self) -> None:
        self._by_session: dict[str, set[str]] = {}
        self._free: dict[str | None, set[str]] = {}
        """Engagement id (None: a reflection tied to no engagement) → its free entries."""

    def place(self, record_id: str, session_id: str | None, engagement_id: str | None) -> None:
        """Note where a reflection belongs (moving it there if it was elsewhere)."""
        self.remove(record_id)
        self.place_new(record_id, session_id, engagement_id)

    def place_new(self, record_id: str, session_id: str | None, engagement_id: str | None) -> None:
        """Note where a reflection not placed yet belongs: while the outline is built, without looking for it
        in every group first (a decade's 1,200 sessions times 200,000 reflections)."""
        if session_id is not None:
            self._by_session.setdefault(session_id, set()).add(record_id)
        else:
            self._free.setdefault(engagement_id, set()).add(record_id)

    def add(self, reflections: Iterable[Reflection], *, new: bool = False) -> None:
        """Note where saved reflections belong; `new`: none of them is placed yet (see `place_new`)."""
        place = self.place_new if new else self.place
        for reflection in reflections:
            place(reflection.saved_id, reflection.session_id, reflection.engagement_id)

    def remove(self, record_id: str) -> None:
        """Forget a reflection (deleted or purged, or before it is placed again). Sessions and engagements number
        about a thousand in a decade, so looking in each (some 50 µs) costs less than keeping, for every
        reflection, where it is."""
        for group in (*self._by_session.values(), *self._free.values()):
            group.discard(record_id)

    def has_session_reflections(self, session_id: str) -> bool:
        """Whether any reflection is written about a session."""
        return bool(self._by_session.get(session_id))

    def of_session(self, session_id: str) -> frozenset[str]:
        """The reflections written about a session."""
        return frozenset(self._by_session.get(session_id, ()))

    def free_entries(self, engagement_id: str | None) -> frozenset[str]:
        """The reflections written between the sessions of an engagement, tied to no session."""
        return frozenset(self._free.get(engagement_id, ()))
