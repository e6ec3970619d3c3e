"""The provider registry: every registered provider is complete, and adding one
is one module (here a toy OpenAI-compatible provider, served to the official
openai SDK, redacted, attributed, coloured and given a pytest fixture)."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import httpx
import openai
import pytest

from harness import providers, secrets
from harness.contracts import load_path
from harness.double import Double
from harness.double.clients import sdk_client
from harness.exchange import Request
from harness.provider import Provider
from harness.routes import Route

ROOT = Path(__file__).resolve().parent.parent
TOY_MODULE = ROOT / "docs" / "examples" / "toyai.py"


def load_toy() -> Provider:
    """The docs' recipe, executed as written: a module that registers `toyai`."""
    namespace: dict[str, object] = {"__name__": "toyai"}
    exec(compile(TOY_MODULE.read_text(), str(TOY_MODULE), "exec"), namespace)
    provider = namespace["PROVIDER"]
    assert isinstance(provider, Provider)
    return provider


@pytest.fixture
def toy():
    provider = load_toy()
    try:
        yield provider
    finally:
        providers.unregister("toyai")


# --- every registered provider is complete ----------------------------------------------------


@pytest.mark.parametrize("name", providers.names())
def test_a_registered_provider_has_every_part(name):
    provider = providers.get(name)
    assert provider.name == name
    assert provider.base_url.startswith("https://") and provider.all_hosts[0] in provider.base_url
    assert provider.credential is not None, f"{name} declares no credential"
    assert provider.credential.env_vars and all(v.isupper() for v in provider.credential.env_vars)
    assert provider.credential.header
    assert provider.sdk is not None, f"{name} names no SDK client"
    assert provider.routes, "a provider serves at least one route"
    for template, handler in provider.routes:
        Route.parse(template)
        assert callable(handler)
    assert callable(provider.error) and callable(provider.request_id) and callable(provider.sdk)
    assert re.fullmatch(r"#[0-9a-f]{6}", provider.colour)
    assert provider.request_id_header
    failures = provider.failures
    for part in ("rate_limited", "model_retired", "refusal"):  # mark_retired: only where a models list shows it
        assert callable(getattr(failures, part)), f"{name} has no failure shape {part!r}"
    assert 500 <= failures.outage_status <= 599
    # Jobs are all-or-nothing: a provider with async jobs says how they stall and fail.
    job_parts = [failures.job_state, failures.job_stall, failures.job_fail]
    assert all(job_parts) or not any(job_parts)
    assert provider.models(), "the double serves at least one model"
    folder = ROOT / "contracts" / "providers" / name
    contracts = load_path(folder)
    assert contracts and {c.provider for c in contracts} == {name}


def test_every_layer_reads_the_registry():
    for provider in providers.registered():
        assert provider.credential is not None
        assert provider.credential.header.lower() in secrets.request_headers()
        assert set(provider.credential.env_vars) <= set(secrets.env_vars())
        for host in provider.all_hosts:
            assert providers.provider_for_host(host) == provider.name


def test_an_unknown_provider_is_bad_input_naming_the_known_ones():
    with pytest.raises(Exception, match="unknown provider 'nope'; known: openai, anthropic, gemini"):
        providers.get("nope")


# --- adding a provider is one module ------------------------------------------------------------


def test_a_toy_provider_is_served_to_the_official_openai_sdk_in_process(toy):
    assert "toyai" in providers.names() and providers.get("toyai") is toy
    with Double("toyai", seed=3) as double:
        client = sdk_client(double, max_retries=0)
        answer = client.chat.completions.create(model="toy-1", messages=[{"role": "user", "content": "hi"}])
        assert answer.choices[0].message.content == "toy says: hi"
        assert answer.model == "toy-1"
        with pytest.raises(openai.NotFoundError) as caught:
            client.chat.completions.create(model="nope", messages=[{"role": "user", "content": "hi"}])
        assert caught.value.code == "model_not_found"
        with pytest.raises(openai.BadRequestError) as refused:
            client.chat.completions.create(model="toy-1", messages=[])
        assert refused.value.param == "messages"
        strict = sdk_client(double, max_retries=0, _strict_response_validation=True)
        assert [m.id for m in strict.models.list()] == ["toy-1", "toy-1-mini"]
        exchange = double.journal.exchanges[0]
        assert exchange.provider == "toyai" and exchange.request.host == "api.toyai.example"
        assert exchange.request.header("authorization") == f"Bearer {secrets.PLACEHOLDER}"


def test_a_toy_provider_is_served_over_http_and_its_key_is_redacted(toy):
    assert "toyai-key" in secrets.request_headers()
    assert "TOYAI_API_KEY" in secrets.env_vars()
    with Double("toyai") as double, double.serve() as url:
        client = openai.OpenAI(base_url=toy.sdk_base_url(url), api_key="sk-canary-123", max_retries=0)
        answer = client.chat.completions.create(model="toy-1", messages=[{"role": "user", "content": "yo"}])
        assert answer.choices[0].message.content == "toy says: yo"
        raw = httpx.get(f"{url}/v1/chat/completions")
        assert raw.status_code == 404 and raw.json()["error"]["type"] == "invalid_request_error"
    assert b"sk-canary-123" not in repr(double.journal.exchanges).encode()
    assert providers.provider_of(Request(method="GET", url="https://api.toyai.example/v1/models")) == "toyai"


def test_a_toy_provider_gets_a_fixture_and_a_serve_choice(toy, pytester):
    import argparse

    from harness.commands import serve

    parser = argparse.ArgumentParser()
    serve.add_arguments(parser)
    assert parser.parse_args(["toyai"]).provider == "toyai"

    pytester.makeconftest(
        textwrap.dedent(
            f"""
            exec(compile(open({str(TOY_MODULE)!r}).read(), "toyai.py", "exec"), {{"__name__": "toyai"}})
            """
        )
    )
    pytester.makepyfile(
        """
        def test_it(toyai_double):
            client = toyai_double.client()
            answer = client.chat.completions.create(model="toy-1", messages=[{"role": "user", "content": "a"}])
            assert answer.choices[0].message.content == "toy says: a"
        """
    )
    pytester.runpytest_inprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_the_registry_forgets_a_provider_that_is_unregistered():
    """The registry caches its ordered list and who answers on each host; registering and
    unregistering must both refresh them."""
    providers.registered()  # made and cached before the toy arrives
    assert providers.provider_for_host("API.toyai.example") is None  # remembered as no one's
    load_toy()
    try:
        assert providers.provider_for_host("api.toyai.example") == "toyai"
        assert "toyai-key" in secrets.request_headers()
    finally:
        providers.unregister("toyai")
    assert providers.provider_for_host("api.toyai.example") is None
    assert "toyai-key" not in secrets.request_headers()
    assert "toyai" not in [p.name for p in providers.registered()]
