"""The Gemini double's JSON mode, function calling and embeddings, through
google-genai (in-process and over real HTTP), each answer parsed with the
SDK's own types (which forbid extra fields), and the journal against the
shipped baselines."""

from __future__ import annotations

import enum
import json
import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx2
import jsonschema
import pydantic
import pytest
from google import genai
from google.genai import errors, types

from harness import chaos, contracts, providers
from harness.double import Double, VirtualClock

pytestmark = pytest.mark.filterwarnings("error")

CONTRACTS = Path(__file__).resolve().parent.parent / "contracts" / "providers" / "gemini"
HOST = "https://generativelanguage.googleapis.com"
MODEL, EMBEDDER = "gemini-2.5-flash", "gemini-embedding-001"


class Course(enum.Enum):
    STARTER = "starter"
    MAIN = "main"


class Recipe(pydantic.BaseModel):
    name: str = pydantic.Field(min_length=3)
    minutes: int = pydantic.Field(ge=5, le=90)
    course: Course
    tags: list[str]


def get_weather(city: str, days: int) -> dict:
    """The weather in a city for the next few days."""
    return {"forecast": "light rain", "city": city, "days": days}


def get_time(zone: str) -> str:
    """The time in a zone."""
    return "09:30"


WEATHER = types.FunctionDeclaration(
    name="get_weather",
    description="The weather in a city.",
    parameters=types.Schema(
        type="OBJECT",
        properties={
            "city": types.Schema(type="STRING"),
            "unit": types.Schema(type="STRING", enum=["celsius", "fahrenheit"]),
            "days": types.Schema(type="INTEGER", minimum=1, maximum=7),
        },
        required=["city", "unit"],
    ),
)
WEATHER_JSON_SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        "days": {"type": "integer", "minimum": 1, "maximum": 7},
    },
    "required": ["city", "unit"],
}


def strict_parse(double: Double) -> None:
    """Every answer in the journal parses with google-genai's type for it (its models forbid extras)."""
    for exchange in double.journal:
        response, route = exchange.response, exchange.route or ""
        if response.status >= 400:
            assert set(response.json) == {"error"} and set(response.json["error"]) <= {
                "code",
                "message",
                "status",
                "details",
            }
        elif route.endswith(":batchEmbedContents"):
            types.EmbedContentResponse.model_validate(response.json)
        elif route.endswith(":embedContent"):
            types.SingleEmbedContentResponse.model_validate(response.json)
        elif response.is_stream:
            for event in response.events:
                types.GenerateContentResponse.model_validate(event.json)
        elif route.endswith(":generateContent"):
            types.GenerateContentResponse.model_validate(response.json)


@pytest.fixture
def double() -> Iterator[Double]:
    with Double("gemini", seed=11, clock=VirtualClock()) as made:
        yield made


@pytest.fixture(params=["in-process", "http"])
def options(request, double) -> Iterator[Callable[..., types.HttpOptions]]:
    if request.param == "http":
        with double.serve() as url:
            yield lambda **extra: types.HttpOptions(base_url=url, api_version="v1beta", **extra)
    else:
        yield lambda **extra: types.HttpOptions(
            base_url=HOST, api_version="v1beta", client_args={"transport": double.transport("httpx2")}, **extra
        )


@pytest.fixture
def client(options) -> Iterator[genai.Client]:
    with genai.Client(api_key="test", http_options=options()) as made:
        yield made


# -- JSON mode ----------------------------------------------------------------------


def test_json_mode_with_a_pydantic_schema_answers_json_the_sdk_parses(double, client):
    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=Recipe)
    response = client.models.generate_content(model=MODEL, contents="A quick soup, please.", config=config)
    assert isinstance(response.parsed, Recipe)
    assert response.parsed == Recipe.model_validate_json(response.text)
    strict_parse(double)


def test_json_mode_with_a_json_schema_answers_an_instance_of_it(double, client):
    schema = Recipe.model_json_schema()
    config = types.GenerateContentConfig(response_mime_type="application/json", response_json_schema=schema)
    response = client.models.generate_content(model=MODEL, contents="A quick soup, please.", config=config)
    sent = double.journal[-1].request.json["generationConfig"]
    assert "responseJsonSchema" in sent
    jsonschema.validate(json.loads(response.text), schema)


def test_json_mode_streams_pieces_that_join_into_the_json(double, client):
    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=Recipe)
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="A soup.", config=config))
    assert len(chunks) > 1
    Recipe.model_validate_json("".join(chunk.text for chunk in chunks))
    strict_parse(double)


def test_json_mode_without_a_schema_answers_a_json_object_and_enum_mode_one_value(client):
    plain = client.models.generate_content(
        model=MODEL, contents="Anything.", config=types.GenerateContentConfig(response_mime_type="application/json")
    )
    assert isinstance(json.loads(plain.text), dict)
    picked = client.models.generate_content(
        model=MODEL,
        contents="Which course?",
        config=types.GenerateContentConfig(response_mime_type="text/x.enum", response_schema=Course),
    )
    assert picked.parsed in set(Course)


# -- function calling -----------------------------------------------------------------


def calling(mode: str, *declared: Any, allowed: list[str] | None = None) -> types.GenerateContentConfig:
    return types.GenerateContentConfig(
        tools=[types.Tool(function_declarations=list(declared))]
        if declared and not callable(declared[0])
        else list(declared),
        automatic_function_calling=types.AutomaticFunctionCallingConfig(disable=True),
        tool_config=types.ToolConfig(
            function_calling_config=types.FunctionCallingConfig(mode=mode, allowed_function_names=allowed)
        ),
    )


def test_mode_any_answers_a_function_call_whose_args_fit_the_declaration(double, client):
    response = client.models.generate_content(model=MODEL, contents="Plan my week.", config=calling("ANY", WEATHER))
    (call,) = response.function_calls
    assert call.name == "get_weather"
    jsonschema.validate(call.args, WEATHER_JSON_SCHEMA)
    assert response.candidates[0].finish_reason == types.FinishReason.STOP and response.text is None
    strict_parse(double)


def test_a_python_function_is_declared_with_a_json_schema_and_called_with_fitting_args(client):
    response = client.models.generate_content(model=MODEL, contents="Plan my week.", config=calling("ANY", get_weather))
    (call,) = response.function_calls
    assert call.name == "get_weather" and isinstance(call.args["city"], str) and isinstance(call.args["days"], int)


def test_allowed_function_names_and_the_users_words_pick_the_function(client):
    both = types.FunctionDeclaration(name="get_time", description="Time.", parameters_json_schema={"type": "object"})
    allowed = client.models.generate_content(
        model=MODEL, contents="Plan my week.", config=calling("ANY", WEATHER, both, allowed=["get_time"])
    )
    assert [c.name for c in allowed.function_calls] == ["get_time"]
    named = client.models.generate_content(
        model=MODEL, contents="Use get_time in Tokyo.", config=calling("ANY", WEATHER, both)
    )
    assert [c.name for c in named.function_calls] == ["get_time"]


def test_auto_answers_text_unless_the_user_names_a_function_and_none_never_calls(client):
    assert client.models.generate_content(model=MODEL, contents="Plan my week.", config=calling("AUTO", WEATHER)).text
    named = client.models.generate_content(
        model=MODEL, contents="Call get_weather for Oslo.", config=calling("AUTO", WEATHER)
    )
    assert named.function_calls[0].name == "get_weather"
    declined = client.models.generate_content(
        model=MODEL, contents="Call get_weather for Oslo.", config=calling("NONE", WEATHER)
    )
    assert declined.function_calls is None and declined.text


def test_the_sdk_answers_a_call_automatically_and_the_double_answers_the_result_in_words(double, client):
    # The chat is where google-genai recommends automatic function calling.
    chat = client.chats.create(model=MODEL, config=types.GenerateContentConfig(tools=[get_weather]))
    response = chat.send_message("Use get_weather for Oslo.")
    assert "light rain" in response.text
    sent = double.journal[-1].request.json["contents"][-1]["parts"][0]
    assert sent["functionResponse"]["name"] == "get_weather"
    strict_parse(double)


def test_a_streamed_function_call_comes_whole_in_one_chunk(double, client):
    chunks = list(client.models.generate_content_stream(model=MODEL, contents="Plan.", config=calling("ANY", WEATHER)))
    calls = [c for chunk in chunks for c in (chunk.function_calls or ())]
    assert [c.name for c in calls] == ["get_weather"]
    strict_parse(double)


def test_an_unknown_function_calling_mode_is_invalid_argument(double):
    body = {
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
        "tools": [{"functionDeclarations": [{"name": "f"}]}],
        "toolConfig": {"functionCallingConfig": {"mode": "SOMETIMES"}},
    }
    with httpx2.Client(base_url=HOST, transport=double.transport("httpx2")) as http:
        answer = http.post(f"/v1beta/models/{MODEL}:generateContent", json=body)
    assert answer.status_code == 400 and answer.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert '"SOMETIMES"' in answer.json()["error"]["message"]


# -- embeddings -------------------------------------------------------------------------


def test_embed_content_gives_one_unit_vector_per_content_the_same_every_time(double, client):
    several = client.models.embed_content(model=EMBEDDER, contents=["a red fox", "a grey wolf"])
    assert double.journal[-1].route == "POST /v1beta/models/{model}:batchEmbedContents"
    first, second = (e.values for e in several.embeddings)
    assert len(first) == len(second) == 3072 and first != second
    assert math.isclose(math.sqrt(sum(v * v for v in first)), 1.0, rel_tol=1e-4)
    single = client.models.embed_content(model=EMBEDDER, contents="a red fox")
    assert single.embeddings[0].values == first  # the same text, the same vector
    strict_parse(double)


def test_output_dimensionality_keeps_the_first_values(client):
    full = client.models.embed_content(model=EMBEDDER, contents="a red fox").embeddings[0].values
    short = client.models.embed_content(
        model=EMBEDDER, contents="a red fox", config=types.EmbedContentConfig(output_dimensionality=256)
    )
    assert short.embeddings[0].values == full[:256]


def test_vectors_follow_the_seed_and_the_task_type(client):
    def embed(seed: int, task: str | None = None) -> list[float]:
        with Double("gemini", seed=seed) as double:
            made = genai.Client(
                api_key="t",
                http_options=types.HttpOptions(base_url=HOST, client_args={"transport": double.transport("httpx2")}),
            )
            config = types.EmbedContentConfig(output_dimensionality=8, task_type=task)
            return made.models.embed_content(model=EMBEDDER, contents="fox", config=config).embeddings[0].values

    assert embed(1) == embed(1) != embed(2)
    assert embed(1, "RETRIEVAL_QUERY") != embed(1, "RETRIEVAL_DOCUMENT")


def test_embed_content_on_its_own_route(double):
    with httpx2.Client(base_url=HOST, transport=double.transport("httpx2")) as http:
        answer = http.post(
            f"/v1beta/models/{EMBEDDER}:embedContent",
            json={"content": {"parts": [{"text": "a red fox"}]}, "outputDimensionality": 4},
        )
    assert answer.status_code == 200 and len(answer.json()["embedding"]["values"]) == 4
    strict_parse(double)


@pytest.mark.parametrize(
    "model, config, status",
    [
        (MODEL, None, 404),  # a chat model does not embed
        (EMBEDDER, types.EmbedContentConfig(output_dimensionality=4000), 400),
    ],
)
def test_embedding_requests_the_api_refuses(client, model, config, status):
    with pytest.raises(errors.ClientError) as caught:
        client.models.embed_content(model=model, contents="fox", config=config)
    assert caught.value.code == status


def test_a_batch_of_more_than_a_hundred_is_refused(client):
    with pytest.raises(errors.ClientError) as caught:
        client.models.embed_content(model=EMBEDDER, contents=[f"text {i}" for i in range(101)])
    assert caught.value.code == 400 and "at most 100 requests" in caught.value.message


@pytest.mark.parametrize(
    "fault, error, code", [("outage", errors.ServerError, 503), ("rate_limit", errors.ClientError, 429)]
)
def test_faults_act_on_embeddings_like_any_route(double, client, fault, error, code):
    chaos.attach(chaos.Injection(chaos.make(fault)), double)
    with pytest.raises(error) as caught:
        client.models.embed_content(model=EMBEDDER, contents="fox")
    assert caught.value.code == code
    strict_parse(double)


# -- the credential and the baselines -----------------------------------------------


def test_the_credential_prefers_google_api_key_as_google_genai_does(monkeypatch):
    from google.genai import _api_client

    env = {"GOOGLE_API_KEY": "google-key", "GEMINI_API_KEY": "gemini-key"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.MonkeyPatch.context() as quiet:
        quiet.setattr(_api_client.logger, "warning", lambda *a, **k: None)
        sdk_choice = _api_client.get_env_api_key()
    assert providers.get("gemini").credential.key(env) == sdk_choice == "google-key"


def test_json_mode_function_calls_and_embeddings_check_clean_against_the_baselines(double, client):
    config = types.GenerateContentConfig(response_mime_type="application/json", response_schema=Recipe)
    client.models.generate_content(model=MODEL, contents="A soup.", config=config)
    client.models.generate_content(model=MODEL, contents="Plan.", config=calling("ANY", WEATHER))
    list(client.models.generate_content_stream(model=MODEL, contents="Plan.", config=calling("ANY", WEATHER)))
    client.models.embed_content(model=EMBEDDER, contents=["a", "b"])
    with httpx2.Client(base_url=HOST, transport=double.transport("httpx2")) as http:
        http.post(f"/v1beta/models/{EMBEDDER}:embedContent", json={"content": {"parts": [{"text": "a"}]}})
    for fault in ("outage", "rate_limit"):
        active = chaos.attach(chaos.Injection(chaos.make(fault)), double)
        with pytest.raises(errors.APIError):
            client.models.embed_content(model=EMBEDDER, contents="fox")
        double.hooks.remove(active)

    result = contracts.verify(contracts.load_path(CONTRACTS), list(double.journal))
    assert not result.violations, "\n".join(str(v) for v in result.violations)
    assert not result.unmatched and result.per_contract["gemini/embeddings"] == 4
    strict_parse(double)
