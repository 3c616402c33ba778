#!/usr/bin/env python3
"""Trim Slack's Web API OpenAPI 2.0 spec to the methods the ALS bot calls.

Usage::

    python scripts/trim_slack_spec.py /path/to/web_api_openapi.json > tests/support/slack_web_api_spec.json

The output is a small, sorted JSON document that ``tests/support/fake_slack.py`` uses to
check every Web API call the bot makes: method name, HTTP verb from the spec, and the
required / optional argument names.

``token`` is dropped from the argument lists: the spec lists it as a (header or query)
parameter, but slack-sdk sends it as ``Authorization: Bearer``; each method records
``"token": "required" | "optional" | "none"`` instead.

The spec (v1.7.0) was frozen in 2020, so a few things are patched by hand, each citing
docs.slack.dev/reference/methods/<method>:

* methods newer than the spec (``ADDED_METHODS``),
* ``oauth.v2.access`` if the spec lacks it,
* arguments documented since 2020 (``EXTRA_OPTIONAL``),
* arguments the docs mark required but the spec leaves optional (``REQUIRED_OVERRIDES``),
* ``team_id`` on every method (``COMMON_OPTIONAL``; slack-sdk/Bolt send it).
"""

from __future__ import annotations

import json
import sys
from typing import Any

# Methods the bot calls (keep sorted). Retired methods (channels.*, groups.*, im.*,
# mpim.*, files.upload) are deliberately absent so any call to them is a violation.
METHODS: tuple[str, ...] = (
    "auth.test",
    "chat.delete",
    "chat.getPermalink",
    "chat.postEphemeral",
    "chat.postMessage",
    "chat.update",
    "conversations.history",
    "conversations.info",
    "conversations.members",
    "conversations.open",
    "conversations.replies",
    "oauth.v2.access",
    "pins.add",
    "reactions.add",
    "team.info",
    "users.info",
    "views.open",
    "views.publish",
    "views.push",
    "views.update",
)

RETIRED_PREFIXES: tuple[str, ...] = ("channels.", "groups.", "im.", "mpim.")
RETIRED_METHODS: frozenset[str] = frozenset({"files.upload"})

DOCS = "https://docs.slack.dev/reference/methods/"

# Methods documented after the spec was frozen (parameters from their docs pages).
ADDED_METHODS: dict[str, dict[str, Any]] = {
    "apps.connections.open": {
        "http_method": "POST",
        "required": [],
        "optional": [],
        "token": "required",  # app-level xapp- token, header only
        "source": DOCS + "apps.connections.open",
    },
    "files.completeUploadExternal": {
        "http_method": "POST",
        "required": ["files"],
        "optional": ["channel_id", "channels", "initial_comment", "thread_ts"],
        "token": "required",
        "source": DOCS + "files.completeUploadExternal",
    },
    "files.getUploadURLExternal": {
        "http_method": "POST",
        "required": ["filename", "length"],
        "optional": ["alt_txt", "snippet_type"],
        "token": "required",
        "source": DOCS + "files.getUploadURLExternal",
    },
}

# Used only if the spec has no oauth.v2.access entry.
OAUTH_V2_ACCESS: dict[str, Any] = {
    "http_method": "POST",
    "required": ["code"],
    "optional": ["client_id", "client_secret", "redirect_uri"],
    "token": "none",
    "source": DOCS + "oauth.v2.access",
}

# Arguments documented on docs.slack.dev since the 2020 spec.
EXTRA_OPTIONAL: dict[str, list[str]] = {
    "chat.postMessage": ["markdown_text", "metadata"],
    "chat.update": ["file_ids", "markdown_text", "metadata", "reply_broadcast"],
    "conversations.history": ["include_all_metadata"],
    "conversations.open": ["prevent_creation"],
    "conversations.replies": ["include_all_metadata"],
    "views.open": ["interactivity_pointer"],
    "views.push": ["interactivity_pointer"],
}

# The spec marks these optional; the docs pages list them under "Required arguments".
REQUIRED_OVERRIDES: dict[str, list[str]] = {
    "chat.delete": ["channel", "ts"],
    "conversations.history": ["channel"],
    "conversations.info": ["channel"],
    "conversations.members": ["channel"],
    "conversations.replies": ["channel", "ts"],
    "users.info": ["user"],
    "views.update": ["view"],
}

# slack-sdk's WebClient(team_id=...) adds team_id to every call as a default parameter, and
# Bolt builds such a client per request (team_id from the payload), so `say()`/`client` calls
# carry it. Slack accepts it (org-wide tokens need it), so every method allows it.
COMMON_OPTIONAL: tuple[str, ...] = ("team_id",)

# Client credentials may arrive as HTTP basic auth instead of parameters.
BASIC_AUTH_PARAMS: dict[str, list[str]] = {"oauth.v2.access": ["client_id", "client_secret"]}


def is_retired(method: str) -> bool:
    """Return True for Web API methods Slack has retired."""
    return method in RETIRED_METHODS or method.startswith(RETIRED_PREFIXES)


def extract_method(path_item: dict[str, Any]) -> dict[str, Any]:
    """Turn one OpenAPI path item into ``{http_method, required, optional, token}``."""
    verb, operation = next(iter(sorted(path_item.items())))
    required: set[str] = set()
    optional: set[str] = set()
    token = "none"
    for param in operation.get("parameters", []):
        name = param["name"]
        if name == "token":
            token = "required" if param.get("required") else "optional"
            continue
        (required if param.get("required") else optional).add(name)
    return {
        "http_method": verb.upper(),
        "required": sorted(required),
        "optional": sorted(optional - required),
        "token": token,
    }


def trim(spec: dict[str, Any]) -> dict[str, Any]:
    """Build the trimmed spec document from the full OpenAPI spec."""
    methods: dict[str, dict[str, Any]] = {}
    for name in METHODS:
        path_item = spec["paths"].get("/" + name)
        if path_item is None:
            if name != "oauth.v2.access":
                raise SystemExit(f"method {name} missing from the spec")
            entry = dict(OAUTH_V2_ACCESS)
        else:
            entry = extract_method(path_item)
            entry["source"] = f"openapi {spec['info']['version']} + {DOCS}{name}"
        required = set(entry["required"]) | set(REQUIRED_OVERRIDES.get(name, []))
        optional = (set(entry["optional"]) | set(EXTRA_OPTIONAL.get(name, [])) | set(COMMON_OPTIONAL)) - required
        entry["required"], entry["optional"] = sorted(required), sorted(optional)
        if name in BASIC_AUTH_PARAMS:
            entry["basic_auth"] = BASIC_AUTH_PARAMS[name]
        methods[name] = entry
    for name, entry in ADDED_METHODS.items():
        if name in methods:
            raise SystemExit(f"{name} is already in the spec; drop it from ADDED_METHODS")
        methods[name] = dict(entry, optional=sorted(set(entry["optional"]) | set(COMMON_OPTIONAL)))
    assert not any(is_retired(m) for m in methods), "retired method in the list"
    return {
        "_comment": (
            "Generated by scripts/trim_slack_spec.py from Slack's Web API OpenAPI spec "
            f"v{spec['info']['version']} plus hand-added methods/arguments from docs.slack.dev. "
            "token is sent as 'Authorization: Bearer' and is not listed in required/optional."
        ),
        "methods": dict(sorted(methods.items())),
    }


def main(argv: list[str]) -> int:
    """Entry point: read the spec path from argv, print the trimmed JSON to stdout."""
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        spec = json.load(fh)
    json.dump(trim(spec), sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
