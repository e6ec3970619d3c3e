"""The double answers a fixed request sequence exactly as it did before its answering path was
made faster: every status, header (names, order, values) and body byte it sent, and every
journal record it made, for each provider, plain and with hooks, before and after shutdown dates
on its virtual clock (the sequence and how the saved transcript was made: `transcript.py`)."""

from __future__ import annotations

import pytest
import transcript


@pytest.fixture(scope="module")
def saved() -> dict:
    return transcript.saved()


@pytest.mark.parametrize("provider", ["openai", "azure_openai", "anthropic", "gemini"])
def test_the_double_sends_and_records_what_it_did_before(provider: str, saved: dict) -> None:
    played, expected = transcript.play_provider(provider), saved[provider]
    asked = [request[:3] for request in transcript.requests(provider)]
    for index, (got, want) in enumerate(zip(played["messages"], expected["messages"], strict=True)):
        assert got == want, f"{provider}: message {index} differs (the requests are {asked})"
    for index, (got, want) in enumerate(zip(played["journal"], expected["journal"], strict=True)):
        assert got == want, f"{provider}: journal record {index} differs"


def test_the_transcript_covers_what_the_fast_paths_skip(saved: dict) -> None:
    # The saved answers include errors, streams, hooks that act, redacted keys and floats:
    # a fast path that mishandled any of them would show here.
    journal = [x for provider in saved.values() for x in provider["journal"]]
    assert {x["response"]["status"] for x in journal} >= {200, 400, 401, 404, 410, 418}
    assert any(x["fault"] == "marker" for x in journal) and any(x["fault"] == "teapot" for x in journal)
    assert any("text/event-stream" in dict(x["response"]["headers"]).get("content-type", "") for x in journal)
    headers = [value for x in journal for _, value in x["request"]["headers"]]
    assert not any("transcript-secret" in value for value in headers)
    assert any("REDACTED" in x["request"]["url"] for x in journal)


def test_the_transcript_does_not_move_with_the_installed_sdk(saved: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    # A new SDK release declares another model; the double's model list is the catalogue's
    # business, so the transcript plays with the models saved beside it and stays the same.
    import harness.catalogue
    from harness.catalogue import Model, sdk

    declared = sdk.declared
    monkeypatch.setattr(
        sdk, "declared", lambda provider: (*declared(provider), Model("gpt-from-a-new-sdk", "chat", origin="new"))
    )
    harness.catalogue._shipped.cache_clear()
    harness.catalogue._with_team.cache_clear()
    try:
        assert harness.catalogue.catalogue("openai").get("gpt-from-a-new-sdk") is not None  # the SDK reached it
        assert transcript.play_provider("openai")["messages"] == saved["openai"]["messages"]
    finally:
        monkeypatch.undo()
        harness.catalogue._shipped.cache_clear()
        harness.catalogue._with_team.cache_clear()
