"""Every action, callback and block id the bot uses, defined once."""

from enum import StrEnum


class CallbackId(StrEnum):
    SETUP_MODAL = "als_setup"


class ActionId(StrEnum):
    AGREE_GROUND_RULES = "als_agree_ground_rules"
    HOME_STATUS = "als_home_status"
    HOME_HELP = "als_home_help"


class SetupBlock(StrEnum):
    """Block ids of the setup modal; each holds one input whose action id is the same string."""

    NAME = "name"
    PACE = "pace"
    TIMEZONE = "timezone"
    WORKING_DAYS = "working_days"
    REFLECTION_WEEKDAY = "reflection_weekday"
    REFLECTION_HOUR = "reflection_hour"
    MAX_CONCURRENT = "max_concurrent"
