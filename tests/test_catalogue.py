"""The model catalogue: every model the installed SDKs declare is served until its
shutdown date and refused as the provider does after it, on the double's clock;
teams add models in pyproject.toml or a scenario; mistakes there are clean errors."""

from __future__ import annotations

import textwrap
import typing
import warnings
from datetime import UTC, date, datetime, timedelta

import anthropic
import httpx
import openai
import pytest
from anthropic._data import DEPRECATED_MODELS
from google.genai._gaos.types.interactions import model as genai_model
from openai.types import EmbeddingModel, ImageModel, ModerationModel, VideoModel
from openai.types.audio import SpeechModel
from openai.types.audio_model import AudioModel
from openai.types.shared import ChatModel, ResponsesModel

from harness import catalogue
from harness.catalogue import sdk
from harness.chaos import scenario
from harness.cli import main
from harness.double import Double, VirtualClock
from harness.double.clients import sdk_client
from harness.double.clock import DEFAULT_START
from harness.errors import InputError

HOST = {"openai": "https://api.openai.com", "anthropic": "https://api.anthropic.com", "gemini": "https://g.test"}
HEADERS = {"openai": {"authorization": "Bearer sk-test"}, "anthropic": {"anthropic-version": "2023-06-01"}}


def epoch(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def http(double: Double) -> httpx.Client:
    name = double.name
    return httpx.Client(base_url=HOST[name], transport=double.transport(), headers=HEADERS.get(name, {}))


def sdk_ids(annotation) -> list[str]:
    """The ids of a model type, read independently of harness.catalogue.sdk."""
    out: list[str] = []
    for arg in typing.get_args(annotation):
        out += [arg] if isinstance(arg, str) else sdk_ids(arg)
    return out


def a_day_it_is_served(model: catalogue.Model) -> date:
    start = datetime.fromtimestamp(DEFAULT_START, UTC).date()
    return min(start, model.shutdown_on - timedelta(days=1)) if model.shutdown_on else start


# --- every id the SDKs declare is served until its shutdown, refused after -------------------

OPENAI_ROUTES = {
    "chat": ("/v1/chat/completions", lambda m: {"model": m, "messages": [{"role": "user", "content": "hi"}]}),
    "image": ("/v1/images/generations", lambda m: {"model": m, "prompt": "a fox"}),
    "moderation": ("/v1/moderations", lambda m: {"model": m, "input": "hello"}),
    "video": ("/v1/videos", lambda m: {"model": m, "prompt": "a fox"}),
}
OPENAI_TYPES = (
    ChatModel,
    ResponsesModel,
    ImageModel,
    EmbeddingModel,
    AudioModel,
    SpeechModel,
    VideoModel,
    ModerationModel,
)


def openai_ids() -> list[str]:
    ids = dict.fromkeys(i for annotation in OPENAI_TYPES for i in sdk_ids(annotation))
    # The SDK itself says this id is "Not a supported model ID", so the API does not serve it.
    return [i for i in ids if i != "gpt-5.1-mini"]


def test_every_openai_sdk_model_is_served_until_its_shutdown_and_refused_on_it():
    clock = VirtualClock()
    with Double("openai", clock=clock) as double, http(double) as client:
        known = catalogue.catalogue("openai")
        for model_id in openai_ids():
            model = known.get(model_id)
            assert model is not None, f"{model_id} is in the openai SDK's model types but not served"
            clock.set(epoch(a_day_it_is_served(model)))
            assert client.get(f"/v1/models/{model_id}").status_code == 200, model_id
            route = OPENAI_ROUTES.get(model.family)
            if route is not None:  # embedding and audio models: their routes are not played yet
                answer = client.post(route[0], json=route[1](model_id))
                assert answer.status_code == 200, (model_id, answer.text)
            if model.shutdown_on is not None:
                clock.set(epoch(model.shutdown_on))
                gone = client.post(route[0], json=route[1](model_id)) if route else None
                whole_api = route is not None and known.route(route[0]) is not None
                if gone is not None and whole_api and gone.status_code == 410:
                    pass  # its route shut down too (Sora's): the API's answer comes first
                elif gone is not None:
                    assert gone.status_code == 404, model_id
                    assert gone.json()["error"]["code"] == "model_not_found"
                    assert gone.json()["error"]["message"].startswith(f"The model `{model_id}` has been deprecated")
                assert client.get(f"/v1/models/{model_id}").status_code == 404
                assert model_id not in {m["id"] for m in client.get("/v1/models").json()["data"]}


def test_the_unsupported_id_the_openai_sdk_keeps_is_not_served():
    with Double("openai", clock=VirtualClock()) as double, http(double) as client:
        answer = client.post("/v1/chat/completions", json=OPENAI_ROUTES["chat"][1]("gpt-5.1-mini"))
    assert answer.status_code == 404 and "does not exist" in answer.json()["error"]["message"]


def test_every_anthropic_sdk_model_is_served_until_its_shutdown_and_refused_on_it():
    clock = VirtualClock()
    ids = dict.fromkeys([*sdk_ids(anthropic.types.Model), *DEPRECATED_MODELS, "claude-sonnet-4-5"])
    with Double("anthropic", clock=clock) as double, http(double) as client:
        known = catalogue.catalogue("anthropic")
        for model_id in ids:
            model = known.resolve(model_id)
            assert model is not None, f"{model_id} is in the anthropic SDK but not served"
            clock.set(epoch(a_day_it_is_served(model)))
            body = {"model": model_id, "max_tokens": 16, "messages": [{"role": "user", "content": "hi"}]}
            answer = client.post("/v1/messages", json=body)
            assert answer.status_code == 200, (model_id, answer.text)
            assert client.get(f"/v1/models/{model_id}").json()["id"] == model.id
            if model.shutdown_on is not None:
                clock.set(epoch(model.shutdown_on))
                gone = client.post("/v1/messages", json=body)
                assert gone.status_code == 404 and gone.json()["error"] == {
                    "type": "not_found_error",
                    "message": f"model: {model_id}",
                }
                assert client.get(f"/v1/models/{model_id}").json()["lifecycle"] == "retired"


def test_the_sdk_deprecated_table_sets_the_anthropic_retirement():
    # anthropic 2.15: claude-opus-4-5 reaches end of life on "January 22nd, 2027".
    life = catalogue.lifecycle("anthropic", "claude-opus-4-5", date(2026, 12, 1))
    assert life is not None and life.state == "deprecated" and life.shutdown_on == date(2027, 1, 22)
    assert "DEPRECATED_MODELS" in life.source


def test_every_gemini_sdk_model_is_served_until_its_shutdown():
    clock = VirtualClock()
    with Double("gemini", clock=clock) as double, http(double) as client:
        known = catalogue.catalogue("gemini")
        for model_id in sdk_ids(genai_model.Model):
            model = known.get(model_id)
            assert model is not None, f"{model_id} is in google-genai's Model but not served"
            clock.set(epoch(a_day_it_is_served(model)))
            card = client.get(f"/v1beta/models/{model_id}")
            assert card.status_code == 200 and card.json()["name"] == f"models/{model_id}"
            if "generateContent" in card.json()["supportedGenerationMethods"]:
                answer = client.post(
                    f"/v1beta/models/{model_id}:generateContent", json={"contents": [{"parts": [{"text": "hi"}]}]}
                )
                assert answer.status_code == 200, (model_id, answer.text)


def test_sdk_model_ids_are_served_through_the_official_sdks():
    """The ids issue 10 found missing, through the SDKs themselves."""
    with Double("openai", clock=VirtualClock()) as double:
        client = sdk_client(double, max_retries=0)
        for model_id in ("gpt-5.5", "gpt-5.6-sol"):
            answer = client.chat.completions.create(model=model_id, messages=[{"role": "user", "content": "hi"}])
            assert answer.model == model_id
    with Double("anthropic", clock=VirtualClock()) as double:
        client = sdk_client(double, max_retries=0)
        message = client.messages.create(
            model="claude-sonnet-4-5", max_tokens=16, messages=[{"role": "user", "content": "hi"}]
        )
        assert message.model == "claude-sonnet-4-5"


# --- lifecycle on the double's clock ------------------------------------------------------------


def test_sora_is_refused_from_its_shutdown_day_and_leaves_the_list():
    clock = VirtualClock(epoch(date(2026, 9, 23)))
    with Double("openai", clock=clock) as double:
        client = sdk_client(double, max_retries=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the SDK's own Sora notice
            assert client.videos.create(model="sora-2", prompt="a fox").status == "queued"
            assert "sora-2" in {m.id for m in client.models.list()}
            assert client.images.generate(model="gpt-image-1", prompt="a fox").data
            clock.advance(days=1)
            with pytest.raises(openai.NotFoundError) as caught:  # the model, on a route still up
                client.images.generate(model="sora-2", prompt="a fox")
        assert caught.value.code == "model_not_found" and "has been deprecated" in caught.value.message
        assert "sora-2" not in {m.id for m in client.models.list()}


SHUT = "This API (/v1/videos) was shut down on 2026-09-24 and is no longer available."


def test_a_shut_down_api_is_gone_as_a_whole_on_the_doubles_clock():
    clock = VirtualClock(epoch(date(2026, 9, 23)))
    with Double("openai", clock=clock, job_seconds=60) as double:
        client = sdk_client(double, max_retries=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # the SDK's own Sora notice
            video = client.videos.create(model="sora-2", prompt="a fox")
            assert client.videos.retrieve(video.id).status in ("queued", "in_progress")
            assert double.journal[-1].response.header("deprecation") is None  # no notice before, as for models
            clock.set(epoch(date(2026, 9, 24)))
            calls = {
                "create": lambda: client.videos.create(model="sora-2", prompt="a fox"),
                "create without a model": lambda: client.videos.create(prompt="a fox"),
                "a bad request": lambda: client.videos.create(prompt="a fox", seconds="5"),
                "retrieve": lambda: client.videos.retrieve(video.id),
                "list": lambda: client.videos.list(),
                "content": lambda: client.videos.download_content(video.id),
                "delete": lambda: client.videos.delete(video.id),
            }
            for name, call in calls.items():
                with pytest.raises(openai.APIStatusError) as caught:
                    call()
                assert caught.value.status_code == 410, name
                assert caught.value.body["message"] == SHUT, name
        # A route the double never played is gone as well, once its API is.
        with http(double) as raw:
            assistants = raw.post("/v1/assistants", json={"model": "gpt-4o"})
            assert assistants.status_code == 410 and "(/v1/assistants)" in assistants.json()["error"]["message"]
            clock.set(epoch(date(2026, 8, 25)))
            assert raw.post("/v1/assistants", json={"model": "gpt-4o"}).status_code == 404
            assert raw.post("/v1/chat/completions", json=OPENAI_ROUTES["chat"][1]("gpt-4o")).status_code == 200
        assert [x.status for x in double.journal][-3:] == [410, 404, 200]


def test_anthropic_lists_a_model_as_deprecated_then_drops_it_once_retired():
    clock = VirtualClock(epoch(date(2026, 1, 1)))
    with Double("anthropic", clock=clock) as double, http(double) as client:
        listed = {m["id"]: m for m in client.get("/v1/models", params={"limit": "1000"}).json()["data"]}
        sonnet = listed["claude-3-7-sonnet-20250219"]
        assert sonnet["lifecycle"] == "deprecated" and sonnet["deprecated_at"] == "2025-10-28T00:00:00Z"
        assert sonnet["retires_at"] == "2026-02-19T00:00:00Z"
        assert "claude-3-opus-20240229" in listed and "claude-3-5-sonnet-20241022" not in listed
        clock.set(epoch(date(2026, 2, 19)))
        default = {m["id"] for m in client.get("/v1/models", params={"limit": "1000"}).json()["data"]}
        assert "claude-3-7-sonnet-20250219" not in default
        retired = client.get("/v1/models", params={"limit": "1000", "lifecycle[]": "retired"}).json()["data"]
        assert "claude-3-7-sonnet-20250219" in {m["id"] for m in retired}
        assert {m["lifecycle"] for m in retired} == {"retired"}
        body = {"model": "claude-3-7-sonnet-latest", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
        gone = client.post("/v1/messages", json=body)
        assert gone.status_code == 404 and gone.json()["error"]["type"] == "not_found_error"
        assert gone.json()["request_id"] == gone.headers["request-id"]


def test_gemini_refuses_a_shut_down_model_and_drops_it_from_the_list():
    clock = VirtualClock(epoch(date(2026, 3, 8)))
    ask = {"contents": [{"parts": [{"text": "hi"}]}]}
    with Double("gemini", clock=clock) as double, http(double) as client:
        assert client.post("/v1beta/models/gemini-3-pro-preview:generateContent", json=ask).status_code == 200
        clock.advance(days=1)
        gone = client.post("/v1beta/models/gemini-3-pro-preview:generateContent", json=ask)
        assert gone.status_code == 404 and gone.json()["error"]["status"] == "NOT_FOUND"
        assert "models/gemini-3-pro-preview is not found for API version v1beta" in gone.json()["error"]["message"]
        names = {m["name"] for m in client.get("/v1beta/models").json()["models"]}
        assert "models/gemini-3-pro-preview" not in names and "models/gemini-3.5-flash" in names


def test_unknown_models_get_each_providers_not_found():
    clock = VirtualClock()
    with Double("openai", clock=clock) as double, http(double) as client:
        answer = client.post("/v1/chat/completions", json=OPENAI_ROUTES["chat"][1]("gpt-nonexistent"))
        assert answer.status_code == 404 and answer.json()["error"]["code"] == "model_not_found"
        assert "does not exist or you do not have access to it" in answer.json()["error"]["message"]
    with Double("anthropic", clock=clock) as double, http(double) as client:
        body = {"model": "claude-imaginary-9", "max_tokens": 8, "messages": [{"role": "user", "content": "hi"}]}
        answer = client.post("/v1/messages", json=body)
        assert answer.status_code == 404 and answer.json()["error"]["message"] == "model: claude-imaginary-9"
    with Double("gemini", clock=clock) as double, http(double) as client:
        answer = client.post("/v1beta/models/gemini-0:generateContent", json={"contents": [{"parts": [{"text": "x"}]}]})
        assert answer.status_code == 404 and answer.json()["error"]["status"] == "NOT_FOUND"


def test_the_anthropic_list_leads_with_a_model_the_sdk_does_not_flag():
    """An app that takes the first listed model must not be handed one the SDK warns about."""
    with Double("anthropic", clock=VirtualClock()) as double:
        client = sdk_client(double, max_retries=0)
        first = client.models.list().data[0]
        assert first.id not in DEPRECATED_MODELS and first.lifecycle == "active"
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            client.messages.create(model=first.id, max_tokens=16, messages=[{"role": "user", "content": "hi"}])


# --- the public lookups ------------------------------------------------------------------------


def test_lifecycle_reports_state_dates_and_source():
    before = catalogue.lifecycle("openai", "sora-2", date(2026, 3, 1))
    during = catalogue.lifecycle("openai", "sora-2", date(2026, 9, 1))
    after = catalogue.lifecycle("openai", "sora-2", date(2026, 9, 24))
    assert (before.state, during.state, after.state) == ("active", "deprecated", "retired")
    assert during.deprecated_on == date(2026, 3, 24) and during.shutdown_on == date(2026, 9, 24)
    assert during.days_left(date(2026, 9, 1)) == 23 and "Sora" in during.source
    snapshot = catalogue.lifecycle("openai", "ft:gpt-4o-mini:acme::abc", date(2026, 1, 1))
    assert snapshot is not None and snapshot.shutdown_on == date(2027, 1, 14)
    assert catalogue.lifecycle("openai", "gpt-nonexistent") is None
    assert catalogue.lifecycle("openai", "gpt-5.5", date(2026, 1, 1)).state == "active"


def test_route_lifecycle_knows_the_videos_api_shutdown():
    life = catalogue.route_lifecycle("openai", "POST /v1/videos/{video_id}/remix", date(2026, 10, 1))
    assert life is not None and life.state == "retired" and life.shutdown_on == date(2026, 9, 24)
    assert catalogue.route_lifecycle("openai", "/v1/chat/completions") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Announced shutdown date: 2026-10-23. See https://x", date(2026, 10, 23)),
        ("GPT Image 1 was shut down on October 23, 2026. Use gpt-image-2", date(2026, 10, 23)),
        ("January 22nd, 2027", date(2027, 1, 22)),
        ("Not a supported model ID. Retained for SDK compatibility.", None),
    ],
)
def test_sdk_dates_are_read_in_every_form_the_sdks_write(text, expected):
    assert sdk.text_date(text) == expected


def test_sdk_deprecation_notes_are_read_from_the_openai_source():
    found = sdk.module_source("openai.types.shared.chat_model")
    assert found is not None
    notes = sdk.notes_of(found.tree, "ChatModel")
    assert "Announced shutdown date: 2026-10-23" in notes["gpt-4"]
    assert "Not a supported model ID" in notes["gpt-5.1-mini"]


# --- teams add models ---------------------------------------------------------------------------


def write(path, text: str) -> None:
    path.write_text(textwrap.dedent(text), encoding="utf-8")


def test_pyproject_models_are_served_and_retired_on_their_dates(tmp_path, monkeypatch):
    write(
        tmp_path / "pyproject.toml",
        """\
        [project]
        name = "app"

        [tool.harness.models.openai]
        "acme-chat-1" = {family = "chat", deprecated = 2026-01-10, shutdown = 2026-03-01}
        "acme-draw" = {family = "image"}
        """,
    )
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path / "src")  # found from the current directory upward
    clock = VirtualClock()
    with Double("openai", clock=clock) as double, http(double) as client:
        assert client.post("/v1/chat/completions", json=OPENAI_ROUTES["chat"][1]("acme-chat-1")).status_code == 200
        assert client.post("/v1/images/generations", json={"model": "acme-draw", "prompt": "x"}).status_code == 200
        clock.set(epoch(date(2026, 3, 1)))
        assert client.post("/v1/chat/completions", json=OPENAI_ROUTES["chat"][1]("acme-chat-1")).status_code == 404
    life = catalogue.lifecycle("openai", "acme-chat-1", date(2026, 2, 1))
    assert life.state == "deprecated" and life.source.endswith("pyproject.toml")


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ('"m" = {family = "chta"}', "must be one of chat"),
        ('"m" = {family = "chat", shutdown = "soon"}', "shutdown"),
        ('"m" = {family = "chat", shutdown = "2026-13-45"}', "is not a date"),
        ('"m" = {family = "chat", deprecated = 2026-05-01, shutdown = 2026-04-01}', "comes before deprecated"),
        ('"m" = {family = "chat", colour = "red"}', "unknown key 'colour'"),
        ('"m" = {shutdown = 2026-04-01}', "family"),
    ],
)
def test_bad_pyproject_entries_are_clean_errors_naming_file_line_and_key(tmp_path, monkeypatch, entry, said):
    write(tmp_path / "pyproject.toml", f'[project]\nname = "app"\n\n[tool.harness.models.openai]\n{entry}\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as caught:
        Double("openai")
    assert caught.value.source == str(tmp_path / "pyproject.toml") and caught.value.line == 5
    assert said in caught.value.message and "m" in caught.value.message


def test_a_bad_pyproject_makes_harness_serve_exit_2(tmp_path, monkeypatch, capsys):
    write(tmp_path / "pyproject.toml", '[tool.harness.models.openai]\n"m" = {family = "chta"}\n')
    monkeypatch.chdir(tmp_path)
    assert main(["serve", "openai"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "pyproject.toml:2" in err and err.count("\n") == 1


def test_invalid_toml_is_an_input_error(tmp_path, monkeypatch):
    write(tmp_path / "pyproject.toml", "[tool.harness\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match="invalid TOML"):
        Double("openai")


SCENARIO = """\
scenario: team models
doubles:
  openai:
    models:
      acme-chat-2: {family: chat, shutdown: 2026-02-01}
app: {url: "http://127.0.0.1:1"}
steps:
  - request: {path: /}
"""


def test_a_scenarios_doubles_block_adds_models():
    loaded = scenario.loads(SCENARIO)
    models = loaded.doubles["openai"]["models"]
    clock = VirtualClock()
    with Double("openai", clock=clock, models=models) as double, http(double) as client:
        assert client.post("/v1/chat/completions", json=OPENAI_ROUTES["chat"][1]("acme-chat-2")).status_code == 200
        clock.set(epoch(date(2026, 2, 1)))
        assert client.post("/v1/chat/completions", json=OPENAI_ROUTES["chat"][1]("acme-chat-2")).status_code == 404
    with Double("openai", clock=VirtualClock()) as plain, http(plain) as client:  # only that double has it
        assert client.post("/v1/chat/completions", json=OPENAI_ROUTES["chat"][1]("acme-chat-2")).status_code == 404


@pytest.mark.parametrize(
    ("entry", "said"),
    [("{family: video-game}", "must be one of"), ("{family: chat, shutdown: 2026-02-30}", "is not a date")],
)
def test_bad_scenario_models_name_the_file_and_line(entry, said):
    text = SCENARIO.replace("{family: chat, shutdown: 2026-02-01}", entry)
    with pytest.raises(InputError) as caught:
        scenario.loads(text, "team.yaml")
    assert caught.value.source == "team.yaml" and caught.value.line in (4, 5) and said in caught.value.message


def test_the_shipped_data_files_load_and_name_a_source_for_every_date():
    for provider in ("openai", "anthropic", "gemini"):
        shipped = catalogue.catalogue(provider)
        for model in shipped.models.values():
            if model.shutdown_on or model.deprecated_on:
                assert model.source and model.source != model.origin, (provider, model.id)


# --- the SDKs are read from their source files, never imported ----------------------------------


def imported_declaration(provider: str) -> list[tuple]:
    """What the installed SDK declares, read by importing its type modules (the old way):
    (id, family, shutdown, source) in the order the catalogue lists them."""
    import importlib
    import inspect

    version = {"openai": openai.__version__, "anthropic": anthropic.__version__}
    found: list[tuple] = []
    if provider == "openai":
        seen: set[str] = set()
        for module_name, alias, family in sdk._OPENAI_TYPES:
            module = importlib.import_module(module_name)
            notes = sdk.notes_of(inspect.getsource(module), alias)
            where = f"openai-python {version['openai']}, {alias}"
            for model_id in dict.fromkeys(sdk_ids(getattr(module, alias))):
                note = notes.get(model_id, "")
                if model_id in seen or "Not a supported model ID" in note:
                    seen.add(model_id)
                    continue
                seen.add(model_id)
                found.append(
                    (model_id, family, sdk.text_date(note) if note else None, f"{where}: {note}" if note else where)
                )
    elif provider == "anthropic":
        where = f"anthropic-python {version['anthropic']}"
        for model_id in dict.fromkeys([*sdk_ids(anthropic.types.Model), *DEPRECATED_MODELS]):
            end = DEPRECATED_MODELS.get(model_id)
            source = f"{where}, DEPRECATED_MODELS: end of life {end}" if end else f"{where}, Model"
            found.append((model_id, "chat", sdk.text_date(end) if end else None, source))
    else:
        from importlib.metadata import version as installed

        where = f"google-genai {installed('google-genai')}, Interactions Model"
        for model_id in dict.fromkeys(sdk_ids(genai_model.Model)):
            family = next((f for marker, f in sdk._GEMINI_FAMILIES if marker in model_id), "chat")
            found.append((model_id, family, None, where))
    return found


@pytest.mark.parametrize("provider", ["openai", "anthropic", "gemini"])
def test_the_sdk_reader_finds_what_importing_the_sdk_finds(provider):
    declared = [(m.id, m.family, m.shutdown_on, m.source) for m in sdk.declared(provider)]
    expected = imported_declaration(provider)
    assert len(expected) > 10
    assert declared == expected
    assert any(shutdown for _, _, shutdown, _ in expected) or provider == "gemini"


def test_a_module_that_is_not_installed_declares_nothing():
    assert sdk.module_source("no_such_sdk.types") is None
    assert sdk.literal_ids("no_such_sdk.types", "Model") == []
    assert sdk.literal_ids("openai.types.shared.chat_model", "NoSuchAlias") == []


def test_building_the_catalogues_imports_no_sdk():
    import subprocess
    import sys

    code = (
        "import sys; from harness.catalogue import catalogue\n"
        "for p in ('openai', 'anthropic', 'gemini'): assert len(catalogue(p).ids()) > 10\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'openai', 'anthropic', 'google'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
