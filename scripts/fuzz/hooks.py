"""Schemathesis hooks for scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

1. Server-Sent Events. openapi.yaml is OpenAPI 3.1: the `schema` of `text/event-stream` (`type: string`)
   describes the whole body. Schemathesis reads a 3.1 document the OpenAPI 3.2 way instead, with `schema`
   describing each event, and reports every event object as "not of type string". That one failure kind is
   dropped, and the check `sse_chat_events` below validates the streams properly: every `data` is a JSON
   `ChatEvent` of openapi.yaml (jsonschema, 2020-12) whose `type` is the SSE `event:` name, ids increase by
   one, a chat stream starts with `turn.started`, ends with `turn.completed` or `turn.error`, then `[DONE]`.
   GET /events never ends by itself (it is the user's live stream): fuzz.sh leaves it out; the events suite
   (test/events/) covers it.

2. Known bugs of src/ (reported, not fixed by the fuzzing work): failures matching them exactly are counted
   and listed in the summary instead of failing the run, so that the run catches anything new. Each entry
   names the request that triggers it. Set FUZZ_STRICT=1 to see them fail again (e.g. after a fix), and
   delete the entry once fixed.

3. Statistics: every request made, by operation and status, is written to $FUZZ_STATS (JSON) at exit.
"""

from __future__ import annotations

import atexit
import json
import os
import re
from collections import Counter
from pathlib import Path
from typing import Any, Callable

import jsonschema_rs
import yaml

import schemathesis

ROOT = Path(__file__).resolve().parents[2]
STRICT = os.environ.get("FUZZ_STRICT", "") not in ("", "0", "false")
STATS_PATH = os.environ.get("FUZZ_STATS")

requests_by_operation: Counter[str] = Counter()
statuses: Counter[str] = Counter()
known_hits: Counter[str] = Counter()
sse_streams_checked = 0


def _problem(response: Any) -> dict[str, Any]:
    try:
        body = json.loads(response.content)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _request_head_bytes(response: Any) -> int:
    request = response.request
    line = len(f"{request.method} {request.path_url} HTTP/1.1\r\n".encode("utf-8", "surrogateescape"))
    headers = sum(len(f"{name}: {value}\r\n".encode("latin-1", "replace")) for name, value in request.headers.items())
    return line + headers


def _body_of(case: Any) -> dict[str, Any]:
    return case.body if isinstance(case.body, dict) else {}


# (id, what, predicate(failure, case, response)). Keep each as narrow as the bug.
KnownBug = tuple[str, str, Callable[[Any, Any, Any], bool]]
# Every bug the fuzzer found (invalid cursors, on-failure, 431, archived threads, nullable refs) is fixed;
# add an entry here only for a reported bug awaiting its fix, and remove it with the fix.
KNOWN_SRC_BUGS: list[KnownBug] = []

SSE_SCHEMA_FAILURE_TITLES = ("SSE event violates schema", "SSE stream violates schema")


def _is_sse(response: Any) -> bool:
    content_type = (response.headers.get("content-type") or [""])[0]
    return content_type.split(";")[0].strip().lower() == "text/event-stream"


@schemathesis.hook
def filter_failure(context: Any, failure: Any, case: Any, response: Any) -> bool:
    # The 3.2 reading of a 3.1 `schema`; sse_chat_events checks these streams instead.
    if _is_sse(response) and getattr(failure, "title", "") in SSE_SCHEMA_FAILURE_TITLES:
        return False
    if STRICT:
        return True
    for name, _what, matches in KNOWN_SRC_BUGS:
        if matches(failure, case, response):
            known_hits[name] += 1
            return False
    return True


@schemathesis.hook
def after_call(context: Any, case: Any, response: Any) -> None:
    requests_by_operation[case.operation.label] += 1
    statuses[str(response.status_code)] += 1


# --- SSE validation against components/schemas/ChatEvent -------------------------------------------------

_spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
_components = _spec["components"]
# One validator per event type, through ChatEvent's discriminator, so that a failure names the real cause.
_event_validators = {
    event_type: jsonschema_rs.Draft202012Validator({"$ref": ref, "components": _components})
    for event_type, ref in _components["schemas"]["ChatEvent"]["discriminator"]["mapping"].items()
}


def _parse_sse(text: str) -> list[dict[str, str]]:
    events: list[dict[str, str]] = []
    for block in re.split(r"\r\n\r\n|\n\n|\r\r", text):
        event: dict[str, str] = {}
        data: list[str] = []
        for line in re.split(r"\r\n|\n|\r", block):
            if line == "" or line.startswith(":"):
                continue
            field, _, value = line.partition(":")
            value = value[1:] if value.startswith(" ") else value
            if field == "data":
                data.append(value)
            else:
                event[field] = value
        if data:
            event["data"] = "\n".join(data)
            events.append(event)
    return events


_original_event_validator = jsonschema_rs.Draft202012Validator(
    {"$ref": "#/components/schemas/OriginalEvent", "components": _components}
)


SERVICE_PROFILE = os.environ.get("FUZZ_API_COMPAT", "default")


def _asked_for_original(response: Any, case: Any) -> bool:
    """The request's X-Api-Compat (as sent, or as generated); without a known one, the bridge's API_COMPAT."""
    for headers in (getattr(getattr(response, "request", None), "headers", None), getattr(case, "headers", None)):
        for name, value in dict(headers or {}).items():
            if name.lower() == "x-api-compat" and str(value).strip().lower() in ("default", "original"):
                return str(value).strip().lower() == "original"
    return SERVICE_PROFILE == "original"


def _check_original_stream(events: list[dict[str, str]], cut_short: bool) -> None:
    """The original profile's stream: `data:` lines only, `{"type": "session"}` first, OriginalEvents, `[DONE]`."""
    if not cut_short:
        assert events and events[-1]["data"] == "[DONE]", "the stream does not end with `data: [DONE]`"
        events = events[:-1]
    for index, event in enumerate(events):
        assert set(event) == {"data"}, f"event #{index}: the original profile sends `data:` lines only, got {sorted(event)}"
        payload = json.loads(event["data"])
        errors = [error.message[:200] for error in _original_event_validator.iter_errors(payload)]
        assert not errors, f"event #{index} is not an OriginalEvent: {errors[:3]}"
    if events:
        assert json.loads(events[0]["data"]).get("type") == "session", "an original stream starts with its session"


def _check_openai_stream(path: str, events: list[dict[str, str]], cut_short: bool) -> None:
    """OpenAI's streams: Responses events carry `type` (= `event:`) and sequence numbers from 0 and end with
    response.completed or response.failed; Chat Completions chunks end with `data: [DONE]`."""
    if path == "/v1/chat/completions":
        if not cut_short:
            assert events and events[-1]["data"] == "[DONE]", "a chat completion stream must end with `data: [DONE]`"
            events = events[:-1]
        for index, event in enumerate(events):
            payload = json.loads(event["data"])
            assert payload.get("object") == "chat.completion.chunk" or "error" in payload, f"chunk #{index}: {event['data'][:200]}"
        return
    for index, event in enumerate(events):
        payload = json.loads(event["data"])
        assert event.get("event") == payload.get("type"), f"event #{index}: `event:` differs from data.type"
        assert payload.get("sequence_number") == index, f"event #{index}: sequence_number {payload.get('sequence_number')}"
    if events and not cut_short:
        last = json.loads(events[-1]["data"]).get("type")
        assert last in ("response.completed", "response.failed"), f"the last event is {last!r}"


@schemathesis.check
def sse_chat_events(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every SSE event of a turn is a ChatEvent of openapi.yaml, numbered in order, ending with [DONE]."""
    global sse_streams_checked
    if response.status_code != 200 or not _is_sse(response):
        return None
    sse_streams_checked += 1
    events = _parse_sse(response.content.decode("utf-8"))
    cut_short = bool(getattr(response, "stream_cut_short", False))
    if case.operation.path.startswith("/v1/"):
        _check_openai_stream(case.operation.path, events, cut_short)
        return True
    if case.operation.label == "POST /chat" and _asked_for_original(response, case):
        _check_original_stream(events, cut_short)
        return True
    if not cut_short:
        assert events and events[-1]["data"] == "[DONE]", "the stream does not end with `data: [DONE]`"
        events = events[:-1]
    previous_id: int | None = None
    for index, event in enumerate(events):
        assert event["data"] != "[DONE]", f"event #{index}: `[DONE]` before the end of the stream"
        try:
            payload = json.loads(event["data"])
        except ValueError as error:
            raise AssertionError(f"event #{index}: data is not JSON ({error}): {event['data'][:200]}") from None
        assert isinstance(payload, dict), f"event #{index}: data is not a JSON object: {event['data'][:200]}"
        validator = _event_validators.get(str(payload.get("type")))
        assert validator is not None, f"event #{index}: type {payload.get('type')!r} is not a ChatEvent type"
        errors = []
        for error in validator.iter_errors(payload):
            errors.append(f"{'/'.join(str(part) for part in error.instance_path)}: {error.message[:200]}")
        assert not errors, f"event #{index} is not a ChatEvent: {errors[:3]}; data: {event['data'][:300]}"
        assert event.get("event") == payload.get("type"), (
            f"event #{index}: SSE `event: {event.get('event')}` differs from data.type {payload.get('type')!r}"
        )
        assert re.fullmatch(r"[0-9]+", event.get("id", "")), f"event #{index}: `id:` missing or not a number"
        current = int(event["id"])
        if previous_id is not None:
            assert current == previous_id + 1, f"event #{index}: id {current} after {previous_id}"
        previous_id = current
    if case.operation.label == "POST /chat" and events:
        assert json.loads(events[0]["data"]).get("type") == "turn.started", "a chat stream must start with turn.started"
        assert events[0].get("id") == "1", "a chat stream's first id must be 1"
    if events and not cut_short:
        last = json.loads(events[-1]["data"]).get("type")
        assert last in ("turn.completed", "turn.error"), f"the last event is {last!r}, not turn.completed or turn.error"
    return True


@atexit.register
def _write_stats() -> None:
    if not STATS_PATH:
        return
    Path(STATS_PATH).write_text(
        json.dumps(
            {
                "requests": sum(requests_by_operation.values()),
                "by_operation": dict(sorted(requests_by_operation.items())),
                "by_status": dict(sorted(statuses.items())),
                "sse_streams_checked": sse_streams_checked,
                "known_src_bugs_hit": dict(known_hits),
                "known_src_bugs": {name: what for name, what, _ in KNOWN_SRC_BUGS},
                "strict": STRICT,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
