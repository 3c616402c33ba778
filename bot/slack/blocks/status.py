"""`/als status`: the set at a glance (plain Block Kit dicts: rendered on every request)."""

from __future__ import annotations

from bot.domain.calendar import format_working_days, local_time
from bot.domain.enums import Role
from bot.domain.set_settings import MIN_ACTIVE_MEMBERS, WEEKDAY_NAMES
from bot.domain.states import MemberState, PresentationStatus
from bot.services.presentation_status import PresentationLine
from bot.services.status import MemberLine, SetSummary
from bot.slack.blocks.plain import Block, context, header, section
from bot.slack.blocks.setup import PACE_LABELS
from bot.slack.blocks.text import escape, mention


def member_state_label(line: MemberLine) -> str:
    if line.state == MemberState.AWAY and line.away_until:
        return f"away until {line.away_until.isoformat()}"
    return line.state.value


def status_text(summary: SetSummary) -> str:
    members = ", ".join(f"<@{m.user_id}> ({member_state_label(m)})" for m in summary.members)
    running = "; ".join(
        f"{p.title} ({p.phase.title if p.phase is not None else p.status.value})" for p in summary.presentations
    )
    return (
        f"{summary.settings.name}: {PACE_LABELS[summary.settings.pace]}, time zone {summary.settings.timezone}. Members: {members or 'none'}."
        + (f" Presentations: {running}." if running else "")
    )


def presentation_section(line: PresentationLine, viewer_tz: str) -> Block:
    title = f"*{escape(line.title)}* by {mention(line.presenter_id)}"
    if line.status == PresentationStatus.QUEUED:
        return section(f"{title}\n:hourglass: queued: starts when a slot frees up")
    if line.phase is None:
        return section(f"{title}\nstarting")
    state = " (paused)" if line.status == PresentationStatus.PAUSED else ""
    deadline = f" until {local_time(line.deadline, viewer_tz)}" if line.deadline else ""
    roles = [f"facilitator {mention(u)}" for u in line.roles.get(Role.FACILITATOR, [])]
    roles += [f"reflector {mention(u)}" for u in line.roles.get(Role.REFLECTOR, [])]
    who = " ".join(
        f"{mention(u)} {':white_check_mark:' if u in line.engaged else ':hourglass:'}"
        for u in line.roles.get(Role.QUESTIONER, [])
    )
    text = (
        f"{title}\n*{line.phase.title}*{state}{deadline}\n"
        + (f"Roles: {', '.join(roles)}\n" if roles else "")
        + (f"Posted or acknowledged: {who}" if who else "")
    )
    return section(text)


def status_blocks(summary: SetSummary, viewer_tz: str | None = None) -> list[Block]:
    rows = []
    for line in summary.members:
        agreed = ":white_check_mark: agreed" if line.agreed else ":hourglass: not yet agreed"
        rows.append(f"{mention(line.user_id)}: {member_state_label(line)} · {agreed}")
    settings = (
        f"*Pace:* {PACE_LABELS[summary.settings.pace]}\n"
        f"*Time zone:* {summary.settings.timezone} · *Working days:* {format_working_days(summary.settings.working_days)}\n"
        f"*Weekly reflection:* {WEEKDAY_NAMES[summary.settings.reflection_weekday]} {summary.settings.reflection_hour:02d}:00 "
        f"(each member's own time)\n"
        f"*Presentations at once:* {summary.settings.max_concurrent}"
    )
    blocks: list[Block] = [
        header(summary.settings.name[:150]),
        section(settings),
        section(f"*Members* ({summary.seated} seated, {summary.available} available)\n" + ("\n".join(rows) or "Nobody yet.")),
    ]
    if summary.presentations:
        blocks.append(section("*Presentations*"))
        blocks += [presentation_section(p, viewer_tz or summary.settings.timezone) for p in summary.presentations[:10]]
    notes = []
    if summary.paused_reason:
        notes.append(f":double_vertical_bar: Paused: {escape(summary.paused_reason)}")
    if summary.below_minimum:
        notes.append(f":warning: Fewer than {MIN_ACTIVE_MEMBERS} members: the set runs, but works best with 4-7.")
    if notes:
        blocks.append(context(*notes))
    return blocks
