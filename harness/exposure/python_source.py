"""Python source, read through its syntax tree: SDK clients and their calls, raw HTTP calls
to provider hosts, and model ids. Nothing is imported or run.

What a name means is decided per file, and simply: the imports say which names are SDK
modules and client classes; an assignment from a client class (or `with_options`) makes a
client variable (`client`, `self.client`); an assignment of a string (or of
`os.getenv("X", "default")`) makes a constant. That is enough for the way SDKs are
used in practice, and what it cannot resolve is reported as "dynamic", never guessed.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from harness.exposure import model_ids, sdk_calls
from harness.exposure.finding import DYNAMIC, Finding
from harness.routes import Route

HTTP_VERBS = {"get": "GET", "post": "POST", "put": "PUT", "patch": "PATCH", "delete": "DELETE", "stream": None}
HTTP_MODULES = ("httpx", "requests", "aiohttp")


@dataclass(frozen=True)
class Value:
    """What an expression evaluates to, as far as the source says."""

    text: str | None  # None: unknown
    source: str  # literal, constant NAME, env NAME (default), ...
    template: str | None = None  # for a string built at run time: its known parts, "{}" for each unknown one

    @property
    def shape(self) -> str | None:
        return self.text if self.text is not None else self.template


def scan_source(text: str, path: str) -> list[Finding]:
    """Every finding in one Python file's text; `SyntaxError` for a file that does not parse."""
    tree = ast.parse(text, filename=path)
    return list(_Reader(tree, path, text.splitlines()).findings())


class _Reader:
    def __init__(self, tree: ast.Module, path: str, lines: list[str]) -> None:
        self.tree, self.path, self.lines = tree, path, lines
        self.modules: dict[str, str] = {}  # local name -> module ("openai", "google.genai", "os", "httpx")
        self.classes: dict[str, str] = {}  # local name -> provider, for client classes
        self.clients: dict[str, str] = {}  # "client", "self.client" -> provider
        self.constants: dict[str, Value] = {}
        self.used: set[int] = set()  # ids of string nodes already reported as a call's model or URL
        self.nodes, self.parents = _walk(tree)

    def findings(self) -> Iterator[Finding]:
        self._read_imports()
        self._read_assignments()
        calls = [node for node in self.nodes if isinstance(node, ast.Call)]
        calls.sort(key=lambda node: (node.lineno, node.col_offset))
        for call in calls:
            found = self._sdk_call(call) or self._http_call(call) or self._model_argument(call)
            if found is not None:
                yield found
        yield from self._strings()

    # -- what names mean ------------------------------------------------------------

    def _read_imports(self) -> None:
        for node in self.nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    # `import google.genai as genai` binds genai; `import openai` binds openai.
                    self.modules[alias.asname or alias.name.split(".")[0]] = (
                        alias.name if alias.asname else alias.name.split(".")[0]
                    )
            elif isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    local = alias.asname or alias.name
                    full = f"{node.module}.{alias.name}"
                    if full in ("google.genai",):
                        self.modules[local] = full
                    elif (node.module, alias.name) in sdk_calls.CLIENTS:
                        self.classes[local] = sdk_calls.CLIENTS[(node.module, alias.name)]
                    elif node.module in HTTP_MODULES or node.module == "os":
                        self.modules[local] = full

    def _read_assignments(self) -> None:
        for node in self.nodes:
            targets: list[ast.expr] = []
            value: ast.expr | None = None
            if isinstance(node, ast.Assign):
                targets, value = node.targets, node.value
            elif isinstance(node, ast.AnnAssign):
                targets, value = [node.target], node.value
                provider = self._class_provider(node.annotation)
                if provider:
                    self.clients[ast.unparse(node.target)] = provider
            elif isinstance(node, ast.arg) and node.annotation is not None:
                provider = self._class_provider(node.annotation)
                if provider:
                    self.clients[node.arg] = provider
            elif isinstance(node, ast.withitem) and node.optional_vars is not None:
                targets, value = [node.optional_vars], node.context_expr
            if value is None:
                continue
            provider = self._client_of(value)
            for target in targets:
                if not isinstance(target, (ast.Name, ast.Attribute)):
                    continue
                name = ast.unparse(target)
                if provider:
                    self.clients[name] = provider
                elif isinstance(target, ast.Name):
                    evaluated = self._value(value, depth=1)
                    if evaluated.text is not None or evaluated.source.startswith("env"):
                        # A name assigned two different strings is not a constant.
                        if name in self.constants and self.constants[name] != evaluated:
                            self.constants[name] = Value(None, f"variable {name}")
                        else:
                            self.constants.setdefault(name, evaluated)

    def _class_provider(self, node: ast.expr) -> str | None:
        """The provider of a client class named by `node` (`OpenAI`, `openai.OpenAI`, `genai.Client`)."""
        if isinstance(node, ast.Name):
            return self.classes.get(node.id)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            module = self.modules.get(node.value.id)
            return sdk_calls.CLIENTS.get((module, node.attr)) if module else None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):  # "OpenAI" as a string annotation
            return self.classes.get(node.value)
        return None

    def _client_of(self, node: ast.expr) -> str | None:
        """The provider when `node` makes a client: `OpenAI(...)`, `client.with_options(...)`."""
        if not isinstance(node, ast.Call):
            return None
        provider = self._class_provider(node.func)
        if provider:
            return provider
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("with_options", "copy"):
            return self._root_provider(node.func.value)
        return None

    def _root_provider(self, node: ast.expr) -> str | None:
        if isinstance(node, (ast.Name, ast.Attribute)) and ast.unparse(node) in self.clients:
            return self.clients[ast.unparse(node)]
        return self._client_of(node)

    # -- calls --------------------------------------------------------------------------

    def _sdk_call(self, call: ast.Call) -> Finding | None:
        chain = _chain(call.func)
        if chain is None:
            return None
        root, path = chain
        provider = None
        # The longest prefix that names a client: `self.client` before `self`.
        for cut in range(len(path), -1, -1):
            head = ".".join([ast.unparse(root), *path[:cut]]) if isinstance(root, ast.expr) else None
            if head is not None and head in self.clients:
                provider, path = self.clients[head], path[cut:]
                break
        if provider is None and isinstance(root, ast.Call):
            provider = self._client_of(root)
        if provider is None and isinstance(root, ast.Name) and self.modules.get(root.id) in sdk_calls.MODULE_CLIENTS:
            provider = sdk_calls.MODULE_CLIENTS[self.modules[root.id]]
        if provider is None:
            # A client passed in from elsewhere: attribute the call by its method path, when
            # only one SDK has it and that SDK is imported here.
            owners = [p for p in sdk_calls.providers_of(tuple(path)) if p in self._imported_sdks()]
            if len(owners) != 1:
                return None
            provider = owners[0]
        route = sdk_calls.route_of(provider, tuple(path))
        if route is None:
            return None
        model = _keyword(call, "model")
        value = self._value(model) if model is not None else None
        self._consume(model)
        return self._finding(call, "sdk-call", provider, route, value)

    def _http_call(self, call: ast.Call) -> Finding | None:
        if not isinstance(call.func, ast.Attribute) and not isinstance(call.func, ast.Name):
            return None
        verb = call.func.attr if isinstance(call.func, ast.Attribute) else call.func.id
        if verb == "request":
            method_node = call.args[0] if call.args else _keyword(call, "method")
            url_node = call.args[1] if len(call.args) > 1 else _keyword(call, "url")
            method = self._value(method_node).text if method_node is not None else None
        elif verb in HTTP_VERBS:
            url_node = call.args[0] if call.args else _keyword(call, "url")
            method = HTTP_VERBS[verb] or (self._value(call.args[0]).text if verb == "stream" and call.args else None)
            if verb == "stream" and len(call.args) > 1:  # httpx.stream("POST", url)
                url_node = call.args[1]
        else:
            return None
        if url_node is None:
            return None
        url = self._value(url_node).text
        if not url or "://" not in url:
            return None
        parts = urlsplit(url)
        from harness import providers

        provider = providers.provider_for_host(parts.hostname or "")
        if provider is None:
            return None
        self._consume(url_node)
        route = _route_for(provider, (method or "").upper(), parts.path)
        body = _keyword(call, "json")
        model_node = _dict_value(body, "model") if body is not None else None
        value = self._value(model_node) if model_node is not None else None
        self._consume(model_node)
        if value is None:
            value = _model_in_path(parts.path)
        return self._finding(call, "http-call", provider, route, value)

    def _model_argument(self, call: ast.Call) -> Finding | None:
        """`model="gpt-4o"` given to any other call (LiteLLM, a wrapper of the team's own)."""
        model = _keyword(call, "model")
        if model is None or id(model) in self.used:
            return None
        value = self._value(model)
        parsed = model_ids.parse(value.text) if value.text else None
        if parsed is None:
            return None
        self._consume(model)
        provider, model_id = parsed
        return self._finding(call, "model-string", provider, None, Value(model_id, value.source))

    def _strings(self) -> Iterator[Finding]:
        """What strings say where no call said it: a model id or a LiteLLM string (a constant, a
        default, a list), a provider's URL (a base URL setting), or an API path only one provider
        serves, however it is sent (`self._post(f"{API}/models/{model}:predictLongRunning")`)."""
        parents = self.parents
        for node in self.nodes:
            if id(node) in self.used or id(parents.get(id(node))) in self.used:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                parsed = model_ids.parse(node.value)
                if parsed is not None:
                    yield self._at(node, "model-string", parsed[0], None, parsed[1], "literal")
                    continue
                text: str | None = node.value
            elif isinstance(node, ast.JoinedStr) and not isinstance(parents.get(id(node)), ast.JoinedStr):
                text = self._value(node).shape
            else:
                continue
            if not text:
                continue
            if "://" in text:
                parts = urlsplit(text)
                from harness import providers

                owner = providers.provider_for_host(parts.hostname or "")
                if owner is not None:
                    route = _route_for(owner, "", parts.path, unknown_as_path=False)
                    yield self._at(node, "url", owner, route, None, "")
            elif text.startswith("/") and (found := _distinctive(text)) is not None:
                owner, template = found
                method = _method_beside(parents.get(id(node)))
                route = f"{method} {template}" if method else template
                yield self._at(node, "http-call", owner, route, *_model_of_path(text))

    def _at(self, node: ast.expr, kind: str, provider: str, route: str | None, model: str | None, how: str) -> Finding:
        return Finding(
            self.path, node.lineno, kind, provider, route, model, self._code(node.lineno), how, node.col_offset
        )

    def _consume(self, node: ast.expr | None) -> None:
        """`node` is reported as part of a call: the string pass must not report it again."""
        if node is not None:
            self.used.add(id(node))

    # -- values -------------------------------------------------------------------------

    def _value(self, node: ast.expr | None, depth: int = 0) -> Value:
        if node is None:
            return Value(None, "none")
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return Value(node.value, "literal")
        if isinstance(node, ast.Name):
            if node.id in self.constants and depth < 5:
                found = self.constants[node.id]
                if found.source == "literal":
                    return Value(found.text, f"constant {node.id}")
                return found
            return Value(None, f"variable {node.id}")
        if isinstance(node, ast.JoinedStr):
            parts, known = [], True
            for piece in node.values:
                if isinstance(piece, ast.Constant):
                    parts.append(str(piece.value))
                elif isinstance(piece, ast.FormattedValue):
                    inner = self._value(piece.value, depth + 1).text
                    known = known and inner is not None
                    parts.append("{}" if inner is None else inner)
            return Value("".join(parts) if known else None, "f-string", "".join(parts))
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            left, right = self._value(node.left, depth + 1), self._value(node.right, depth + 1)
            if left.text is not None and right.text is not None:
                return Value(left.text + right.text, "expression")
            return Value(None, "expression")
        env = self._environment(node)
        if env is not None:
            return env
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
            return Value(None, ast.unparse(node)[:60])
        return Value(None, type(node).__name__.lower())

    def _environment(self, node: ast.expr) -> Value | None:
        """`os.getenv("X", "d")`, `os.environ.get("X", "d")`, `os.environ["X"]`: the default, if any."""
        if isinstance(node, ast.Subscript) and ast.unparse(node.value) in ("os.environ", "environ"):
            return Value(None, f"env {_string(node.slice)}")
        if not isinstance(node, ast.Call):
            return None
        func = ast.unparse(node.func)
        if func not in ("os.getenv", "getenv", "os.environ.get", "environ.get"):
            return None
        name = _string(node.args[0]) if node.args else "?"
        default = node.args[1] if len(node.args) > 1 else _keyword(node, "default")
        if default is not None and isinstance(default, ast.Constant) and isinstance(default.value, str):
            return Value(default.value, f"env {name} (default)")
        return Value(None, f"env {name}")

    # -- helpers of this reader ------------------------------------------------------

    def _imported_sdks(self) -> set[str]:
        sdks = {sdk_calls.MODULE_CLIENTS.get(m.split(".")[0]) for m in self.modules.values()}
        sdks |= set(self.classes.values())
        if any(m == "google.genai" for m in self.modules.values()):
            sdks.add("gemini")
        return {s for s in sdks if s}

    def _finding(self, call: ast.Call, kind: str, provider: str, route: str | None, value: Value | None) -> Finding:
        if value is None:
            model, source = None, ""
        elif value.text is None:
            model, source = DYNAMIC, value.source
        else:
            model, source = value.text, value.source
        return Finding(
            self.path, call.lineno, kind, provider, route, model, self._code(call.lineno), source, call.col_offset
        )

    def _code(self, line: int) -> str:
        text = self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""
        return text if len(text) <= 120 else text[:117] + "..."


def _walk(tree: ast.AST) -> tuple[list[ast.AST], dict[int, ast.AST]]:
    """Every node, breadth first as `ast.walk` gives them, and each node's parent, in one pass:
    every reading pass shares it. Children are read off `_fields` directly; `ast.iter_child_nodes`
    costs a generator per node, which was most of a scan's time."""
    nodes: list[ast.AST] = [tree]
    parents: dict[int, ast.AST] = {}
    at = 0
    while at < len(nodes):
        node = nodes[at]
        at += 1
        for field in node._fields:
            value = getattr(node, field, None)
            if isinstance(value, ast.AST):
                parents[id(value)] = node
                nodes.append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        parents[id(item)] = node
                        nodes.append(item)
    return nodes, parents


def _chain(node: ast.expr) -> tuple[ast.expr, list[str]] | None:
    """`a.b.c.d` -> (a, [b, c, d]); the root may be a name, `self`, or a call (`OpenAI().chat...`)."""
    path: list[str] = []
    while isinstance(node, ast.Attribute):
        path.insert(0, node.attr)
        node = node.value
    return (node, path) if path else None


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _dict_value(node: ast.expr, key: str) -> ast.expr | None:
    if isinstance(node, ast.Dict):
        for k, v in zip(node.keys, node.values, strict=True):
            if isinstance(k, ast.Constant) and k.value == key:
                return v
    return None


def _route_for(provider_name: str, method: str, path: str, *, unknown_as_path: bool = True) -> str | None:
    """The provider's route that `method path` calls, as its double names it; for a path none of its
    routes matches, `METHOD path` as written (or None, unless `unknown_as_path`)."""

    best = None
    for route in _routes(provider_name):
        if route.match(method or (route.method or "GET"), path) is not None:
            if best is None or route.specificity > best.specificity:
                best = route
    if best is not None:
        return str(best) if method else best.template
    return f"{method} {path}".strip() if path and unknown_as_path else None


def _model_in_path(path: str) -> Value | None:
    """Gemini puts the model in the path: `/v1beta/models/gemini-2.5-flash:generateContent`."""
    if "/models/" not in path:
        return None
    model = path.split("/models/", 1)[1].split(":", 1)[0].split("/", 1)[0]
    return Value(model, "literal") if model else None


def _distinctive(path: str) -> tuple[str, str] | None:
    """(provider, route template) when `path` is a route of exactly one provider; `{}` in `path` stands
    for any one segment. Catch-all routes (`/{version}/{name:path}`) say nothing and are left out."""
    from harness import providers

    concrete = path.split("?", 1)[0].replace("{}", "x")
    owners: dict[str, str] = {}
    for provider in providers.registered():
        for route in _routes(provider.name):
            if ":path}" in route.template or route.literal < 8:
                continue
            if route.pattern.match(concrete):
                owners.setdefault(provider.name, route.template)
    return next(iter(owners.items())) if len(owners) == 1 else None


def _method_beside(parent: ast.AST | None) -> str | None:
    """The HTTP method given next to a path: `send("POST", path)` or `client.post(path)`."""
    if not isinstance(parent, ast.Call):
        return None
    for arg in parent.args:
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.upper() in _METHOD_NAMES:
            return arg.value.upper()
    if isinstance(parent.func, ast.Attribute) and parent.func.attr in HTTP_VERBS and HTTP_VERBS[parent.func.attr]:
        return HTTP_VERBS[parent.func.attr]
    return None


_METHOD_NAMES = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})


def _model_of_path(path: str) -> tuple[str | None, str]:
    found = _model_in_path(path)
    if found is None:
        return None, ""
    if "{" in (found.text or ""):
        return DYNAMIC, "path"
    return found.text, "literal"


def _string(node: ast.expr, unknown: str = "?") -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else unknown


@functools.cache
def _routes(provider_name: str) -> tuple[Route, ...]:
    """A provider's routes, compiled once per process."""
    from harness import providers

    return tuple(Route.parse(template) for template, _ in providers.get(provider_name).routes)
