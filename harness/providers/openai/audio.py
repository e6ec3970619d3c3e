"""POST /v1/audio/transcriptions (multipart) and POST /v1/audio/speech (audio bytes).

The double hears nothing: a transcript is filler fixed by the seed, the model
and the uploaded bytes, timed over the audio's real length when the file is a
WAV (from its header) and over an estimate from its size otherwise. Speech is
a quiet tone whose length follows the input: real WAV, raw PCM and silent MP3
frames; Opus, AAC and FLAC are labelled bytes that start with their format's
magic number, not playable audio.
"""

from __future__ import annotations

import base64
import json
import math
import zlib
from typing import Any

from harness import sse
from harness.double import media
from harness.double.body import FormFile
from harness.double.call import Call, Reply
from harness.double.problem import RequestProblem
from harness.providers.openai.content import content_rng, pieces, reply_text, tokens
from harness.providers.openai.errors import check_model, invalid, invalid_type, json_fields, missing

# --- transcriptions --------------------------------------------------------------------------

_FORMATS = ("json", "text", "srt", "verbose_json", "vtt", "diarized_json")
# What each model answers in (the spec's AudioResponseFormat note, and the API's 400 for the rest).
_MODEL_FORMATS = {
    "whisper-1": ("json", "text", "srt", "verbose_json", "vtt"),
    "gpt-4o-transcribe-diarize": ("json", "text", "diarized_json"),
}
_TOKEN_FORMATS = ("json", "text")  # gpt-transcribe, gpt-4o-transcribe, gpt-4o-mini-transcribe
_LANGUAGES = {"en": "english", "fr": "french", "de": "german", "es": "spanish", "it": "italian", "ja": "japanese"}
_BYTES_PER_SECOND = 16_000  # a 128 kbit/s file, for audio whose length the header does not say


def _duration(file: FormFile) -> float:
    seconds = media.wav_seconds(file.data)
    return round(seconds if seconds is not None else max(0.1, len(file.data) / _BYTES_PER_SECOND), 3)


def _segments(text: str, duration: float) -> list[dict[str, Any]]:
    """The transcript in runs of about eight words, spread evenly over the audio."""
    words = text.split()
    runs = [" ".join(words[i : i + 8]) for i in range(0, len(words), 8)] or [""]
    step = duration / len(runs)
    return [
        {
            "id": i,
            "seek": 0,
            "start": round(i * step, 3),
            "end": round((i + 1) * step, 3),
            "text": " " + run,
            "tokens": [50364 + n for n in range(tokens(run))],
            "temperature": 0.0,
            "avg_logprob": -0.25,
            "compression_ratio": 1.2,
            "no_speech_prob": 0.01,
        }
        for i, run in enumerate(runs)
    ]


def _clock(seconds: float, separator: str) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}{separator}{rest % 1000:03d}"


def _subtitles(segments: list[dict[str, Any]], vtt: bool) -> str:
    cues = []
    for segment in segments:
        span = f"{_clock(segment['start'], '.' if vtt else ',')} --> {_clock(segment['end'], '.' if vtt else ',')}"
        cues.append(("" if vtt else f"{segment['id'] + 1}\n") + f"{span}\n{segment['text'].strip()}\n")
    return ("WEBVTT\n\n" if vtt else "") + "\n".join(cues) + "\n"


def _form_list(fields: dict[str, Any], name: str) -> list[Any]:
    """A list field of a form, sent as `name[]` (openai-python) or `name`, once or repeated."""
    value = fields.get(f"{name}[]", fields.get(name))
    return [] if value is None else value if isinstance(value, list) else [value]


def transcriptions(call: Call) -> Reply:
    fields = json_fields(call)
    file = fields.get("file")
    if file is None:
        raise missing("file")
    if not isinstance(file, FormFile):
        raise invalid_type("file", "a file", file)
    if fields.get("model") is None:
        raise missing("model")
    model = check_model(fields, "audio-transcription")
    fmt = fields.get("response_format") or "json"
    if fmt not in _FORMATS:
        raise invalid("response_format", fmt, _FORMATS)
    if fmt not in _MODEL_FORMATS.get(model, _TOKEN_FORMATS):
        raise RequestProblem(
            400,
            f"response_format '{fmt}' is not compatible with model '{model}'. Use 'json' or 'text' instead.",
            param="response_format",
            code="unsupported_value",
        )
    digest = f"{zlib.crc32(file.data):08x}"
    text = reply_text(call, model, f"{file.filename or 'audio'} {digest}").replace("You said", "Heard in")
    duration = _duration(file)
    if model == "whisper-1":
        usage: dict[str, Any] = {"type": "duration", "seconds": math.ceil(duration)}
    else:
        audio_tokens = max(1, round(duration * 10))
        usage = {
            "type": "tokens",
            "input_tokens": audio_tokens,
            "input_token_details": {
                "text_tokens": tokens(str(fields.get("prompt") or "")),
                "audio_tokens": audio_tokens,
            },
            "output_tokens": tokens(text),
            "total_tokens": audio_tokens + tokens(text),
        }
    if str(fields.get("stream", "")).lower() == "true" and model != "whisper-1":
        return Reply(events=_transcript_stream(text, usage))
    if fmt == "text":
        return Reply(body=(text + "\n").encode(), content_type="text/plain; charset=utf-8")
    segments = _segments(text, duration)
    if fmt in ("srt", "vtt"):
        return Reply(body=_subtitles(segments, fmt == "vtt").encode(), content_type="text/plain; charset=utf-8")
    if fmt == "diarized_json":
        spoken = [
            {
                "type": "transcript.text.segment",
                "id": f"seg_{s['id']}",
                "start": s["start"],
                "end": s["end"],
                "text": s["text"].strip(),
                "speaker": "AB"[s["id"] % 2],
            }
            for s in segments
        ]
        return Reply(
            json={"task": "transcribe", "duration": duration, "text": text, "segments": spoken, "usage": usage}
        )
    if fmt == "verbose_json":
        granularities = _form_list(fields, "timestamp_granularities") or ["segment"]
        language = _LANGUAGES.get(str(fields.get("language") or "en"), str(fields.get("language")))
        verbose: dict[str, Any] = {"task": "transcribe", "language": language, "duration": duration, "text": text}
        if "word" in granularities:
            words = text.split()
            step = duration / max(1, len(words))
            verbose["words"] = [
                {"word": w, "start": round(i * step, 3), "end": round((i + 1) * step, 3)} for i, w in enumerate(words)
            ]
        if "segment" in granularities:
            verbose["segments"] = segments
        return Reply(json={**verbose, "usage": usage})
    return Reply(json={"text": text, "usage": usage})


def _transcript_stream(text: str, usage: dict[str, Any]) -> list[sse.Event]:
    """`transcript.text.delta` pieces, then `transcript.text.done` with the text and usage."""
    deltas = [{"type": "transcript.text.delta", "delta": piece} for piece in pieces(text)]
    done = {"type": "transcript.text.done", "text": text, "usage": usage}
    return [sse.Event(data=json.dumps(event, separators=(",", ":"))) for event in [*deltas, done]]


# --- speech ----------------------------------------------------------------------------------

VOICES = (
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "onyx",
    "nova",
    "sage",
    "shimmer",
    "verse",
    "marin",
    "cedar",
)
CONTENT_TYPES = {
    "mp3": "audio/mpeg",
    "opus": "audio/opus",
    "aac": "audio/aac",
    "flac": "audio/flac",
    "wav": "audio/wav",
    "pcm": "audio/pcm",
}
_RATE = 24_000  # OpenAI's speech is 24 kHz; pcm is its raw 16-bit little-endian samples


def _audio(fmt: str, seconds: float, hertz: float) -> bytes:
    samples = media.pcm(seconds, _RATE, hertz)
    if fmt == "pcm":
        return samples
    if fmt == "wav":
        return media.wav(samples, _RATE)
    if fmt == "mp3":
        return media.mp3(seconds)
    # Labelled, not playable: the format's magic number, then the samples.
    magic = {"flac": b"fLaC", "opus": b"OggS\x00\x02", "aac": b"\xff\xf1\x50\x80"}[fmt]
    return magic + samples[:256]


def speech(call: Call) -> Reply:
    body = json_fields(call)
    for name in ("model", "input", "voice"):
        if body.get(name) is None:
            raise missing(name)
    model = check_model(body, "tts")
    text = body["input"]
    if not isinstance(text, str):
        raise invalid_type("input", "a string", text)
    voice = body["voice"]
    if not (voice in VOICES or (isinstance(voice, dict) and isinstance(voice.get("id"), str))):
        raise invalid("voice", voice, VOICES)
    fmt = body.get("response_format") or "mp3"
    if fmt not in CONTENT_TYPES:
        raise invalid("response_format", fmt, tuple(CONTENT_TYPES))
    speed = body.get("speed", 1.0)
    speed = speed if isinstance(speed, (int, float)) and not isinstance(speed, bool) and speed > 0 else 1.0
    # About fifteen characters a second, at most three seconds, so answers stay small.
    seconds = round(min(3.0, max(0.25, len(text) / 15)) / speed, 3)
    hertz = 220 + content_rng(call, "voice", model, json.dumps(voice, sort_keys=True)).randrange(440)
    audio = _audio(fmt, seconds, hertz)
    if body.get("stream_format") == "sse":
        chunks = [audio[i : i + 16_384] for i in range(0, len(audio), 16_384)]
        events: list[dict[str, Any]] = [
            {"type": "speech.audio.delta", "audio": base64.b64encode(c).decode()} for c in chunks
        ]
        used = tokens(text)
        events.append(
            {
                "type": "speech.audio.done",
                "usage": {
                    "input_tokens": used,
                    "output_tokens": len(chunks) * 50,
                    "total_tokens": used + len(chunks) * 50,
                },
            }
        )
        return Reply(events=[sse.Event(data=json.dumps(e, separators=(",", ":")), event=e["type"]) for e in events])
    return Reply(body=audio, content_type=CONTENT_TYPES[fmt])
