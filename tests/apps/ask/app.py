"""A tiny app for chaos tests: POST /ask answers from OpenAI chat, falling back
to Anthropic when OpenAI fails — unless FALLBACK=0 (the fragile twin).
Answers are kept in memory: GET /answers/{id}."""

import os
import uuid

import anthropic
import openai
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

FALLBACK = os.environ.get("FALLBACK", "1") == "1"
primary = openai.OpenAI(api_key="sk-test", base_url=os.environ["OPENAI_BASE_URL"], max_retries=1)
backup = anthropic.Anthropic(
    api_key="test", base_url=os.environ.get("ANTHROPIC_BASE_URL", "http://127.0.0.1:9"), max_retries=1
)
answers: dict[str, dict] = {}


def ask_openai(question: str) -> str:
    result = primary.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": question}])
    return result.choices[0].message.content or ""


def ask_anthropic(question: str) -> str:
    result = backup.messages.create(
        model="claude-sonnet-4-6", max_tokens=100, messages=[{"role": "user", "content": question}]
    )
    return result.content[0].text


async def ask(request: Request) -> JSONResponse:
    question = (await request.json())["q"]
    try:
        text, provider = ask_openai(question), "openai"
    except (openai.APIStatusError, openai.APIConnectionError):
        if not FALLBACK:
            return JSONResponse({"error": "provider failed"}, status_code=502)
        text, provider = ask_anthropic(question), "anthropic"
    answer_id = uuid.uuid4().hex[:12]
    answers[answer_id] = {"id": answer_id, "q": question, "text": text, "provider": provider}
    return JSONResponse(answers[answer_id])


async def answer(request: Request) -> JSONResponse:
    found = answers.get(request.path_params["answer_id"])
    return JSONResponse(found) if found else JSONResponse({"error": "not found"}, status_code=404)


async def health(request: Request) -> JSONResponse:
    return JSONResponse({"ok": True})


app = Starlette(
    routes=[Route("/ask", ask, methods=["POST"]), Route("/answers/{answer_id}", answer), Route("/health", health)]
)

if __name__ == "__main__":
    if os.environ.get("PID_FILE"):  # lets tests check the harness stopped us
        with open(os.environ["PID_FILE"], "w") as handle:
            handle.write(str(os.getpid()))
    uvicorn.run(app, host="127.0.0.1", port=int(os.environ["PORT"]), log_level="warning")
