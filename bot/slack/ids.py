"""Every action, callback and block id the bot uses, defined once."""

from enum import StrEnum


class CallbackId(StrEnum):
    SETUP_MODAL = "als_setup"
    PRESENT_MODAL = "als_present"
    ACTION_MODAL = "als_action"
    REPORT_MODAL = "als_action_report"
    THREAD_STATUS_SHORTCUT = "als_thread_status"  # message shortcut: slash commands don't work in threads
    REFLECTION_MODAL = "als_reflection_modal"
    REFLECTION_SHARE_MODAL = "als_reflection_share_modal"


class ActionId(StrEnum):
    AGREE_GROUND_RULES = "als_agree_ground_rules"
    HOME_STATUS = "als_home_status"
    HOME_HELP = "als_home_help"
    ACK_READ = "als_ack_read"
    CONTROL_ADVANCE = "als_control_advance"
    CONTROL_EXTEND = "als_control_extend"
    CONTROL_PAUSE = "als_control_pause"
    CONTROL_RESUME = "als_control_resume"
    CONTROL_CLOSE = "als_control_close"
    INVITE_PRESENT = "als_invite_present"
    INVITE_PASS = "als_invite_pass"
    ACTION_ADD = "als_action_add"
    ACTION_EDIT = "als_action_edit"
    ACTION_DROP = "als_action_drop"
    ACTION_DONE = "als_action_done"
    ACTION_PARTLY = "als_action_partly"
    ACTION_NOT_DONE = "als_action_not_done"
    ACTION_CHANGED = "als_action_changed"
    FORGET_CONFIRM = "als_forget_confirm"
    REFLECTION_WRITE = "als_reflection_write"
    REFLECTION_SHARE = "als_reflection_share"
    REFLECTION_SNOOZE = "als_reflection_snooze"
    REFLECTION_STOP = "als_reflection_stop"
    HOME_REFLECTIONS_RESUME = "als_home_reflections_resume"


class SetupBlock(StrEnum):
    """Block ids of the setup modal; each holds one input whose action id is the same string."""

    NAME = "name"
    PACE = "pace"
    TIMEZONE = "timezone"
    WORKING_DAYS = "working_days"
    REFLECTION_WEEKDAY = "reflection_weekday"
    REFLECTION_HOUR = "reflection_hour"
    MAX_CONCURRENT = "max_concurrent"


class PresentBlock(StrEnum):
    """Block ids (= action ids) of the presentation intake modal."""

    TITLE = "title"
    SITUATION = "situation"
    TRIED = "tried"
    QUESTION = "question_to_set"
    SUCCESS = "success"


class ReflectionBlock(StrEnum):
    """Block ids (= action ids) of the reflection and share modals."""

    HAPPENED = "reflection_happened"
    LEARNED = "reflection_learned"
    NEXT = "reflection_next"
    SHARE_SET = "reflection_share_set"


class ActionBlock(StrEnum):
    """Block ids (= action ids) of the action and report modals."""

    TEXT = "action_text"
    DUE = "action_due"
    REPORT = "action_report"
