"""The coachee's journal as immutable values: engagements, sessions, reflections, themes, goals,
progress check-ins, actions, people and reflection templates. No I/O here.

Every type validates itself on construction and raises `InvalidInput` with a message
that names the field (never the private text). `record_id` is None until the value is
saved; the store hands back a copy carrying the id it chose.
"""

from __future__ import annotations

import typing

from journal.models.base import MAX_TEXT_LENGTH, MAX_TITLE_LENGTH, clean_text
from journal.models.engagement import (
    Engagement,
    Session,
    SessionStatus,
    SharingAgreement,
    SharingLevel,
    SponsorWording,
)
from journal.models.progress import Action, CheckIn, Goal, GoalStatus
from journal.models.settings import (
    EXPORT_FORMATS,
    THEMES,
    ConfidentialTerm,
    ExportRecord,
    ExportStatus,
    LintDismissal,
    Preferences,
)
from journal.models.writing import (
    AFTER_SESSION,
    BETWEEN_SESSIONS,
    BRING_NEXT_TIME,
    BUILT_IN_TEMPLATES,
    HASHTAG,
    MENTION,
    WHAT_WILL_I_DO,
    Draft,
    Person,
    Reflection,
    Template,
    Theme,
    drop_untouched_prompts,
    mentioned_names,
    tagged_themes,
)

Model = (
    Engagement
    | Session
    | Reflection
    | Theme
    | Goal
    | CheckIn
    | Action
    | Person
    | Template
    | Draft
    | Preferences
    | ConfidentialTerm
    | LintDismissal
    | ExportRecord
)
"""Any value the journal stores."""


MODEL_TYPES: tuple[type[Model], ...] = typing.get_args(Model)
"""Every kind of value, in the order of `Model`: the one list of them (the codec's kinds, the personal export)."""


LINK_FIELDS: dict[type[Model], dict[str, type[Model]]] = {
    Session: {"engagement_id": Engagement},
    Reflection: {
        "engagement_id": Engagement,
        "session_id": Session,
        "theme_ids": Theme,
        "person_ids": Person,
        "goal_ids": Goal,
    },
    Goal: {"engagement_id": Engagement},
    CheckIn: {"goal_id": Goal},
    Action: {"session_id": Session, "goal_id": Goal},
    Draft: {"engagement_id": Engagement, "session_id": Session, "reflection_id": Reflection},
}
"""For each kind that links to others, its fields holding record ids (one id, None, or a tuple of ids) and the
kind each must name: the one list that saving (no link to nothing), deleting (nothing left linking to a record
gone) and importing (links re-made to the new records) all read."""


LOOSE_LINK_FIELDS: dict[type[Model], dict[str, type[Model]]] = {
    ExportRecord: {"engagement_id": Engagement},
    LintDismissal: {"engagement_id": Engagement},
}
"""Fields that name a record but may outlive it, as `LINK_FIELDS` lists them: the log of past exports (and
the findings kept in them) still says which engagement they were for after it is deleted."""


__all__ = [
    "AFTER_SESSION",
    "BETWEEN_SESSIONS",
    "BRING_NEXT_TIME",
    "BUILT_IN_TEMPLATES",
    "EXPORT_FORMATS",
    "HASHTAG",
    "LINK_FIELDS",
    "LOOSE_LINK_FIELDS",
    "MAX_TEXT_LENGTH",
    "MAX_TITLE_LENGTH",
    "MENTION",
    "MODEL_TYPES",
    "THEMES",
    "WHAT_WILL_I_DO",
    "Action",
    "CheckIn",
    "ConfidentialTerm",
    "Draft",
    "Engagement",
    "ExportRecord",
    "ExportStatus",
    "Goal",
    "GoalStatus",
    "LintDismissal",
    "Model",
    "Person",
    "Preferences",
    "Reflection",
    "Session",
    "SessionStatus",
    "SharingAgreement",
    "SharingLevel",
    "SponsorWording",
    "Template",
    "Theme",
    "clean_text",
    "drop_untouched_prompts",
    "mentioned_names",
    "tagged_themes",
]
