"""pytest plugin (entry point `pytest11`): hooks and fixtures only.

The behaviour lives in the library beside it, shared with the CLI:
`harness.testbed` (one test's doubles, clock, faults and journal, and
what it set up that never happened), `harness.marks` (what the marks say),
`harness.testid` (seeds and names per test), `harness.contracts.suite`
(which contracts check a test), `harness.expected_violations`,
`harness.network_block` (the network outside loopback, blocked while a test
uses doubles), `harness.tally` (the session summary),
`harness.report.failures` (failure texts), `harness.cassettes` and
`harness.chaos`.

This module loads in every pytest run of a project that installs harness,
so it imports only pytest and the standard library at the top; the library
is imported inside the fixture or hook that needs it. `docs/pytest.md` is
the guide.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from harness.contracts.checker import Verification
    from harness.network_block import NetworkBlock
    from harness.tally import Tally
    from harness.testbed import Chaos, Testbed, TestbedDouble

MARKERS = (
    "chaos(fault, **params): inject this fault into the test's provider doubles (where: provider, route; "
    "when: the Schedule keys, harness.chaos.schedule.KEYS); a list of faults, or several marks, runs the "
    "test once per fault; together=True: this mark's faults act in every run, alongside each other; "
    "a fault that never acts fails the test unless optional=True",
    "contract(*paths, expect_violations=[...]): fail the test when an exchange with its provider doubles "
    "breaks these contract files or folders (bare: the --harness-contracts ones), answers shaped by faults "
    "included; expect_violations: texts of violations the test must produce instead",
    "scenario(path): run this chaos scenario file as the test; it fails with the scenario's failed verdicts",
)
# The same modes as harness.cassettes.RECORD_MODES, not imported from there: that imports vcrpy.
RECORD_MODES = ("once", "new_episodes", "all", "none")
FAULT_PARAM = "harness_fault"  # the argument a chaos mark with several faults parametrizes

SETTINGS = pytest.StashKey["Settings"]()
SEED = pytest.StashKey[tuple]()  # (seed, scenario file whose seed it is, or None)
TESTBED = pytest.StashKey["Testbed"]()
BLOCK = pytest.StashKey["NetworkBlock"]()
UNMET = pytest.StashKey[str]()  # what a failed test set up and never saw happen
SCENARIO = pytest.StashKey[Any]()  # the ScenarioRun of a scenario-marked test
SCENARIO_REPORT = pytest.StashKey[str]()
VERIFICATION = pytest.StashKey[Any]()
NOTE = pytest.StashKey[str]()  # violations of a test that had already failed
CASSETTE = pytest.StashKey[dict]()
OUTCOME = pytest.StashKey[str]()


@dataclass
class Settings:
    """The session's options, as the controller read them (xdist workers get a copy)."""

    seed: int = 0
    seed_given: bool = False
    contracts: list[str] = field(default_factory=list)  # absolute paths
    report: str | None = None  # absolute folder
    record_mode: str = "none"
    toxiproxy_url: str | None = None
    block_network: bool = True
    allowed_hosts: list[str] = field(default_factory=list)
    lenient: bool = False  # doubles take what the real APIs would reject (--harness-lenient)
    tally: Tally | None = None
    suite: Any = None  # harness.contracts.suite.ContractSuite, on first use

    def shared(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "seed_given": self.seed_given,
            "contracts": self.contracts,
            "report": self.report,
            "record_mode": self.record_mode,
            "toxiproxy_url": self.toxiproxy_url,
            "block_network": self.block_network,
            "allowed_hosts": self.allowed_hosts,
            "lenient": self.lenient,
        }


# --- options and start-up ----------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("harness", "harness: provider doubles, chaos and contracts")
    group.addoption(
        "--harness-seed",
        metavar="N",
        default=None,
        help="base seed; each test's seed is derived from it and the test id "
        "('random' picks one and prints it; default 0, ini harness_seed)",
    )
    group.addoption(
        "--harness-contracts",
        metavar="PATH",
        action="append",
        default=[],
        help="contract file or folder checked against every test that uses a provider double "
        "(repeatable; ini harness_contracts)",
    )
    group.addoption(
        "--harness-report",
        metavar="DIR",
        default=None,
        help="write each scenario-marked test's reports and summary.json here",
    )
    group.addoption(
        "--harness-record-mode",
        metavar="MODE",
        default="none",
        choices=RECORD_MODES,
        help="vcrpy record mode of the `cassette` fixture: none (replay only, the default), once, new_episodes, all",
    )
    group.addoption(
        "--harness-toxiproxy-url",
        metavar="URL",
        default=None,
        help="Toxiproxy server of the `toxiproxy` fixture and of scenarios "
        "(default: $TOXIPROXY_URL, else an embedded server per worker)",
    )
    group.addoption(
        "--harness-allow-network",
        action="store_true",
        default=False,
        help="let tests that use provider doubles reach hosts outside this machine "
        "(blocked by default; ini harness_block_network = false)",
    )
    group.addoption(
        "--harness-allowed-hosts",
        metavar="HOSTS",
        default=None,
        help="comma-separated hosts tests with provider doubles may still reach (ini harness_allowed_hosts)",
    )
    group.addoption(
        "--harness-lenient",
        action="store_true",
        default=False,
        help="provider doubles take requests the real APIs would reject with a 400 "
        "(off by default: doubles validate requests like the providers; ini harness_lenient)",
    )
    parser.addini("harness_seed", "harness: base seed (see --harness-seed)", default="")
    parser.addini(
        "harness_lenient",
        "harness: provider doubles take requests the real APIs would reject (see --harness-lenient)",
        type="bool",
        default=False,
    )
    parser.addini(
        "harness_contracts",
        "harness: contract files or folders checked against every test that uses a provider double",
        type="paths",
        default=[],
    )
    parser.addini(
        "harness_block_network",
        "harness: block hosts outside this machine while a test uses provider doubles (default true)",
        type="bool",
        default=True,
    )
    parser.addini(
        "harness_allowed_hosts",
        "harness: hosts tests with provider doubles may still reach (loopback always may)",
        type="args",
        default=[],
    )


def pytest_configure(config: pytest.Config) -> None:
    for line in MARKERS:
        config.addinivalue_line("markers", line)
    shared = getattr(config, "workerinput", {}).get("harness")
    settings = Settings(**shared) if shared else _read_options(config)
    config.stash[SETTINGS] = settings
    config.pluginmanager.register(_Summary(settings), "harness-summary")
    config.pluginmanager.register(_provider_doubles(), "harness-provider-doubles")


def _provider_doubles() -> object:
    """One `<name>_double` fixture per registered provider (`openai_double`, ...), named without
    importing the providers, so a project's conftest can register its own first."""
    from harness.providers import names

    def fixture_for(name: str) -> Any:
        def double(self: object, harness_testbed: Testbed) -> TestbedDouble:  # a method of the holder
            return harness_testbed.double(name)

        double.__name__ = double.__qualname__ = f"{name}_double"
        double.__doc__ = (
            f"The test's {name} double, made on first use: `.client()` (its official SDK, in-process), "
            "`.transport()`, `.url` (real HTTP on 127.0.0.1, started on first use), `.base_url` "
            "(what its SDK takes as base_url), `.journal`."
        )
        return pytest.fixture(name=f"{name}_double")(double)

    return type("ProviderDoubles", (), {f"{name}_double": fixture_for(name) for name in names()})()


def _read_options(config: pytest.Config) -> Settings:
    raw = config.getoption("harness_seed") or config.getini("harness_seed") or ""
    raw = str(raw).strip()
    if raw == "random":
        seed = random.SystemRandom().randrange(1_000_000)
    else:
        try:
            seed = int(raw or 0)
        except ValueError:
            raise pytest.UsageError(f"--harness-seed must be a whole number or 'random', not {raw!r}") from None
    here = config.invocation_params.dir
    contracts = [str(Path(here, p)) for p in config.getoption("harness_contracts")]
    contracts += [str(p) for p in config.getini("harness_contracts")]
    report = config.getoption("harness_report")
    hosts = [str(h) for h in config.getini("harness_allowed_hosts")]
    hosts += [h.strip() for h in (config.getoption("harness_allowed_hosts") or "").split(",") if h.strip()]
    return Settings(
        seed=seed,
        seed_given=bool(raw),
        contracts=contracts,
        report=str(Path(here, report)) if report else None,
        record_mode=config.getoption("harness_record_mode"),
        toxiproxy_url=config.getoption("harness_toxiproxy_url") or os.environ.get("TOXIPROXY_URL"),
        block_network=bool(config.getini("harness_block_network")) and not config.getoption("harness_allow_network"),
        allowed_hosts=hosts,
        lenient=bool(config.getoption("harness_lenient") or config.getini("harness_lenient")),
    )


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """pytest-xdist: every worker runs with the controller's settings (and its random seed)."""
    node.workerinput["harness"] = node.config.stash[SETTINGS].shared()


# --- marks --------------------------------------------------------------------------------------


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marks = list(metafunc.definition.iter_markers("chaos"))
    if not marks:
        return
    from harness.errors import InputError
    from harness.marks import alternatives, chaos_specs, spec_ids

    try:
        runs = alternatives(chaos_specs(marks))
    except InputError:
        return  # said at setup, where it fails this test only (harness_testbed)
    if len(runs) > 1:
        if FAULT_PARAM not in metafunc.fixturenames:
            metafunc.fixturenames.append(FAULT_PARAM)
        metafunc.parametrize(FAULT_PARAM, runs, ids=spec_ids(runs))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A marked test gets the fixture its mark works through, even if it names no double."""
    for item in items:
        names = getattr(item, "fixturenames", None)
        if names is None:
            continue
        marked = {mark.name for mark in item.iter_markers()}
        need = "scenario_run" if "scenario" in marked else "harness_testbed" if marked & {"chaos", "contract"} else None
        if need is not None and need not in names:
            names.append(need)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    run = item.stash.get(SCENARIO, None)
    if run is not None and not run.ok:
        from harness.report import failures

        pytest.fail(failures.scenario(run), pytrace=False)
    bed = item.stash.get(TESTBED, None)
    if bed is None and run is None:
        return (yield)
    try:
        result = yield
    except pytest.skip.Exception:
        raise
    except BaseException:
        # The test's own failure comes first; what the harness found goes in sections of its report.
        contracts = _contract_problems(item, bed, run, failing=True)
        if contracts:
            item.stash[NOTE] = contracts
        rehearsal = _rehearsal_problems(item, bed)
        if rehearsal:
            item.stash[UNMET] = rehearsal
        raise
    found = [text for text in (_contract_problems(item, bed, run), _rehearsal_problems(item, bed)) if text]
    if found:
        pytest.fail("\n".join(found), pytrace=False)
    return result


def _verify(item: pytest.Item, bed: Any, run: Any) -> Verification | None:
    """The test's exchanges so far against its contracts (its marks' and the session's);
    None when no contract applies. InputError for a contract that cannot be loaded."""
    settings = item.config.stash[SETTINGS]
    marks = list(item.iter_markers("contract"))
    used = bool(bed.doubles) if bed is not None else True
    if not marks and not (settings.contracts and used):
        return None
    from harness.contracts.suite import ContractSuite
    from harness.marks import paths

    if settings.suite is None:
        settings.suite = ContractSuite(settings.contracts)
    exchanges = bed.exchanges() if bed is not None else list(run.exchanges)
    result: Verification | None = settings.suite.check(
        exchanges,
        marked=bool(marks),
        used_doubles=used,
        paths=[str(_beside(item, p)) for p in paths(marks, "contract")],
    )
    return result


def _contract_problems(item: pytest.Item, bed: Any, run: Any, *, failing: bool = False) -> str | None:
    """The violations no `expect_violations` text expects and the expected ones that did not
    happen, as the test's failure text; None when the contracts hold as the test says."""
    from dataclasses import replace

    from harness.errors import InputError
    from harness.expected_violations import ExpectedViolations
    from harness.marks import expected_violations
    from harness.report import failures

    try:
        expected = ExpectedViolations(expected_violations(item.iter_markers("contract")))
        verification = _verify(item, bed, run)
    except InputError as exc:
        return None if failing else f"contracts: {exc}"  # a failing test keeps its own reason
    if verification is None:
        return None
    item.stash[VERIFICATION] = verification
    unexpected, missing = expected.sort(verification.violations)
    texts = []
    if unexpected:
        texts.append(failures.violations(replace(verification, violations=unexpected)))
    if missing:
        texts.append(expected.missing_text(missing, verification.violations, verification.checked))
    return "\n".join(texts) or None


def _rehearsal_problems(item: pytest.Item, bed: Testbed | None) -> str | None:
    """A fault that never acted, an answer never given, an expected fault that did not act or
    a host the network block refused, as the test's failure text: the test rehearsed less than
    it says. None when it all happened."""
    if bed is None:
        return None
    texts = []
    unmet = bed.unmet()
    if unmet:
        texts.append(
            "\n".join(
                [f"{item.nodeid}: set up, but never happened:"]
                + [f"  {line}" for line in unmet]
                + ["(optional=True on a fault or answer that may rightly go unused)"]
            )
        )
    block = item.stash.get(BLOCK, None)
    if block is not None and block.attempts:
        texts.append(
            f"{item.nodeid}: tried to reach {', '.join(dict.fromkeys(block.attempts))} while the network "
            "is blocked (a test with provider doubles talks to them only): a client not pointed at a double?"
        )
    return "\n".join(texts) or None


def _beside(item: pytest.Item, raw: str) -> Path:
    """A mark's relative path: beside the test file, else from the rootdir."""
    path = Path(raw)
    if path.is_absolute():
        return path
    for base in (item.path.parent, item.config.rootpath):
        if (base / path).exists():
            return base / path
    return item.path.parent / path  # the loader then says "no such file or folder", naming it


# --- reports and the summary --------------------------------------------------------------------


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    report: Any = yield  # a TestReport; `harness` is added to it below
    seeded = item.stash.get(SEED, None)
    if seeded is None:
        return report
    if report.failed or report.skipped or report.when == "call":
        if item.stash.get(OUTCOME, "passed") not in ("failed", "error"):
            item.stash[OUTCOME] = (
                "skipped"
                if report.skipped
                else "passed"
                if report.passed
                else "failed"
                if report.when == "call"
                else "error"
            )
    if report.failed:
        from harness.report import failures

        settings = item.config.stash[SETTINGS]
        report.sections.append(
            ("harness", failures.seed_note(item.nodeid, seeded[0], settings.seed, from_file=seeded[1]))
        )
        note = item.stash.get(NOTE, None)
        if note and report.when == "call":
            report.sections.append(("harness contracts", note))
        unmet = item.stash.get(UNMET, None)
        if unmet and report.when == "call":
            report.sections.append(("harness rehearsal", unmet))
    if report.when == "teardown":
        from harness import tally

        report.harness = tally.record(  # travels to the xdist controller with the report
            seed=seeded[0],
            outcome=item.stash.get(OUTCOME, "passed"),
            testbed=item.stash.get(TESTBED, None),
            verification=item.stash.get(VERIFICATION, None),
            scenario_run=item.stash.get(SCENARIO, None),
            scenario_report=item.stash.get(SCENARIO_REPORT, None),
            cassette=item.stash.get(CASSETTE, None),
        )
    return report


class _Summary:
    """Collects each test's record where the reports arrive (the controller under xdist)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, "harness", None)
        if data is None:
            return
        if self.settings.tally is None:
            from harness.tally import Tally

            self.settings.tally = Tally(seed=self.settings.seed)
        self.settings.tally.add(report.nodeid, data)


def pytest_sessionfinish(session: pytest.Session) -> None:
    settings = session.config.stash.get(SETTINGS, None)
    if settings is None or not settings.report or hasattr(session.config, "workerinput"):
        return
    import json

    from harness.tally import Tally

    folder = Path(settings.report)
    folder.mkdir(parents=True, exist_ok=True)
    tally = settings.tally or Tally(seed=settings.seed)
    (folder / "summary.json").write_text(json.dumps(tally.to_json(), indent=2) + "\n", encoding="utf-8")


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    settings = config.stash.get(SETTINGS, None)
    if settings is None or not settings.tally:
        return
    terminalreporter.section("harness")
    for line in settings.tally.lines():
        terminalreporter.write_line(line)
    if settings.report:
        terminalreporter.write_line(f"report: {Path(settings.report, 'summary.json')}")


# --- fixtures -------------------------------------------------------------------------------------


@pytest.fixture
def harness_seed(request: pytest.FixtureRequest) -> int:
    """This test's seed, derived from --harness-seed and the test id: the same in every run and
    every xdist worker. The doubles and faults of the test use it; so may you."""
    from harness.testid import seed_for

    seed = seed_for(request.config.stash[SETTINGS].seed, request.node.nodeid)
    request.node.stash[SEED] = (seed, None)
    return seed


@pytest.fixture
def harness_testbed(request: pytest.FixtureRequest, harness_seed: int) -> Iterator[Testbed]:
    """The test's Testbed: its provider doubles, virtual clock, injected faults and journal.
    The other harness fixtures are views of it; the chaos marks' faults are injected here, and
    the network outside loopback is blocked while it lasts (see `_network_block`)."""
    from contextlib import ExitStack

    from harness.errors import InputError
    from harness.marks import chaos_specs, in_one_run
    from harness.testbed import Testbed

    bed = Testbed(seed=harness_seed, strict=not request.config.stash[SETTINGS].lenient)
    request.node.stash[TESTBED] = bed
    with ExitStack() as stack:
        stack.callback(bed.close)
        callspec = getattr(request.node, "callspec", None)
        chosen = callspec.params.get(FAULT_PARAM) if callspec is not None else None
        try:
            for spec in in_one_run(chaos_specs(request.node.iter_markers("chaos")), chosen):
                bed.chaos.inject(spec.fault, **spec.params)
        except InputError as exc:
            pytest.fail(f"@pytest.mark.chaos: {exc}", pytrace=False)
        block = _network_block(request)
        if block is not None:
            request.node.stash[BLOCK] = stack.enter_context(block)
        yield bed


def _network_block(request: pytest.FixtureRequest) -> NetworkBlock | None:
    """The block for a test with doubles: none when turned off, or when the test records a
    cassette from the real network (a record mode other than none)."""
    settings = request.config.stash[SETTINGS]
    if not settings.block_network:
        return None
    if "cassette" in request.fixturenames and settings.record_mode != "none":
        return None
    from urllib.parse import urlsplit

    from harness import providers
    from harness.network_block import NetworkBlock

    owners = {host: p.name for p in providers.registered() for host in p.all_hosts}

    def hint(host: str) -> str:
        owner = owners.get(host.lower())
        return f"{owner}'s real API; the test's double is {owner}_double" if owner else ""

    allowed = list(settings.allowed_hosts)
    if settings.toxiproxy_url:
        allowed.append(urlsplit(settings.toxiproxy_url).hostname or "")
    return NetworkBlock(
        allowed,
        hint=hint,
        advice="let it through: --harness-allowed-hosts HOST, the harness_allowed_hosts ini key, "
        "or --harness-allow-network",
    )


@pytest.fixture
def provider_double(harness_testbed: Testbed) -> Callable[..., TestbedDouble]:
    """`provider_double(name, **options)`: the test's double of provider `name` (any registered
    provider: openai, anthropic, gemini, ...), made on first use; options: job_seconds, seed, clock,
    strict (False: take requests the real API would reject)."""
    return harness_testbed.double


@pytest.fixture
def chaos(harness_testbed: Testbed) -> Chaos:
    """Inject faults into the test's doubles: `chaos.inject("rate_limit", provider="openai", first=2,
    retry_after=0.2)` returns the Injection. Everything injected is gone after the test."""
    return harness_testbed.chaos


@pytest.fixture
def contract_check(request: pytest.FixtureRequest, harness_testbed: Testbed) -> Callable[[], Verification | None]:
    """`contract_check()`: the test's exchanges so far checked against the contracts that will
    check it when it ends (its contract marks' and the session's); a Verification whose
    `.violations` the test can read, or None when no contract applies."""

    def check() -> Verification | None:
        from harness.errors import InputError

        try:
            return _verify(request.node, harness_testbed, None)
        except InputError as exc:
            pytest.fail(f"contracts: {exc}", pytrace=False)

    return check


@pytest.fixture
def virtual_clock(harness_testbed: Testbed) -> Any:
    """The clock all the test's doubles share: `virtual_clock.advance(days=30)` jumps ahead;
    between jumps it runs at real speed."""
    return harness_testbed.clock


@pytest.fixture
def journal(harness_testbed: Testbed) -> Any:
    """Every exchange with any of the test's doubles, in the order they happened."""
    return harness_testbed.journal


@pytest.fixture(scope="session")
def harness_awkward() -> Any:
    """`harness_awkward(provider, source, *bodies)`: a context manager giving a fresh double that
    answers with awkward bodies (`harness.awkward.awkward_double`). Session-scoped, so a
    `@given` test may take it: each example opens its own double inside the test."""
    from harness.awkward import awkward_double

    return awkward_double


@pytest.fixture(scope="session")
def harness_fuzz() -> Any:
    """`harness_fuzz(scenario, openapi=..., day=...)`: a context manager giving the scenario's
    app under its faults, with its spec as a Schemathesis schema bound to it and the checks of
    `harness fuzz` (`harness.fuzz.rehearse`). Session-scoped, so a module-scoped fixture may
    open it once for every generated test."""
    from harness.fuzz.rehearsal import rehearse

    return rehearse


@pytest.fixture(scope="session")
def harness_toxiproxy_url(pytestconfig: pytest.Config) -> Iterator[str]:
    """The Toxiproxy server of this session (of this xdist worker): --harness-toxiproxy-url,
    $TOXIPROXY_URL, or an embedded one started on first use."""
    from harness.chaos.toxiproxy import toxiproxy_for

    with toxiproxy_for(pytestconfig.stash[SETTINGS].toxiproxy_url) as client:
        yield client.url


@pytest.fixture
def toxiproxy(harness_toxiproxy_url: str) -> Iterator[Any]:
    """A toxiproxy-python client. `toxiproxy.hop(openai_double)` puts a proxy in front of a double
    (its `.url` is the way through); names are per xdist worker; the test's proxies go after it."""
    from harness.chaos.toxiproxy.scoped import ScopedToxiproxy

    with ScopedToxiproxy(harness_toxiproxy_url) as client:
        yield client


@pytest.fixture
def cassette_path(request: pytest.FixtureRequest) -> Path:
    """Where the `cassette` fixture records: cassettes/<module>/<test>.yaml beside the test
    module. Override this fixture to put cassettes elsewhere."""
    from harness.testid import file_name

    name = request.node.name if request.cls is None else f"{request.cls.__name__}.{request.node.name}"
    module = request.node.path
    return module.parent / "cassettes" / module.stem / f"{file_name(name)}.yaml"


@pytest.fixture
def cassette(request: pytest.FixtureRequest, cassette_path: Path, harness_seed: int) -> Iterator[Any]:
    """Record or replay the test's HTTP calls (httpx, httpx2, requests, urllib) in a vcrpy
    cassette, secrets redacted; --harness-record-mode picks the mode (default none: replay only)."""
    from contextlib import ExitStack

    from harness.cassettes import recording
    from harness.errors import InputError

    mode = request.config.stash[SETTINGS].record_mode
    with ExitStack() as stack:
        try:
            made = stack.enter_context(recording(cassette_path, record_mode=mode))
        except InputError as exc:
            pytest.fail(str(exc), pytrace=False)
        yield made
    request.node.stash[CASSETTE] = {
        "path": str(cassette_path),
        "record_mode": mode,
        "interactions": len(made),
        "played": made.play_count,
    }


@pytest.fixture
def scenario_run(request: pytest.FixtureRequest, harness_seed: int) -> Any:
    """The run of the test's @pytest.mark.scenario file (a ScenarioRun: verdicts, exchanges,
    fault log). The test fails with the failed verdicts before its body runs."""
    from harness.errors import HarnessError
    from harness.marks import paths

    settings = request.config.stash[SETTINGS]
    mark = request.node.get_closest_marker("scenario")
    try:
        files = paths([mark], "scenario") if mark is not None else []
        if len(files) != 1:
            raise HarnessError("the test needs exactly one @pytest.mark.scenario(path) for scenario_run")
        from harness.chaos import runner, scenario

        loaded = scenario.load(_beside(request.node, files[0]), seed=harness_seed if settings.seed_given else None)
        run = runner.run(loaded, toxiproxy_url=settings.toxiproxy_url)
    except HarnessError as exc:
        pytest.fail(str(exc), pytrace=False)
    request.node.stash[SEED] = (loaded.seed, None if settings.seed_given else loaded.source)
    request.node.stash[SCENARIO] = run
    if settings.report:
        from harness import report
        from harness.testid import folder_name

        folder = Path(settings.report, "scenarios", folder_name(request.node.nodeid))
        report.write([run], folder)
        request.node.stash[SCENARIO_REPORT] = str(folder)
    return run
