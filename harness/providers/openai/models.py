"""GET /v1/models and /v1/models/{model}, and the model checks every route makes.

The models are the catalogue's (`harness/catalogue/openai.yaml`, the installed
openai SDK's model types, the team's pyproject.toml, the double's own
`models`). On the double's clock, a model past its shutdown date gets OpenAI's
answer for a retired model before any route serves it, and leaves the list.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable
from typing import Any

from harness import catalogue as catalogues
from harness.catalogue import Catalogue, Model, today
from harness.double.call import Call, Reply
from harness.double.problem import RequestProblem

NAME = "openai"
# The Videos API and every sora-2 model shut down on this date, as OpenAI announced.
SORA_SHUTDOWN = "2026-09-24"
DEPRECATIONS = "https://platform.openai.com/docs/deprecations"

# The catalogue of the double answering the call in progress. The route checks
# (`check_model`) are given a request's fields only; `serving` sets this for
# the length of a handler, so they read the double's own catalogue (with its
# extra models) without the call being threaded through every check.
_serving: contextvars.ContextVar[Catalogue | None] = contextvars.ContextVar("openai_catalogue", default=None)


def of(call: Call) -> Catalogue:
    """The catalogue of the double `call` came to."""
    return catalogues.for_double(call.state.settings, NAME)


def current() -> Catalogue:
    return _serving.get() or catalogues.catalogue(NAME)


def retired_problem(model: str) -> RequestProblem:
    """What OpenAI answers after a model's shutdown date: 404 model_not_found saying it is deprecated."""
    return RequestProblem(
        404,
        f"The model `{model}` has been deprecated, learn more here: {DEPRECATIONS}",
        type="invalid_request_error",
        code="model_not_found",
    )


def serving(handler: Callable[[Call], Reply]) -> Callable[[Call], Reply]:
    """Runs a route with the double's catalogue, refusing a model past its shutdown date first."""

    @functools.wraps(handler)
    def run(call: Call) -> Reply:
        known = of(call)
        fields = call.fields
        asked = fields.get("model") if isinstance(fields, dict) else None
        if isinstance(asked, str):
            model = catalogues.find(known, asked)
            if model is not None and model.shutdown_on is not None and model.retired(today(call.state.clock)):
                raise retired_problem(asked)
        token = _serving.set(known)
        try:
            return handler(call)
        finally:
            _serving.reset(token)

    return run


def model_family(model: str) -> str | None:
    """'chat', 'image', 'moderation', 'video', ... or None for a model this double does not know.

    Dated snapshots (gpt-4o-2024-08-06) and fine-tunes (ft:gpt-4o:org::id) of a known model are its family.
    """
    found = catalogues.find(current(), model)
    return found.family if found is not None else None


def model_object(model: Model) -> dict[str, Any]:
    shutdown = model.shutdown_on.isoformat() if model.shutdown_on else None
    created = int(model.info.get("created", 0) or 0)
    return {"id": model.id, "object": "model", "created": created, "owned_by": "system", "shutdown_date": shutdown}


def list_models(call: Call) -> Reply:
    listed = of(call).listed(today(call.state.clock))
    return Reply(json={"object": "list", "data": [model_object(m) for m in listed]})


def get_model(call: Call) -> Reply:
    asked = call.params["model"]
    model = of(call).resolve(asked)
    if model is None or model.retired(today(call.state.clock)):
        raise RequestProblem(404, f"The model '{asked}' does not exist", param="model", code="model_not_found")
    return Reply(json=model_object(model))


def models() -> tuple[str, ...]:
    """Every model id the double serves (retired ones included: the clock decides)."""
    return catalogues.catalogue(NAME).ids()
