"""The OpenAI double's embeddings and audio routes through the official `openai` SDK:
`client.embeddings.create`, `client.audio.transcriptions.create`, `client.audio.speech.create`,
with the faults acting on them as on any route."""

from __future__ import annotations

import base64
import io
import math
import struct
import wave

import httpx
import openai
import pytest

from harness.chaos import Injection, attach, make
from harness.double import Double, media

HOST = "http://api.openai.test"


def sdk(double, strict=True, **options):
    # Strict validation types every answer; openai-python's own default for embeddings asks for
    # base64, which its `List[float]` type rejects before it decodes it, so those tests pass False.
    return openai.OpenAI(
        api_key="sk-test",
        base_url=HOST + "/v1",
        http_client=httpx.Client(transport=double.transport()),
        _strict_response_validation=strict,
        **{"max_retries": 0, **options},
    )


@pytest.fixture
def double():
    with Double("openai", seed=5) as made:
        yield made


@pytest.fixture
def client(double):
    with sdk(double) as made:
        yield made


@pytest.fixture
def lenient(double):
    with sdk(double, strict=False) as made:
        yield made


def norm(vector):
    return math.sqrt(sum(x * x for x in vector))


# --- embeddings ------------------------------------------------------------------------------


def test_an_embedding_is_a_unit_vector_of_the_models_size(lenient, double):
    result = lenient.embeddings.create(model="text-embedding-3-small", input="a red fox")
    (item,) = result.data
    assert result.object == "list" and result.model == "text-embedding-3-small"
    assert item.object == "embedding" and item.index == 0 and len(item.embedding) == 1536
    assert abs(norm(item.embedding) - 1) < 1e-5
    assert result.usage.prompt_tokens == result.usage.total_tokens > 0
    # Left to itself the SDK asks for base64 and decodes it.
    assert double.journal[-1].request.json["encoding_format"] == "base64"
    assert isinstance(double.journal[-1].response.json["data"][0]["embedding"], str)
    assert len(lenient.embeddings.create(model="text-embedding-3-large", input="x").data[0].embedding) == 3072


def test_embeddings_of_several_inputs_and_of_token_arrays(lenient):
    client = lenient
    texts = client.embeddings.create(model="text-embedding-3-small", input=["one", "two", "one"])
    assert [d.index for d in texts.data] == [0, 1, 2]
    assert texts.data[0].embedding == texts.data[2].embedding != texts.data[1].embedding
    tokens = client.embeddings.create(model="text-embedding-3-small", input=[[1, 2, 3], [4, 5]])
    assert len(tokens.data) == 2 and tokens.usage.prompt_tokens == 5
    single = client.embeddings.create(model="text-embedding-ada-002", input=[1212, 318, 257])
    assert len(single.data) == 1 and len(single.data[0].embedding) == 1536


def test_embedding_formats_agree_and_dimensions_shorten(client, lenient):
    floats = client.embeddings.create(model="text-embedding-3-small", input="fox", encoding_format="float")
    encoded = lenient.embeddings.create(model="text-embedding-3-small", input="fox", encoding_format="base64")
    raw = base64.b64decode(encoded.data[0].embedding)
    assert list(struct.unpack(f"<{len(raw) // 4}f", raw)) == floats.data[0].embedding
    short = (
        client.embeddings.create(model="text-embedding-3-small", input="fox", dimensions=256, encoding_format="float")
        .data[0]
        .embedding
    )
    assert len(short) == 256 and abs(norm(short) - 1) < 1e-5
    # A shortened vector points the way the full one's first values do.
    head = floats.data[0].embedding[:256]
    assert all(abs(a - b / norm(head)) < 1e-5 for a, b in zip(short, head, strict=True))


def test_embeddings_repeat_for_a_seed_and_input():
    def vector(seed, text):
        with Double("openai", seed=seed) as made, sdk(made, strict=False) as client:
            return client.embeddings.create(model="text-embedding-3-small", input=text).data[0].embedding

    assert vector(1, "fox") == vector(1, "fox")
    assert vector(1, "fox") != vector(2, "fox") and vector(1, "fox") != vector(1, "dog")


def test_embedding_requests_the_api_turns_away(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(model="text-embedding-ada-002", input="x", dimensions=8)
    assert caught.value.param == "dimensions"
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(model="text-embedding-3-small", input="")
    assert "'$.input' is invalid" in caught.value.message
    with pytest.raises(openai.BadRequestError) as caught:
        client.embeddings.create(model="gpt-4o", input="x")
    assert caught.value.code == "model_not_supported"
    with pytest.raises(openai.NotFoundError):
        client.embeddings.create(model="text-embedding-9", input="x")


# --- transcriptions --------------------------------------------------------------------------

CLIP = media.wav(media.pcm(2.5, 16_000), 16_000)


def test_a_json_transcription_of_an_uploaded_file(client, double):
    result = client.audio.transcriptions.create(model="gpt-4o-transcribe", file=("clip.wav", CLIP, "audio/wav"))
    assert result.text.startswith("Heard in") and result.usage.type == "tokens"
    assert result.usage.total_tokens == result.usage.input_tokens + result.usage.output_tokens
    request = double.journal[-1].request
    assert request.content_type == "multipart/form-data" and double.journal[-1].route == "POST /v1/audio/transcriptions"
    again = client.audio.transcriptions.create(model="gpt-4o-transcribe", file=("clip.wav", CLIP, "audio/wav"))
    assert again.text == result.text
    other = client.audio.transcriptions.create(
        model="gpt-4o-transcribe", file=("clip.wav", CLIP + b"\0\0", "audio/wav")
    )
    assert other.text != result.text


def test_whisper_answers_in_every_format_timed_over_the_wav(client):
    upload = ("clip.wav", CLIP, "audio/wav")
    plain = client.audio.transcriptions.create(model="whisper-1", file=upload)
    assert plain.usage.type == "duration" and plain.usage.seconds == 3
    text = client.audio.transcriptions.create(model="whisper-1", file=upload, response_format="text")
    assert isinstance(text, str) and text.strip() == plain.text
    verbose = client.audio.transcriptions.create(
        model="whisper-1", file=upload, response_format="verbose_json", timestamp_granularities=["word", "segment"]
    )
    assert verbose.duration == 2.5 and verbose.language == "english" and verbose.text == plain.text
    assert verbose.segments[-1].end == 2.5 and verbose.words[-1].end == 2.5
    assert " ".join(w.word for w in verbose.words) == plain.text
    srt = client.audio.transcriptions.create(model="whisper-1", file=upload, response_format="srt")
    assert srt.startswith("1\n00:00:00,000 --> ") and "00:00:02,500" in srt
    vtt = client.audio.transcriptions.create(model="whisper-1", file=upload, response_format="vtt")
    assert vtt.startswith("WEBVTT\n\n00:00:00.000 --> ")


def test_a_format_the_model_does_not_answer_in_is_refused(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.transcriptions.create(
            model="gpt-4o-mini-transcribe", file=("a.mp3", b"ID3" + bytes(100), "audio/mpeg"), response_format="srt"
        )
    assert caught.value.code == "unsupported_value" and caught.value.param == "response_format"
    assert "Use 'json' or 'text' instead." in caught.value.message


def test_a_streamed_transcription_sends_deltas_then_the_text(client):
    events = list(
        client.audio.transcriptions.create(model="gpt-4o-transcribe", file=("clip.wav", CLIP, "audio/wav"), stream=True)
    )
    assert events[-1].type == "transcript.text.done"
    assert "".join(e.delta for e in events[:-1]) == events[-1].text and events[-1].usage.total_tokens > 0


# --- speech ----------------------------------------------------------------------------------


def test_speech_as_wav_is_a_real_wave_file(client, double):
    audio = client.audio.speech.create(
        model="gpt-4o-mini-tts", voice="alloy", input="Hello there.", response_format="wav"
    )
    assert audio.response.headers["content-type"] == "audio/wav"
    with wave.open(io.BytesIO(audio.content)) as clip:
        assert (clip.getnchannels(), clip.getsampwidth(), clip.getframerate()) == (1, 2, 24_000)
        assert clip.getnframes() > 0


def test_speech_formats_carry_their_content_types_and_magic(client):
    expected = {
        "mp3": ("audio/mpeg", b"\xff\xfb"),
        "opus": ("audio/opus", b"OggS"),
        "aac": ("audio/aac", b"\xff\xf1"),
        "flac": ("audio/flac", b"fLaC"),
    }
    for fmt, (kind, magic) in expected.items():
        audio = client.audio.speech.create(model="tts-1", voice="nova", input="Hi.", response_format=fmt)
        assert audio.response.headers["content-type"] == kind and audio.content.startswith(magic), fmt
    default = client.audio.speech.create(model="tts-1", voice="nova", input="Hi.")
    assert default.response.headers["content-type"] == "audio/mpeg"
    pcm = client.audio.speech.create(model="tts-1", voice="nova", input="Hi there, fox.", response_format="pcm")
    wav = client.audio.speech.create(model="tts-1", voice="nova", input="Hi there, fox.", response_format="wav")
    assert pcm.response.headers["content-type"] == "audio/pcm" and wav.content.endswith(pcm.content)
    assert len(pcm.content) % 2 == 0 and media.wav_seconds(wav.content) == len(pcm.content) / 48_000


def test_speech_requests_the_api_turns_away(client):
    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.speech.create(model="tts-1", voice="nobody", input="x")  # type: ignore[arg-type]
    assert caught.value.param == "voice"
    with pytest.raises(openai.BadRequestError) as caught:
        client.audio.speech.create(model="whisper-1", voice="alloy", input="x")
    assert caught.value.code == "model_not_supported"


# --- faults ----------------------------------------------------------------------------------


def inject(double, fault, route, **params):
    from harness.routes import Route

    attach(Injection(make(fault, params), route=Route.parse(route)), double)


def test_an_outage_on_embeddings_is_retried_then_raised(double):
    inject(double, "outage", "POST /v1/embeddings")
    with sdk(double, max_retries=1) as client, pytest.raises(openai.InternalServerError):
        client.embeddings.create(model="text-embedding-3-small", input="x")
    assert [(x.status, x.fault) for x in double.journal] == [(503, "outage"), (503, "outage")]
    assert client_chat_still_works(double)


def client_chat_still_works(double):
    with sdk(double) as client:
        return client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}]).choices


def test_a_rate_limit_on_embeddings_is_retried_after_retry_after(double):
    from harness.chaos import Schedule

    attach(
        Injection(make("rate_limit", {"retry_after": 0.2}), schedule=Schedule(first=1)),
        double,
    )
    with sdk(double, strict=False, max_retries=2) as client:
        result = client.embeddings.create(model="text-embedding-3-small", input="x")
    assert len(result.data) == 1
    limited, answered = double.journal
    assert (limited.status, answered.status) == (429, 200)
    assert limited.response.header("retry-after") == "1" and limited.response.header("retry-after-ms") == "200"


def test_faults_reach_the_audio_routes(double):
    inject(double, "rate_limit", "POST /v1/audio/*", quota=True)
    with sdk(double, max_retries=2) as client:
        with pytest.raises(openai.RateLimitError) as caught:
            client.audio.speech.create(model="tts-1", voice="alloy", input="x")
        assert caught.value.code == "insufficient_quota"
        with pytest.raises(openai.RateLimitError):
            client.audio.transcriptions.create(model="whisper-1", file=("a.wav", CLIP, "audio/wav"))
    assert len(double.journal) == 2


# --- the baseline contracts ------------------------------------------------------------------


def test_the_new_routes_check_clean_against_their_baselines(double, client, lenient):
    from pathlib import Path

    from harness import contracts

    client.embeddings.create(model="text-embedding-3-small", input=["a", "b"], encoding_format="float")
    lenient.embeddings.create(model="text-embedding-3-large", input="c")  # base64
    upload = ("clip.wav", CLIP, "audio/wav")
    client.audio.transcriptions.create(model="whisper-1", file=upload)
    client.audio.transcriptions.create(model="whisper-1", file=upload, response_format="verbose_json")
    list(client.audio.transcriptions.create(model="gpt-4o-transcribe", file=upload, stream=True))
    for fmt in ("mp3", "wav", "pcm", "flac"):
        client.audio.speech.create(model="tts-1", voice="alloy", input="Hi.", response_format=fmt)
    for bad in (
        lambda: client.embeddings.create(model="text-embedding-3-small", input=""),
        lambda: client.audio.transcriptions.create(model="gpt-4o-transcribe", file=upload, response_format="srt"),
        lambda: client.audio.speech.create(model="tts-1", voice="nobody", input="x"),  # type: ignore[arg-type]
    ):
        with pytest.raises(openai.BadRequestError):
            bad()
    inject(double, "rate_limit", "POST /v1/embeddings")
    with pytest.raises(openai.RateLimitError):
        client.embeddings.create(model="text-embedding-3-small", input="x")
    folder = Path(__file__).resolve().parent.parent / "contracts" / "providers" / "openai"
    result = contracts.verify(contracts.load_path(folder), list(double.journal))
    assert not result.unmatched, [x.describe() for x in result.unmatched]
    assert result.ok, "\n".join(str(v) for v in result.violations)
    assert result.checked == len(double.journal) == 13
    for name in ("openai/embeddings", "openai/audio-transcriptions", "openai/audio-speech"):
        assert result.per_contract[name] >= 4, (name, result.per_contract)


def test_the_baselines_catch_a_wrong_answer(double, lenient):
    client = lenient
    from pathlib import Path

    from harness import contracts

    inject(double, "drift", "POST /v1/embeddings", pointer="/data/*/embedding", op="rename", to="vector")
    client.embeddings.create(model="text-embedding-3-small", input="a", encoding_format="float")
    inject(double, "malformed", "POST /v1/audio/speech", kind="html")
    client.audio.speech.create(model="tts-1", voice="alloy", input="Hi.")
    folder = Path(__file__).resolve().parent.parent / "contracts" / "providers" / "openai"
    result = contracts.verify(contracts.load_path(folder), list(double.journal))
    broken = {v.contract for v in result.violations}
    assert broken == {"openai/embeddings", "openai/audio-speech"}, result.violations
