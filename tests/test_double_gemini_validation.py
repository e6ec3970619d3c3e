"""Gemini's embedContent, batchEmbedContents, countTokens and Veo's predictLongRunning are
checked like generateContent: what google-genai sends passes, what Google cannot parse gets
its 400 naming the field, and a lenient double takes it."""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from google import genai
from google.genai import errors as genai_errors
from google.genai import models as genai_models
from google.genai import types as genai_types

from harness.double import Double, VirtualClock

HOST = "https://generativelanguage.googleapis.com"
EMBED, CHAT, VEO = "gemini-embedding-001", "gemini-2.5-flash", "veo-3.1-generate-preview"
TEXT = {"parts": [{"text": "a paper boat"}], "role": "user"}


@pytest.fixture(scope="module")
def doubles():
    with Double("gemini", clock=VirtualClock()) as strict, Double("gemini", clock=VirtualClock(), strict=False) as lax:
        yield {"strict": strict, "lenient": lax}


def client(double: Double, **options) -> genai.Client:
    return genai.Client(
        api_key="test",
        http_options=genai_types.HttpOptions(
            base_url=HOST, api_version="v1beta", client_args={"transport": double.transport("httpx2")}, **options
        ),
    )


def post(double: Double, model: str, method: str, body: dict) -> httpx.Response:
    with httpx.Client(base_url=HOST, transport=double.transport(), headers={"x-goog-api-key": "test"}) as http:
        return http.post(f"/v1beta/models/{model}:{method}", json=body)


def veo_body(**config) -> dict:
    """The body google-genai's own converter writes for generate_videos (its Vertex converter:
    3.6 refuses the method in Developer API mode before sending; the body has the same shape)."""
    parameters = genai_types._GenerateVideosParameters(
        model=VEO,
        source=genai_types.GenerateVideosSource(
            prompt="a paper boat", image=genai_types.Image(image_bytes=b"\x89PNG", mime_type="image/png")
        ),
        config=genai_types.GenerateVideosConfig(**config),
    )
    api = SimpleNamespace(vertexai=True, project="p", location="l")
    body = genai_models._GenerateVideosParameters_to_vertex(api, parameters, None, parameters)
    return {key: value for key, value in body.items() if not key.startswith("_")}


# --- what the SDK sends passes ------------------------------------------------------------------


def test_sdk_embeddings_pass_with_every_option_the_developer_api_takes(doubles):
    gm = client(doubles["strict"])
    config = genai_types.EmbedContentConfig(task_type="RETRIEVAL_DOCUMENT", title="boats", output_dimensionality=8)
    answer = gm.models.embed_content(model=EMBED, contents=["a paper boat", "a harbour"], config=config)
    assert [len(e.values) for e in answer.embeddings] == [8, 8]
    sent = doubles["strict"].journal[-1]
    assert sent.route.endswith(":batchEmbedContents") and sent.status == 200
    single = post(doubles["strict"], EMBED, "embedContent", {"content": TEXT, "taskType": "RETRIEVAL_QUERY"})
    assert single.status_code == 200, single.text


def test_sdk_count_tokens_passes_and_counts(doubles):
    gm = client(doubles["strict"])  # held: google-genai closes its HTTP client when the Client is collected
    answer = gm.models.count_tokens(model=CHAT, contents="a paper boat on the sea")
    assert answer.total_tokens == 6
    whole = {"generateContentRequest": {"model": f"models/{CHAT}", "contents": [TEXT]}}
    assert post(doubles["strict"], CHAT, "countTokens", whole).json()["totalTokens"] == 3


def test_sdk_count_tokens_is_not_found_for_a_model_without_it(doubles):
    gm = client(doubles["strict"])
    with pytest.raises(genai_errors.ClientError, match="not supported for countTokens"):
        gm.models.count_tokens(model=EMBED, contents="hi")


def test_the_veo_body_the_sdk_writes_passes_with_every_option(doubles):
    body = veo_body(
        number_of_videos=1,
        duration_seconds=8,
        aspect_ratio="9:16",
        negative_prompt="rain",
        person_generation="allow_adult",
        resolution="720p",
        enhance_prompt=True,
        generate_audio=True,
        seed=3,
    )
    assert {"sampleCount", "durationSeconds", "negativePrompt", "personGeneration"} <= set(body["parameters"])
    answer = post(doubles["strict"], VEO, "predictLongRunning", body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["name"].startswith(f"models/{VEO}/operations/")


# --- what Google cannot parse is refused, naming the field --------------------------------------

REJECTED = [
    (
        EMBED,
        "embedContent",
        {"content": TEXT, "taskTyp": "RETRIEVAL_QUERY"},
        'Invalid JSON payload received. Unknown name "taskTyp": Cannot find field.',
        None,
    ),
    (
        EMBED,
        "embedContent",
        {"content": TEXT, "outputDimensionality": "eight"},
        "Invalid JSON payload received. Invalid value at 'output_dimensionality' (TYPE_INT32), \"eight\"",
        "output_dimensionality",
    ),
    (
        EMBED,
        "batchEmbedContents",
        {"requests": [{"model": f"models/{EMBED}", "content": TEXT, "dimensions": 8}]},
        "Invalid JSON payload received. Unknown name \"dimensions\" at 'requests[0]': Cannot find field.",
        "requests[0]",
    ),
    (
        EMBED,
        "batchEmbedContents",
        {"requests": [{"content": {"parts": [{"text": 5}]}}]},
        "Invalid JSON payload received. Invalid value at 'requests[0].content.parts[0].text' (TYPE_STRING), 5",
        "requests[0].content.parts[0].text",
    ),
    (
        CHAT,
        "countTokens",
        {"contents": [TEXT], "systemInstruction": TEXT},
        'Invalid JSON payload received. Unknown name "systemInstruction": Cannot find field.',
        None,
    ),
    (
        CHAT,
        "countTokens",
        {"generateContentRequest": {"contents": [TEXT], "generationConfig": {"temperature": "hot"}}},
        "Invalid JSON payload received. Invalid value at "
        "'generate_content_request.generation_config.temperature' (TYPE_FLOAT), \"hot\"",
        "generate_content_request.generation_config.temperature",
    ),
    (
        VEO,
        "predictLongRunning",
        {"instances": [{"prompt": "a boat"}], "parameters": {"numberOfVideos": 1}},
        "`numberOfVideos` isn't supported by this model. Please remove it or refer to the Gemini API "
        "documentation for supported usage.",
        None,
    ),
    (
        VEO,
        "predictLongRunning",
        {"instances": [{"prompt": "a boat", "style": "noir"}]},
        "`style` isn't supported by this model. Please remove it or refer to the Gemini API "
        "documentation for supported usage.",
        None,
    ),
    (
        VEO,
        "predictLongRunning",
        {"instances": [{"prompt": "a boat"}], "parameters": {"durationSeconds": "8"}},
        "`durationSeconds` needs to be a number.",
        None,
    ),
    (
        VEO,
        "predictLongRunning",
        {"instances": [{"prompt": "a boat"}], "parameters": {"aspect_ratio": "16:9"}},
        "`aspect_ratio` isn't supported by this model. Please remove it or refer to the Gemini API "
        "documentation for supported usage.",
        None,
    ),
    (
        VEO,
        "predictLongRunning",
        {"instances": [{"prompt": "a boat"}], "config": {}},
        'Invalid JSON payload received. Unknown name "config": Cannot find field.',
        None,
    ),
]


@pytest.mark.parametrize(("model", "method", "body", "message", "field"), REJECTED, ids=[r[3][:60] for r in REJECTED])
def test_what_google_cannot_parse_gets_its_400_naming_the_field(doubles, model, method, body, message, field):
    answer = post(doubles["strict"], model, method, body)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert (error["status"], error["message"]) == ("INVALID_ARGUMENT", message)
    violations = [d for d in error["details"] if d["@type"].endswith("google.rpc.BadRequest")]
    assert [v["fieldViolations"][0]["field"] for v in violations] == ([field] if field else [])
    lenient = post(doubles["lenient"], model, method, body)
    assert lenient.status_code != 400 or lenient.json()["error"]["message"] != message


def test_the_sdk_raises_client_error_for_a_field_google_does_not_know(doubles):
    gm = client(doubles["strict"], extra_body={"dimensions": 8})
    with pytest.raises(genai_errors.ClientError, match='Unknown name "dimensions"'):
        gm.models.embed_content(model=EMBED, contents="a paper boat")
    with pytest.raises(genai_errors.ClientError, match='Unknown name "dimensions"'):
        gm.models.count_tokens(model=CHAT, contents="a paper boat")
