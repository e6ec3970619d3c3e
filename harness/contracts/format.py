"""The contract file format, as a JSON Schema; `docs/contracts.md` explains it.

Checked before anything else is read, so every structural mistake becomes one
error with a position. `additionalProperties: false` everywhere: unknown keys
are errors, because typos are the common bug.
"""

_NAME = {"type": "string", "minLength": 1}
_NAMES = {"type": "array", "items": _NAME}
_SCHEMA = {"type": ["object", "boolean"]}
_STATUS = {"type": "integer", "minimum": 100, "maximum": 599}

RESPONSE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["status"],
    "properties": {
        "status": {"oneOf": [_STATUS, {"type": "array", "items": _STATUS, "minItems": 1}]},
        "headers": {"type": "object", "additionalProperties": _SCHEMA},
        "json": _SCHEMA,
        "content_type": _NAME,
        "events": {"type": "object", "additionalProperties": _SCHEMA},
        "last_event": _NAME,
    },
}

OUTCOME = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "response"],
    "properties": {
        "name": _NAME,
        "description": {"type": "string"},
        "interactions": _NAMES,
        "response": RESPONSE,
    },
}

CONTRACT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["contract", "consumer", "provider", "interactions"],
    "properties": {
        "contract": _NAME,
        "consumer": _NAME,
        "provider": _NAME,
        "capability": _NAME,
        "description": {"type": "string"},
        "interactions": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "request", "response"],
                "properties": {
                    "name": _NAME,
                    "description": {"type": "string"},
                    "request": {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["method", "path"],
                        "properties": {
                            "method": {"enum": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
                            "path": {"type": "string", "pattern": "^/"},
                            "params": {"type": "object", "additionalProperties": {"type": ["string", "number"]}},
                            "query": {
                                "type": "object",
                                "additionalProperties": {"type": ["string", "number", "boolean"]},
                            },
                            "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                            "json": {},
                        },
                    },
                    "response": RESPONSE,
                },
            },
        },
        "lifecycle": {
            "type": "object",
            "additionalProperties": False,
            "required": ["states", "terminal"],
            "properties": {
                "states": {**_NAMES, "minItems": 1},
                "terminal": {**_NAMES, "minItems": 1},
                "interactions": _NAMES,
                "id": {"type": "string", "pattern": "^(/.*)?$"},
                "field": {"type": "string", "pattern": "^(/.*)?$"},
                "timeout": {"type": "number", "exclusiveMinimum": 0},
            },
        },
        "refusals": {"type": "array", "items": OUTCOME},
        "errors": {"type": "array", "items": OUTCOME},
        "signals": {
            "type": "array",
            "items": {
                "oneOf": [
                    _NAME,
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["header"],
                        "properties": {
                            "header": _NAME,
                            "required": {"type": "boolean"},
                            "status": {"oneOf": [_STATUS, {"type": "array", "items": _STATUS}]},
                            "interactions": _NAMES,
                        },
                    },
                ]
            },
        },
    },
}
