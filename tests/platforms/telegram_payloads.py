"""Bot API objects as Telegram sends them (the shapes PTB 22.8 accepts), built from plain data."""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
MEMBER_RIGHTS = (
    "can_send_messages",
    "can_send_audios",
    "can_send_documents",
    "can_send_photos",
    "can_send_videos",
    "can_send_video_notes",
    "can_send_voice_notes",
    "can_send_polls",
    "can_send_other_messages",
    "can_add_web_page_previews",
    "can_change_info",
    "can_invite_users",
    "can_pin_messages",
    "can_manage_topics",
    "can_react_to_messages",
    "can_edit_tag",
)
PRESENT = ("creator", "administrator", "member")


def user(user_id: int, first_name: str, *, username: str | None = None, bot: bool = False) -> JSON:
    found: JSON = {"id": user_id, "is_bot": bot, "first_name": first_name}
    if username:
        found["username"] = username
    return found


def chat(chat_id: int, title: str, *, kind: str = "supergroup", forum: bool = False) -> JSON:
    found: JSON = {"id": chat_id, "type": kind, "title": title}
    if forum:
        found["is_forum"] = True
    return found


def admin_rights(**overrides: bool) -> JSON:
    rights: JSON = {name: True for name in ADMIN_RIGHTS}
    rights.update({"can_promote_members": False, "can_be_edited": False, "is_anonymous": False})
    rights.update(overrides)
    return rights


def chat_member(
    who: JSON,
    status: str,
    *,
    rights: JSON | None = None,
    permissions: JSON | None = None,
    until: int = 0,
) -> JSON:
    """A ChatMember in the form its `status` needs (every field PTB requires)."""
    held: JSON = {"status": status, "user": who}
    if status == "creator":
        held["is_anonymous"] = False
    elif status == "administrator":
        held.update(rights or admin_rights())
    elif status == "restricted":
        allowed = permissions or {}
        held.update({name: bool(allowed.get(name, False)) for name in MEMBER_RIGHTS})
        held.update({"is_member": True, "until_date": until})
    elif status == "kicked":
        held["until_date"] = until
    return held


def is_present(held: JSON) -> bool:
    return held["status"] in PRESENT or (held["status"] == "restricted" and held["is_member"])


def member_update(
    where: JSON, actor: JSON, old: JSON, new: JSON, date: int, *, mine: bool = False
) -> JSON:
    """A `chat_member` (or, for the bot itself, `my_chat_member`) update body."""
    kind = "my_chat_member" if mine else "chat_member"
    return {
        kind: {
            "chat": where,
            "from": actor,
            "date": date,
            "old_chat_member": old,
            "new_chat_member": new,
        }
    }


def entity(kind: str, text: str, part: str, **extra: Any) -> JSON:
    """An entity over the first `part` of `text`, offsets in UTF-16 code units."""
    start = text.index(part)
    offset = len(text[:start].encode("utf-16-le")) // 2
    length = len(part.encode("utf-16-le")) // 2
    return {"type": kind, "offset": offset, "length": length, **extra}


def photo() -> list[JSON]:
    return [{"file_id": "AgAD-photo", "file_unique_id": "p1", "width": 90, "height": 90}]


def document(file_name: str) -> JSON:
    return {"file_id": "BQAD-doc", "file_unique_id": "d1", "file_name": file_name}


def poll(question: str, options: list[str]) -> JSON:
    return {
        "id": "poll1",
        "question": question,
        "options": [
            {"text": o, "voter_count": 0, "persistent_id": str(i)} for i, o in enumerate(options)
        ],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": True,
        "type": "regular",
        "allows_multiple_answers": False,
        "allows_revoting": False,
        "members_only": False,
    }
