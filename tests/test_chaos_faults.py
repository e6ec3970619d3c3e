"""Each fault unit does one thing to a call or a reply; here against a minimal
provider, so what a fault does is seen apart from any provider. Provider
shapes are tested through the official SDKs in tests/test_chaos_sdk.py."""

from __future__ import annotations

import dataclasses
import json
import pickle
import random
from dataclasses import dataclass

import pytest

from harness.chaos import DAY, FAULTS, Fault, Injection, Schedule, attach, fault_type, from_description, make
from harness.chaos.fault import Active
from harness.chaos.toxiproxy.registry import TOXICS
from harness.double.call import Call, Reply, State
from harness.errors import InputError
from harness.headers import parse_http_date, parse_sf_date
from harness.provider import Failures, Provider
from harness.routes import Route
from harness.sse import Event


def envelope(status, message, *, type=None, code=None, param=None):
    return Reply(status=status, json={"error": {"message": message, "type": type, "code": code}})


JOBS = Failures(
    outage_status=503,
    job_state=lambda body: (body["id"], body["status"]) if isinstance(body, dict) and "status" in body else None,
    job_stall=lambda body: {**body, "status": "in_progress", "progress": 50},
    job_fail=lambda body, code, message: {**body, "status": "failed", "error": {"code": code, "message": message}},
)
PROFILE = Provider(
    name="toy",
    routes=(),
    error=envelope,
    request_id_header="x-request-id",
    request_id=lambda state: "req_1",
    failures=JOBS,
    stream_end=("[DONE]",),
)


def call(method="POST", path="/v1/chat/completions", json_body=None, params=None):
    state = State(rng=random.Random(0), clock=None)
    return Call(
        method=method,
        path=path,
        params=params or {},
        query={},
        headers=(),
        body=b"",
        json=json_body if json_body is not None else {"model": "gpt-4o"},
        form=None,
        state=state,
    )


def test_outage_answers_in_the_providers_envelope_and_status():
    reply = make("outage").before(call(), PROFILE)
    assert reply.status == 503 and "error" in reply.json
    assert make("outage", {"status": 502}).before(call(), PROFILE).status == 502
    with pytest.raises(InputError, match="5xx"):
        make("outage", {"status": 404})


def test_gone_is_410():
    assert make("gone").before(call(), PROFILE).status == 410


def test_deprecated_adds_rfc_headers_and_keeps_the_answer():
    fault = make("deprecated", {"since": "2026-03-24", "sunset": "2026-09-24"})
    reply = fault.after(call(), Reply(json={"ok": True}), PROFILE)
    assert reply.json == {"ok": True}
    assert parse_sf_date(reply.headers["Deprecation"]) == 1774310400
    assert parse_http_date(reply.headers["Sunset"]) == 1790208000
    assert 'rel="deprecation"' in reply.headers["Link"] and 'rel="sunset"' in reply.headers["Link"]
    with pytest.raises(InputError, match="sunset must not be earlier"):
        make("deprecated", {"since": "2026-09-24", "sunset": "2026-03-24"})


@pytest.mark.parametrize(
    "op, to, expected",
    [
        ("rename", "finish", {"choices": [{"finish": "stop"}, {"finish": "length"}]}),
        ("remove", None, {"choices": [{}, {}]}),
        ("retype", "integer", {"choices": [{"finish_reason": 4}, {"finish_reason": 6}]}),
        ("enum", "safety_stop", {"choices": [{"finish_reason": "safety_stop"}, {"finish_reason": "safety_stop"}]}),
    ],
)
def test_drift_changes_every_match_of_a_wildcard_pointer(op, to, expected):
    fault = make("drift", {"pointer": "/choices/*/finish_reason", "op": op, "to": to})
    body = {"choices": [{"finish_reason": "stop"}, {"finish_reason": "length"}]}
    assert fault.after(call(), Reply(json=body), PROFILE).json == expected
    assert body == {"choices": [{"finish_reason": "stop"}, {"finish_reason": "length"}]}  # not mutated


def test_drift_in_stream_events_of_one_type():
    fault = make("drift", {"pointer": "/delta/text", "op": "rename", "to": "content", "event": "content_block_delta"})
    events = [
        Event('{"type":"content_block_delta","delta":{"text":"hi"}}', "content_block_delta"),
        Event('{"type":"message_stop","delta":{"text":"x"}}', "message_stop"),
    ]
    out = fault.after(call(), Reply(events=events), PROFILE).events
    assert json.loads(out[0].data)["delta"] == {"content": "hi"}
    assert json.loads(out[1].data)["delta"] == {"text": "x"}


def stream():
    return [Event('{"a":1}'), Event('{"a":2}'), Event('{"a":3}'), Event("[DONE]")]


def test_stream_cut_after_n_events_or_without_its_end_marker():
    assert len(make("stream_cut", {"after_events": 2}).after(call(), Reply(events=stream()), PROFILE).events) == 2
    dropped = make("stream_cut").after(call(), Reply(events=stream()), PROFILE)
    assert [e.type for e in dropped.events] == ["message"] * 3 and not dropped.abort
    assert make("stream_cut", {"after_events": 1, "abort": True}).after(call(), Reply(events=stream()), PROFILE).abort


def test_stream_stall_and_slow_first_byte_are_real_time_pauses():
    assert make("stream_stall", {"after_events": 2, "seconds": 3}).after(
        call(), Reply(events=stream()), PROFILE
    ).pauses == {2: 3}
    assert make("slow_first_byte", {"seconds": 2}).after(call(), Reply(json={}), PROFILE).delay == 2


@pytest.mark.parametrize(
    "kind, content_type", [("truncated", "application/json"), ("html", "text/html"), ("content_type", "text/plain")]
)
def test_malformed_bodies(kind, content_type):
    reply = make("malformed", {"kind": kind}).after(call(), Reply(json={"id": "x", "ok": True}), PROFILE)
    assert reply.content_type == content_type and reply.json is None
    if kind == "truncated":
        with pytest.raises(ValueError):
            json.loads(reply.body)


def test_job_stall_and_job_fail_rewrite_polls_and_failure_sticks():
    poll = call("GET", "/v1/videos/video_1")
    poll.state.jobs["video_1"] = {"id": "video_1"}
    body = {"id": "video_1", "status": "queued"}
    assert make("job_stall").after(poll, Reply(json=body), PROFILE).json["status"] == "in_progress"
    failed = make("job_fail", {"code": "moderation_blocked"}).after(poll, Reply(json=body), PROFILE).json
    assert failed["status"] == "failed" and failed["error"]["code"] == "moderation_blocked"
    assert poll.state.jobs["video_1"]["failure"]["code"] == "moderation_blocked"
    # Not a job: untouched.
    assert make("job_fail").after(poll, Reply(json={"object": "list"}), PROFILE).json == {"object": "list"}


def test_a_fault_a_provider_cannot_play_says_so():
    with pytest.raises(InputError, match="not available for provider 'toy'"):
        make("rate_limit").before(call(), PROFILE)


class StoppedClock:
    def __init__(self, now):
        self.t = now

    def now(self):
        return self.t


def test_an_injection_counts_only_matching_calls_and_logs_what_acted():
    injection = Injection(
        make("outage"), provider="toy", route=Route.parse("POST /v1/chat/*"), schedule=Schedule(every=2), key="0:outage"
    )
    active = Active(injection, PROFILE, StoppedClock(0.0))
    answers = [active.before(call()) for _ in range(4)] + [active.before(call("GET", "/v1/models"))]
    assert [a.status if a else None for a in answers] == [None, 503, None, 503, None]
    assert injection.calls == 4 and [a.call for a in injection.log] == [2, 4]


def test_after_acts_only_on_calls_the_schedule_chose():
    injection = Injection(make("deprecated", {"sunset": 100}), schedule=Schedule(first=1))
    active = Active(injection, PROFILE, StoppedClock(0.0))
    first, second = call(), call()
    assert active.before(first) is None and active.before(second) is None
    assert (
        "Deprecation"
        in active.after(
            first,
            Reply(json={}),
        ).headers
    )
    assert "Deprecation" not in active.after(second, Reply(json={})).headers


def test_windows_count_days_from_the_origin():
    injection = Injection(make("gone"), schedule=Schedule(at=30), origin=1_000_000.0)
    clock = StoppedClock(1_000_000.0 + 29 * 86_400)
    active = Active(injection, PROFILE, clock)
    assert active.before(call()) is None
    clock.t += 86_400
    assert active.before(call()).status == 410


def test_an_app_out_of_process_sets_faults_through_the_control_api():
    import httpx

    from harness.double import Double

    chat = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}
    with Double("openai") as double:
        client = httpx.Client(
            base_url="http://double", transport=double.transport(), headers={"authorization": "Bearer sk-test"}
        )
        made = client.post(
            "/__harness/faults",
            json={"fault": "rate_limit", "route": "POST /v1/chat/completions", "first": 1, "retry_after": 2},
        )
        assert made.status_code == 201
        first, second = (client.post("/v1/chat/completions", json=chat) for _ in range(2))
        assert (first.status_code, first.headers["retry-after"], second.status_code) == (429, "2", 200)
        assert [x.fault for x in double.journal] == ["rate_limit", None]
        typo = client.post("/__harness/faults", json={"fault": "rate_limit", "retry_aftr": 2})
        assert typo.status_code == 400 and "did you mean 'retry_after'" in typo.json()["error"]
        network = client.post("/__harness/faults", json={"fault": "latency"})
        assert network.status_code == 400  # a Toxiproxy toxic, not something the double does


def test_the_journal_names_only_faults_that_changed_the_answer():
    import httpx

    from harness.double import Double

    chat = {"model": "gpt-4o", "messages": [{"role": "user", "content": "x"}]}
    with Double("openai") as double:
        for name, params in (
            ("stream_cut", {}),
            ("deprecated", {"sunset": "2026-09-24"}),
            ("model_retired", {"model": "gpt-4o", "shutdown_date": "2026-09-24"}),
        ):
            attach(Injection(make(name, params)), double)
        client = httpx.Client(
            base_url="http://double", transport=double.transport(), headers={"authorization": "Bearer sk-test"}
        )
        plain = client.post("/v1/chat/completions", json={**chat, "model": "gpt-4o-mini"})
        listed = client.get("/v1/models").json()
    # stream_cut was chosen but a plain answer has no stream to cut; model_retired marked the list
    # in place inside its own copy, and that still counts as acting.
    assert plain.status_code == 200 and "Deprecation" in plain.headers
    assert [x.fault for x in double.journal] == ["deprecated", "deprecated,model_retired"]
    assert next(m for m in listed["data"] if m["id"] == "gpt-4o")["shutdown_date"] == "2026-09-24"


def test_deprecated_reads_timeline_days_and_other_faults_take_params_as_written():
    origin = 1_000_000.0
    on_timeline = fault_type("deprecated").on_timeline
    assert on_timeline({"sunset": 90}, 30, origin) == {"sunset": origin + 90 * DAY, "since": origin + 30 * DAY}
    assert on_timeline({"since": "2026-03-24"}, 30, origin) == {"since": "2026-03-24"}
    params = {"status": 502}
    assert fault_type("outage").on_timeline(params, 30, origin) is params


@dataclass(frozen=True)
class ToyOutage(Fault):
    name = "toy_outage"
    message: str = "down for the test"

    def before(self, call, provider):
        return provider.error(503, self.message)


def test_from_description_builds_a_doubles_hook_from_the_one_registry(monkeypatch):
    from harness.double import Double

    with Double(PROFILE, seed=5, clock=StoppedClock(1000.0)) as double:
        with pytest.raises(InputError, match="unknown fault 'toy_outage'; known: awkward, deprecated, drift, gone"):
            from_description({"fault": "toy_outage"}, double)
        with pytest.raises(InputError, match='"fault" name'):
            from_description({"name": "outage"}, double)
        with pytest.raises(InputError, match="unknown fault 'latency'"):  # a Toxiproxy hop's, not the double's
            from_description({"fault": "latency"}, double)
        monkeypatch.setitem(FAULTS, "toy_outage", ToyOutage)
        hook = from_description({"fault": "toy_outage", "route": "GET /v1/now", "first": 1, "message": "m"}, double)
        assert hook.name == "toy_outage" and hook.injection.fault == ToyOutage("m")
        assert str(hook.injection.route) == "GET /v1/now" and hook.injection.schedule == Schedule(first=1)
        assert (hook.injection.origin, hook.injection.seed, hook.injection.key) == (1000.0, 5, "control:toy_outage")
        with pytest.raises(InputError, match="fault 'toy_outage' has no parameter 'nope'"):
            from_description({"fault": "toy_outage", "nope": 1}, double)
        with pytest.raises(InputError, match="fault 'toy_outage': first must be a whole number"):
            from_description({"fault": "toy_outage", "first": -1}, double)
        with pytest.raises(InputError, match="fault 'toy_outage': route path must start with '/'"):
            from_description({"fault": "toy_outage", "route": "GET nowhere"}, double)


NETWORK_DEFAULTS = {
    "latency": {"latency": 1000, "jitter": 0},
    "bandwidth": {"rate": 10},
    "timeout": {"timeout": 0},
    "reset_peer": {"timeout": 0},
    "slow_close": {"delay": 1000},
    "slicer": {"average_size": 64, "size_variation": 32, "delay": 10},
    "limit_data": {"bytes": 1024},
}


def test_network_faults_are_the_toxics_with_the_faults_defaults():
    assert {name for name, cls in FAULTS.items() if cls.layer == "network"} == {*TOXICS, "down"}
    for name, attributes in NETWORK_DEFAULTS.items():
        fault = make(name)
        assert fault.attributes() == attributes
        assert [f.name for f in dataclasses.fields(fault)] == ["stream", "toxicity", *attributes]
        assert dataclasses.asdict(TOXICS[name]()) == dict.fromkeys(attributes, 0)  # Toxiproxy's own: zero
        assert pickle.loads(pickle.dumps(fault)) == fault  # scenarios go to `chaos run --jobs` workers
    assert make("down").attributes() == {}
    with pytest.raises(InputError, match="fault 'latency': stream must be upstream or downstream"):
        make("latency", {"stream": "sideways"})
