"""The Azure OpenAI double through openai-python's `AzureOpenAI` client: deployments,
`api-version`, the `api-key` header (never journalled), Azure's error envelope and
content-filter annotations, its v1 API, and the faults in Azure's own shapes."""

from __future__ import annotations

import asyncio

import httpx
import httpx2
import openai
import pytest

from harness import cassettes, providers
from harness.chaos import Injection, Schedule, attach, make
from harness.double import Double
from harness.double.clients import sdk_client
from harness.routes import Route

ENDPOINT = "https://contoso.openai.azure.com"
VERSION = "2024-10-21"
ASK = [{"role": "user", "content": "Name a fox"}]
KEY = "azure-secret-key-123"


def azure(double, **options):
    return openai.AzureOpenAI(
        azure_endpoint=ENDPOINT,
        api_version=options.pop("api_version", VERSION),
        api_key=KEY,
        http_client=httpx2.Client(transport=double.transport("httpx2")),
        **{"max_retries": 0, **options},
    )


@pytest.fixture
def double():
    with Double("azure_openai", seed=3) as made:
        yield made


@pytest.fixture
def client(double):
    with azure(double) as made:
        yield made


def test_chat_through_a_deployment(client, double):
    completion = client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert "Name a fox" in completion.choices[0].message.content and completion.model == "gpt-4o"
    exchange = double.journal[-1]
    assert exchange.request.path == "/openai/deployments/gpt-4o/chat/completions"
    assert exchange.request.query == {"api-version": VERSION}
    assert exchange.route == "POST /openai/deployments/{deployment}/chat/completions"
    assert exchange.request.header("api-key") == "REDACTED" and KEY not in exchange.request.text
    body = exchange.response.json
    assert body["prompt_filter_results"][0]["content_filter_results"]["violence"] == {
        "filtered": False,
        "severity": "safe",
    }
    assert body["choices"][0]["content_filter_results"]["hate"]["filtered"] is False
    assert exchange.response.header("x-ms-region") and exchange.response.header("x-request-id").count("-") == 4


def test_a_streamed_chat_starts_with_the_prompt_filter_chunk(client):
    chunks = list(client.chat.completions.create(model="gpt-4o-mini", messages=ASK, stream=True))
    assert chunks[0].choices == [] and chunks[0].prompt_filter_results  # Azure's first chunk
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert "Name a fox" in text and chunks[-1].choices[0].finish_reason == "stop"


def test_async_client_and_embeddings(double):
    async def main():
        async with openai.AsyncAzureOpenAI(
            azure_endpoint=ENDPOINT,
            api_version=VERSION,
            api_key=KEY,
            http_client=httpx2.AsyncClient(transport=double.async_transport("httpx2")),
        ) as client:
            stream = await client.chat.completions.create(model="gpt-4o", messages=ASK, stream=True)
            text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
            vectors = await client.embeddings.create(
                model="text-embedding-3-small", input=["a", "b"], encoding_format="float"
            )
            return text, vectors

    text, vectors = asyncio.run(main())
    assert "Name a fox" in text and [len(d.embedding) for d in vectors.data] == [1536, 1536]
    assert double.journal[-1].request.path == "/openai/deployments/text-embedding-3-small/embeddings"


def test_responses_audio_and_the_sdk_client_of_the_provider(double):
    with sdk_client(double, max_retries=0) as client:
        response = client.responses.create(model="gpt-4o", input="hello there")
        assert "hello there" in response.output_text
        assert double.journal[-1].request.path == "/openai/responses"
        assert client.responses.retrieve(response.id).id == response.id
        audio = client.audio.speech.create(model="tts-1", voice="alloy", input="hi", response_format="wav")
        assert audio.content[:4] == b"RIFF"
        assert double.journal[-1].request.path == "/openai/deployments/tts-1/audio/speech"


def test_a_missing_or_unknown_api_version_is_answered_as_azure_does(double):
    with httpx.Client(base_url=ENDPOINT, transport=double.transport(), headers={"api-key": KEY}) as http:
        path = "/openai/deployments/gpt-4o/chat/completions"
        missing = http.post(path, json={"messages": ASK})
        assert missing.status_code == 404 and missing.json() == {
            "error": {"code": "404", "message": "Resource not found"}
        }
        unknown = http.post(path, params={"api-version": "2019-01-01"}, json={"messages": ASK})
        assert unknown.status_code == 400
        assert unknown.json() == {"error": {"code": "BadRequest", "message": "API version not supported"}}
    with azure(double, api_version="2031-01-01") as client, pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert caught.value.code == "BadRequest" and caught.value.body["message"] == "API version not supported"


def test_an_unknown_deployment_and_a_missing_key(double, client):
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="my-deployment", messages=ASK)
    assert caught.value.code == "DeploymentNotFound"
    with httpx.Client(base_url=ENDPOINT, transport=double.transport()) as http:
        denied = http.post("/openai/deployments/gpt-4o/chat/completions", params={"api-version": VERSION}, json={})
    assert denied.status_code == 401 and denied.json()["error"]["code"] == "401"
    assert "Access denied" in denied.json()["error"]["message"]


def test_the_v1_api_with_a_plain_openai_client(double):
    with openai.OpenAI(
        api_key=KEY,
        base_url=ENDPOINT + "/openai/v1/",
        http_client=httpx2.Client(transport=double.transport("httpx2")),
        max_retries=0,
    ) as client:
        completion = client.chat.completions.create(model="gpt-4o", messages=ASK)
        assert completion.choices[0].message.content and completion.prompt_filter_results
        assert "gpt-4o" in {m.id for m in client.models.list()}
    exchange = double.journal[0]
    assert exchange.request.path == "/openai/v1/chat/completions"
    assert exchange.request.header("authorization") == "Bearer REDACTED"


def test_a_cassette_never_holds_the_key_and_names_azure(double, client, tmp_path):
    client.chat.completions.create(model="gpt-4o", messages=ASK)
    path = tmp_path / "azure.yaml"
    cassettes.write(double.journal, path)
    assert KEY not in path.read_text()
    (loaded,) = cassettes.load(path)
    assert loaded.provider == "azure_openai" and providers.provider_of(loaded.request) == "azure_openai"


# --- faults ----------------------------------------------------------------------------------


def inject(double, fault, route=None, schedule=None, **params):
    attach(
        Injection(make(fault, params), route=Route.parse(route) if route else None, schedule=schedule or Schedule()),
        double,
    )


def test_an_outage_on_the_azure_chat_route_is_retried_then_raised(double):
    inject(double, "outage", "POST /openai/deployments/{deployment}/chat/completions")
    with azure(double, max_retries=1) as client, pytest.raises(openai.InternalServerError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert caught.value.status_code == 503 and caught.value.code == "ServiceUnavailable"
    assert [x.status for x in double.journal] == [503, 503]


def test_a_rate_limit_on_azure_is_retried_after_its_wait(double):
    inject(double, "rate_limit", schedule=Schedule(first=1), retry_after=0.2)
    with azure(double, max_retries=2) as client:
        completion = client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert completion.choices[0].message.content
    limited, answered = double.journal
    assert (limited.status, answered.status) == (429, 200)
    assert limited.response.header("retry-after") == "1" and limited.response.header("retry-after-ms") == "200"
    assert "exceeded token rate limit" in limited.response.json["error"]["message"]
    assert limited.response.json["error"]["code"] == "429"


def test_rate_limit_and_outage_on_azure_embeddings(double):
    inject(double, "rate_limit", "POST /openai/deployments/{deployment}/embeddings", retry_after=3)
    with azure(double) as client, pytest.raises(openai.RateLimitError):
        client.embeddings.create(model="text-embedding-3-small", input="x", encoding_format="float")
    other = Double("azure_openai")
    try:
        inject(other, "outage", "POST /openai/deployments/{deployment}/embeddings")
        with azure(other) as client, pytest.raises(openai.InternalServerError):
            client.embeddings.create(model="text-embedding-3-small", input="x", encoding_format="float")
    finally:
        other.close()


def test_a_spent_quota_is_not_retried(double):
    inject(double, "rate_limit", quota=True)
    with azure(double, max_retries=2) as client, pytest.raises(openai.PermissionDeniedError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert "Out of call volume quota" in caught.value.message and len(double.journal) == 1


def test_the_refusal_is_azures_prompt_filter(double):
    inject(double, "refusal")
    with azure(double) as client, pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model="gpt-4o", messages=ASK)
    assert caught.value.code == "content_filter" and caught.value.param == "prompt"
    assert caught.value.body["innererror"]["content_filter_result"]["violence"]["filtered"] is True


# --- the baseline contracts ------------------------------------------------------------------


def test_the_azure_journal_checks_clean_against_its_baselines(double, client):
    from pathlib import Path

    from harness import contracts

    client.chat.completions.create(model="gpt-4o", messages=ASK)
    list(client.chat.completions.create(model="gpt-4o", messages=ASK, stream=True))
    client.embeddings.create(model="text-embedding-3-small", input=["a"], encoding_format="float")
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(model="nobody", messages=ASK)
    inject(double, "rate_limit", "POST /openai/deployments/{deployment}/embeddings")
    with pytest.raises(openai.RateLimitError):
        client.embeddings.create(model="text-embedding-3-small", input=["a"], encoding_format="float")
    folder = Path(__file__).resolve().parent.parent / "contracts" / "providers" / "azure_openai"
    result = contracts.verify(contracts.load_path(folder), list(double.journal))
    assert not result.unmatched and result.ok, "\n".join(str(v) for v in result.violations)
    assert result.checked == 5
    # The same traffic read as OpenAI's: Azure's envelope is not OpenAI's.
    openai_folder = folder.parent / "openai"
    stray = contracts.verify(contracts.load_path(openai_folder), list(double.journal))
    assert stray.checked == 0  # the provider differs, so OpenAI's baselines do not claim it


def test_a_deployment_of_a_model_the_double_was_given_is_found():
    # Deployments are looked up in this double's catalogue, which holds the models it was given.
    extra = {"contoso-chat-1": {"family": "chat"}}
    own, plain = Double("azure_openai", seed=3, models=extra), Double("azure_openai", seed=3)
    with own, plain, azure(own) as with_it, azure(plain) as without:
        answer = with_it.chat.completions.create(model="contoso-chat-1", messages=ASK)
        assert answer.model == "contoso-chat-1"
        with pytest.raises(openai.NotFoundError):
            without.chat.completions.create(model="contoso-chat-1", messages=ASK)
