"""The pytest plugin, driven through pytest's own `pytester`: every fixture,
mark and option in a suite of its own; a contract violation failing a test;
chaos marks parametrizing; scenarios passing and failing; seeds that repeat
across runs and pytest-xdist workers; the summary; and a plugin that costs
an unrelated run nothing."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

# Imported here, not only inside the runs: pytester takes modules first imported
# during an in-process run out of sys.modules again afterwards, so each run would
# import the SDKs anew (slow), and objects of two copies of a module would meet
# (httpx maps httpcore's exceptions by class: a second httpcore slips past it).
import anthropic  # noqa: F401
import h11  # noqa: F401
import httpcore  # noqa: F401
import httpx
import openai  # noqa: F401
import pytest
from google import genai  # noqa: F401

import harness.cassettes
import harness.chaos.runner
import harness.chaos.toxiproxy.scoped
import harness.contracts
import harness.report.failures
import harness.testbed  # noqa: F401
from harness.exchange import Exchange, Request, Response


@pytest.fixture(scope="module", autouse=True)
def _modules_the_runs_share():
    """Serve a double once, so uvicorn's and httpcore's lazily imported modules are
    loaded before the in-process runs (see the imports above)."""
    from harness.double import Double

    with Double("openai") as double, double.serve() as url:
        httpx.get(url + "/v1/models")


ROOT = Path(__file__).resolve().parent.parent
CHAT_CONTRACT = ROOT / "contracts" / "providers" / "openai" / "chat-completions.yaml"
ASK_APP = Path(__file__).resolve().parent / "apps" / "ask"

ASK = 'model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]'
ASK_CLAUDE = 'model="claude-sonnet-4-6", max_tokens=16, messages=[{"role": "user", "content": "hi"}]'


def write(pytester: pytest.Pytester, source: str, name: str = "test_app") -> Path:
    return pytester.makepyfile(**{name: textwrap.dedent(source)})


def summary(result: pytest.RunResult) -> str:
    """The harness section of the terminal summary ('' when there is none)."""
    lines = result.outlines
    start = next((i for i, line in enumerate(lines) if line.startswith("=") and " harness " in line), None)
    if start is None:
        return ""
    section = [lines[start]]
    for line in lines[start + 1 :]:
        if line.startswith("=") or re.match(r"\d+ (passed|failed|error)", line):
            break
        section.append(line)
    return "\n".join(section)


# --- fixtures -------------------------------------------------------------------------------------


def test_double_fixtures_answer_in_process_over_both_http_libraries_and_over_http(pytester):
    write(
        pytester,
        f"""
        import httpx, httpx2, pytest

        def test_sdk_clients(openai_double, anthropic_double, gemini_double, journal):
            chat = openai_double.client(max_retries=0).chat.completions.create({ASK})
            assert chat.choices[0].message.content
            message = anthropic_double.client(max_retries=0).messages.create({ASK_CLAUDE})
            assert message.content[0].text
            assert gemini_double.client().models.generate_content(model="gemini-2.5-flash", contents="hi").text
            assert [x.provider for x in journal] == ["openai", "anthropic", "gemini"]
            assert [x.provider for x in openai_double.journal] == ["openai"]
            assert openai_double._url is None            # nothing served: all in-process

        @pytest.mark.parametrize("http", [httpx, httpx2])
        def test_transports(http, openai_double):
            with http.Client(base_url="https://api.openai.com",
                             transport=openai_double.transport(http.__name__)) as client:
                assert client.get("/v1/models", headers={{"authorization": "Bearer k"}}).status_code == 200

        async def _via_async(double):
            async with httpx.AsyncClient(base_url="https://api.openai.com",
                                         transport=double.async_transport()) as client:
                return (await client.get("/v1/models", headers={{"authorization": "Bearer k"}})).status_code

        def test_async_transport(openai_double):
            import asyncio
            assert asyncio.run(_via_async(openai_double)) == 200

        def test_served_lazily_on_loopback(openai_double):
            url = openai_double.url
            assert url.startswith("http://127.0.0.1:") and openai_double.base_url == url + "/v1"
            assert httpx.get(url + "/v1/models", headers={{"authorization": "Bearer k"}}).status_code == 200

        def test_factory_shares_the_test_double(provider_double, openai_double, virtual_clock):
            assert provider_double("openai") is openai_double
            made = provider_double("anthropic", job_seconds=0.5)
            assert made.clock is virtual_clock is openai_double.clock
            with pytest.raises(Exception, match="one double per provider"):
                provider_double("anthropic", job_seconds=2)
            with pytest.raises(Exception, match="unknown provider"):
                provider_double("acme")

        def test_virtual_clock_moves_in_days(virtual_clock, openai_double):
            before = virtual_clock.now()
            virtual_clock.advance(days=30)
            assert virtual_clock.now() - before >= 30 * 86400
            openai_double.client(max_retries=0).chat.completions.create({ASK})
            assert openai_double.journal[0].started - before >= 30 * 86400
    """,
    )
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=7)


def test_chaos_fixture_injects_for_the_test_and_is_cleared_after_it(pytester):
    write(
        pytester,
        f"""
        import openai, pytest

        def test_a_rate_limit_is_retried_after_the_wait_it_asks_for(openai_double, chaos, journal):
            injection = chaos.inject("rate_limit", provider="openai", route="POST /v1/chat/completions",
                                     first=2, retry_after=0.2)
            openai_double.client(max_retries=2).chat.completions.create({ASK})
            assert [x.status for x in journal] == [429, 429, 200]
            assert journal[0].response.header("retry-after") is not None
            assert [a.call for a in injection.log] == [1, 2]
            gaps = [b.started - a.started for a, b in zip(journal, journal[1:])]
            assert all(gap >= 0.2 for gap in gaps), gaps

        def test_b_nothing_injected_is_left_over(openai_double, journal):
            openai_double.client(max_retries=0).chat.completions.create({ASK})
            assert [x.status for x in journal] == [200] and openai_double.hooks == []

        def test_c_faults_reach_doubles_made_after_the_injection(chaos, provider_double):
            chaos.inject("outage", provider="anthropic")
            with pytest.raises(Exception, match="529|overloaded"):
                provider_double("anthropic").client(max_retries=0).messages.create({ASK_CLAUDE})
            assert chaos.acted() == {{"outage": 1}}

        def test_d_network_faults_point_to_toxiproxy(chaos):
            with pytest.raises(Exception, match="network fault.*toxiproxy"):
                chaos.inject("latency", latency=100)

        def test_e_bad_parameters_are_named(chaos):
            with pytest.raises(Exception, match="did you mean 'retry_after'"):
                chaos.inject("rate_limit", retry_afterr=1)
    """,
    )
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=5)


def test_toxiproxy_fixture_hops_in_front_of_a_double_and_removes_its_proxies(pytester):
    write(
        pytester,
        """
        import time, httpx

        def test_a_latency_on_the_hop(toxiproxy, openai_double):
            proxy = toxiproxy.hop(openai_double)
            proxy.add_toxic(type="latency", attributes={"latency": 300})
            assert toxiproxy.get_proxy("openai").name == proxy.name
            started = time.monotonic()
            assert httpx.get(proxy.url + "/v1/models", headers={"authorization": "Bearer k"}).status_code == 200
            assert time.monotonic() - started >= 0.25
            assert toxiproxy.hop(openai_double).name.startswith("openai_2")   # a second hop keeps the first

        def test_b_the_proxies_of_the_last_test_are_gone(toxiproxy):
            assert toxiproxy.proxies() == {}
    """,
    )
    pytester.runpytest("-q").assert_outcomes(passed=2)


def test_toxiproxy_fixture_uses_the_server_it_is_given_and_leaves_it_clean(pytester, monkeypatch):
    from harness.chaos.toxiproxy import EmbeddedToxiproxy

    write(
        pytester,
        """
        import os

        def test_on_the_given_server(toxiproxy, openai_double):
            assert toxiproxy.url == os.environ["GIVEN_TOXIPROXY"]
            toxiproxy.hop(openai_double)
    """,
    )
    with EmbeddedToxiproxy() as url:
        monkeypatch.setenv("GIVEN_TOXIPROXY", url)
        pytester.runpytest("-q", f"--harness-toxiproxy-url={url}").assert_outcomes(passed=1)
        assert httpx.get(url + "/proxies").json() == {}


def test_cassette_fixture_records_redacted_beside_the_test_and_replays_without_network(pytester):
    write(
        pytester,
        """
        import httpx

        def test_record(cassette, openai_double):
            reply = httpx.get(openai_double.url + "/v1/models",
                              headers={"authorization": "Bearer sk-live-abcdefghijkl"})
            assert reply.status_code == 200
    """,
        name="test_rec",
    )
    pytester.runpytest("-q", "--harness-record-mode=once").assert_outcomes(passed=1)
    recorded = pytester.path / "cassettes" / "test_rec" / "test_record.yaml"
    assert "REDACTED" in recorded.read_text() and "sk-live-abcdefghijkl" not in recorded.read_text()

    from harness.cassettes import write as write_cassette

    models = Exchange(
        request=Request(method="GET", url="https://api.openai.com/v1/models"),
        response=Response(
            status=200, body=b'{"object": "list", "data": []}', headers=(("content-type", "application/json"),)
        ),
    )
    write_cassette([models], pytester.path / "cassettes" / "test_replay" / "test_replayed.yaml")
    write(
        pytester,
        """
        import httpx

        def test_replayed(cassette):
            assert httpx.get("https://api.openai.com/v1/models").json() == {"object": "list", "data": []}
            assert cassette.play_count == 1

        def test_unrecorded(cassette):
            httpx.get("https://api.openai.com/v1/files")
    """,
        name="test_replay",
    )
    result = pytester.runpytest("-q", "test_replay.py")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*CannotOverwriteExistingCassetteException*"])


# --- marks ----------------------------------------------------------------------------------------

CHAOS_SUITE = f"""
    import openai, pytest

    @pytest.mark.chaos(["outage", {{"fault": "outage", "status": 502}}, "rate_limit", "gone"], provider="openai")
    def test_every_fault_is_an_error_to_the_sdk(openai_double):
        with pytest.raises(openai.APIStatusError):
            openai_double.client(max_retries=0).chat.completions.create({ASK})

    @pytest.mark.chaos("model_retired", provider="anthropic")
    @pytest.mark.chaos("refusal", provider="openai")
    def test_two_marks_two_runs(openai_double, anthropic_double):
        for ask in (lambda: openai_double.client(max_retries=0).chat.completions.create({ASK}),
                    lambda: anthropic_double.client(max_retries=0).messages.create({ASK_CLAUDE})):
            try:
                ask()
            except Exception:
                pass

    @pytest.mark.chaos("outage", provider="openai", first=1)
    def test_one_fault_is_applied_without_parametrizing(openai_double, chaos):
        client = openai_double.client(max_retries=0)
        with pytest.raises(openai.InternalServerError):
            client.chat.completions.create({ASK})
        client.chat.completions.create({ASK})
        assert chaos.acted() == {{"outage": 1}}

    @pytest.mark.chaos("outage", optional=True)
    def test_a_mark_alone_gets_a_testbed(request):
        assert "harness_testbed" in request.fixturenames
"""


def test_chaos_mark_with_n_faults_makes_n_test_items(pytester):
    write(pytester, CHAOS_SUITE)
    collected = pytester.runpytest("--co", "-q")
    collected.stdout.fnmatch_lines(
        [
            "test_app.py::test_every_fault_is_an_error_to_the_sdk[[]outage[]]",
            "test_app.py::test_every_fault_is_an_error_to_the_sdk[[]outage-status=502[]]",
            "test_app.py::test_every_fault_is_an_error_to_the_sdk[[]rate_limit[]]",
            "test_app.py::test_every_fault_is_an_error_to_the_sdk[[]gone[]]",
            "test_app.py::test_two_marks_two_runs[[]refusal[]]",
            "test_app.py::test_two_marks_two_runs[[]model_retired[]]",
            "test_app.py::test_one_fault_is_applied_without_parametrizing",
            "8 tests collected*",
        ]
    )
    result = pytester.runpytest("-q", "--strict-markers")
    result.assert_outcomes(passed=8)
    assert (
        "faults injected: 7 calls acted on (gone 1, model_retired 1, outage 3, rate_limit 1, refusal 1) in 7 tests"
        in summary(result)
    )


def test_chaos_mark_with_an_unknown_fault_fails_the_test_with_the_reason(pytester):
    write(
        pytester,
        """
        import pytest

        @pytest.mark.chaos("rate_limt", provider="openai")
        def test_typo(openai_double):
            pass

        @pytest.mark.chaos()
        def test_no_fault():
            pass
    """,
    )
    result = pytester.runpytest("-q")
    result.assert_outcomes(errors=2)
    result.stdout.fnmatch_lines(
        [
            "*@pytest.mark.chaos: unknown fault 'rate_limt'; did you mean 'rate_limit'?*",
            "*@pytest.mark.chaos: @pytest.mark.chaos takes one fault name*",
        ]
    )
    assert "Traceback" not in result.stdout.str()


def contracts_dir(pytester) -> Path:
    folder = pytester.path / "contracts"
    folder.mkdir(exist_ok=True)
    shutil.copy(CHAT_CONTRACT, folder / "chat.yaml")
    return folder


CONTRACT_SUITE = f"""
    import pytest

    DRIFT = dict(provider="openai", pointer="/choices/0/message/role", op="remove")

    @pytest.mark.contract("contracts/chat.yaml")
    def test_keeps_the_contract(openai_double):
        openai_double.client(max_retries=0).chat.completions.create({ASK})

    @pytest.mark.contract("contracts/chat.yaml")
    @pytest.mark.chaos("drift", **DRIFT)
    def test_breaks_the_contract(openai_double):
        openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})

    @pytest.mark.contract("contracts/chat.yaml")
    @pytest.mark.chaos("drift", **DRIFT)
    def test_fails_and_breaks_the_contract(openai_double):
        openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})
        assert False, "the test's own failure"

    @pytest.mark.contract("contracts/missing.yaml")
    def test_names_a_missing_contract(openai_double):
        pass
"""


def test_contract_mark_fails_a_test_whose_exchanges_break_the_contract(pytester):
    contracts_dir(pytester)
    write(pytester, CONTRACT_SUITE)
    result = pytester.runpytest("-q", "--strict-markers")
    result.assert_outcomes(passed=1, failed=3)
    result.stdout.fnmatch_lines(
        [
            "*_ test_breaks_the_contract _*",
            "contract violated: 1 violation in 1 exchange checked against openai/chat-completions",
            "  openai/chat-completions / create a chat completion: body /choices/0/message/role: "
            "expected present, got missing in POST /v1/chat/completions -> 200",
            "*- harness -*",
            "seed * (derived from --harness-seed 0 and the test id)*",
        ]
    )
    result.stdout.fnmatch_lines(
        ["*the test's own failure*", "*- harness contracts -*", "contract violated: 1 violation*"]
    )
    result.stdout.fnmatch_lines(["*contracts: *missing.yaml: no such file or folder*"])
    text = summary(result)
    assert "contracts checked: 3 exchanges in 3 tests (openai/chat-completions 3)" in text
    assert "violations: 2 in 2 tests" in text


STRICT_CONTRACT = """
contract: app/strict-chat
consumer: app
provider: openai
interactions:
  - name: chat
    request: {method: POST, path: /v1/chat/completions}
    response:
      status: 200
      json: {type: object, required: [id, service_tier_v9]}
"""


def test_harness_contracts_option_and_ini_check_every_test_that_uses_a_double(pytester):
    folder = contracts_dir(pytester)
    (pytester.path / "strict").mkdir()
    (pytester.path / "strict" / "chat.yaml").write_text(STRICT_CONTRACT)
    write(
        pytester,
        f"""
        import pytest

        DRIFT = dict(provider="openai", pointer="/choices/0/finish_reason", op="enum", to="bored")

        def test_clean(openai_double):
            openai_double.client(max_retries=0).chat.completions.create({ASK})

        @pytest.mark.chaos("drift", **DRIFT)
        def test_drifted(openai_double):
            openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})

        @pytest.mark.contract
        @pytest.mark.chaos("drift", **DRIFT)
        def test_drifted_under_a_bare_contract_mark(openai_double):
            openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})

        def test_without_doubles():
            pass
    """,
    )
    by_option = pytester.runpytest("-q", "--strict-markers", f"--harness-contracts={folder / 'chat.yaml'}")
    by_option.assert_outcomes(passed=3, failed=1)
    by_option.stdout.fnmatch_lines(
        ["*_ test_drifted_under_a_bare_contract_mark _*", "*body /choices/0/finish_reason*bored*"]
    )
    assert "contracts checked: 2 exchanges in 3 tests (openai/chat-completions 2)" in summary(by_option)

    without = pytester.runpytest("-q")
    without.assert_outcomes(passed=3, failed=1)
    without.stdout.fnmatch_lines(["*a bare @pytest.mark.contract checks the session's contracts, and there are none*"])

    pytester.makeini("[pytest]\nharness_contracts = strict\n")
    by_ini = pytester.runpytest("-q")
    by_ini.assert_outcomes(passed=2, failed=2)
    by_ini.stdout.fnmatch_lines(
        ["*_ test_clean _*", "  app/strict-chat / chat: body /service_tier_v9: expected present, got missing*"]
    )


def ask_app(pytester) -> Path:
    folder = pytester.path / "apps" / "ask"
    shutil.copytree(ASK_APP, folder, ignore=shutil.ignore_patterns("__pycache__"))
    broken = (folder / "sunset.yaml").read_text().replace("max_calls: 2", "max_calls: 0")
    (folder / "broken.yaml").write_text(broken)
    return folder


def test_scenario_mark_runs_the_file_as_the_test_and_reports_it(pytester):
    ask_app(pytester)
    write(
        pytester,
        """
        import pytest

        @pytest.mark.scenario("apps/ask/sunset.yaml")
        def test_sunset_moves_to_anthropic(scenario_run):
            assert scenario_run.ok and scenario_run.scenario.seed == 7

        @pytest.mark.scenario("apps/ask/broken.yaml")
        def test_a_broken_expectation():
            raise AssertionError("the body must not run when the scenario failed")

        @pytest.mark.scenario("apps/ask/nowhere.yaml")
        def test_a_missing_file():
            pass
    """,
    )
    result = pytester.runpytest("-q", "--strict-markers", "--harness-report", "out")
    result.assert_outcomes(passed=1, failed=1, errors=1)
    result.stdout.fnmatch_lines(
        [
            "*scenario 'ask-openai-sunset' (*broken.yaml) failed: 1 of 8 checks",
            "  ✗ max_calls: 0, *: 1 call(s), at most 0 allowed during steps [[]1[]] (*broken.yaml:20)",
            "      openai: POST /v1/chat/completions -> 410 fault=gone*",
            "*- harness -*",
            "seed 7 (the `seed:` of *broken.yaml)*",
        ]
    )
    result.stdout.fnmatch_lines(["*nowhere.yaml*"])
    assert "the body must not run" not in result.stdout.str()
    assert "scenarios: 1 held, 1 failed" in summary(result)
    assert "fallbacks observed: 2 tests (openai -> anthropic 2)" in summary(result)

    data = json.loads((pytester.path / "out" / "summary.json").read_text())
    assert data["totals"]["scenarios_failed"] == 1 and data["totals"]["scenarios_passed"] == 1
    reports = {t["test"].split("::")[1]: t["scenario"]["report"] for t in data["tests"] if "scenario" in t}
    assert set(reports) == {"test_sunset_moves_to_anthropic", "test_a_broken_expectation"}
    for folder in reports.values():
        assert {p.name for p in Path(folder).iterdir()} == {"report.json", "junit.xml", "report.md", "report.html"}


# --- seeds, xdist, the summary --------------------------------------------------------------------

SEEDED_SUITE = f"""
    import json, os, pathlib, pytest

    def keep(request, **facts):
        out = pathlib.Path(os.environ["SEEDS_OUT"])
        out.mkdir(exist_ok=True)
        (out / (request.node.name + ".json")).write_text(json.dumps(facts))

    @pytest.mark.parametrize("n", range(4))
    def test_ids_follow_the_seed(request, n, harness_seed, openai_double):
        chat = openai_double.client(max_retries=0).chat.completions.create({ASK})
        keep(request, seed=harness_seed, id=chat.id)

    @pytest.mark.chaos("outage", provider="openai", probability=0.5)
    def test_probable_faults_follow_the_seed(request, openai_double, journal):
        client = openai_double.client(max_retries=0)
        for _ in range(12):
            try:
                client.chat.completions.create({ASK})
            except Exception:
                pass
        keep(request, statuses=[x.status for x in journal])
"""


def seeds_of(pytester, monkeypatch, *args: str, outcomes: dict | None = None) -> dict[str, dict]:
    """Run the suite; what each test of SEEDED_SUITE saw, by test name."""
    out = pytester.path / f"seeds-{len(list(pytester.path.glob('seeds-*')))}"
    monkeypatch.setenv("SEEDS_OUT", str(out))
    pytester.runpytest("-q", *args).assert_outcomes(**(outcomes or {"passed": 5}))
    return {p.stem: json.loads(p.read_text()) for p in out.iterdir()}


def test_seeds_are_derived_per_test_and_repeat_from_run_to_run(pytester, monkeypatch):
    from harness.testid import seed_for

    write(pytester, SEEDED_SUITE)
    first = seeds_of(pytester, monkeypatch)
    assert first == seeds_of(pytester, monkeypatch)
    assert first["test_ids_follow_the_seed[0]"]["seed"] == seed_for(0, "test_app.py::test_ids_follow_the_seed[0]")
    assert len({facts["id"] for name, facts in first.items() if "id" in facts}) == 4
    statuses = first["test_probable_faults_follow_the_seed"]["statuses"]
    assert 200 in statuses and 503 in statuses

    other = seeds_of(pytester, monkeypatch, "--harness-seed", "11")
    assert other["test_ids_follow_the_seed[0]"]["seed"] == seed_for(11, "test_app.py::test_ids_follow_the_seed[0]")
    assert other["test_ids_follow_the_seed[0]"]["id"] != first["test_ids_follow_the_seed[0]"]["id"]


def test_the_seed_of_a_failed_test_is_in_its_report_and_reproduces_it(pytester):
    from harness.testid import seed_for

    write(
        pytester,
        """
        def test_fails(harness_seed):
            assert harness_seed < 0
    """,
    )
    result = pytester.runpytest("-q", "--harness-seed", "42")
    seed = seed_for(42, "test_app.py::test_fails")
    result.stdout.fnmatch_lines(
        [
            "*- harness -*",
            f"seed {seed} (derived from --harness-seed 42 and the test id); "
            f"rerun it alone with: pytest 'test_app.py::test_fails' --harness-seed 42",
        ]
    )
    pytester.makeini("[pytest]\nharness_seed = 42\n")
    pytester.runpytest("-q").stdout.fnmatch_lines([f"seed {seed} (derived from --harness-seed 42 and the test id)*"])
    chosen = pytester.runpytest("-q", "--harness-seed", "random")
    line = next(line for line in chosen.outlines if "rerun it alone with" in line)
    picked = int(line.rsplit(" ", 1)[1])
    assert f"seed {seed_for(picked, 'test_app.py::test_fails')} " in line
    assert f"base seed {picked} (rerun with --harness-seed {picked})" in summary(chosen)


def test_under_xdist_seeds_repeat_each_worker_has_its_own_proxies_and_the_controller_sums_up(pytester, monkeypatch):
    contracts_dir(pytester)
    write(pytester, SEEDED_SUITE, name="test_seeded")
    write(pytester, CHAOS_SUITE)
    write(pytester, CONTRACT_SUITE, name="test_contracts")
    write(
        pytester,
        """
        import os

        def test_proxy_names_are_per_worker(toxiproxy, openai_double):
            proxy = toxiproxy.hop(openai_double)
            assert proxy.name == "openai_" + os.environ["PYTEST_XDIST_WORKER"]

        def test_fallback(openai_double, anthropic_double, chaos):
            chaos.inject("outage", provider="openai")
            try:
                openai_double.client(max_retries=0).models.list()
            except Exception:
                anthropic_double.client(max_retries=0).models.list()
    """,
        name="test_workers",
    )
    monkeypatch.setenv("SEEDS_OUT", str(pytester.path / "seeds-xdist"))
    # Unrelated plugins blocked: each worker is a fresh interpreter, and they only add start-up time.
    result = pytester.runpytest(
        "-p", "xdist", "-n", "2", "-q", "--harness-report", "out", "-p", "no:schemathesis", "-p", "no:hypothesispytest"
    )
    result.assert_outcomes(passed=16, failed=3)
    text = summary(result)
    assert "19 tests used the harness" in text
    assert "violations: 2 in 2 tests" in text
    assert "fallbacks observed: 1 test (openai -> anthropic 1)" in text
    data = json.loads((pytester.path / "out" / "summary.json").read_text())
    assert data["totals"]["tests"] == 19 and data["totals"]["violations"] == 2

    in_workers = {p.stem: json.loads(p.read_text()) for p in (pytester.path / "seeds-xdist").iterdir()}
    in_one_process = seeds_of(pytester, monkeypatch, "test_seeded.py")
    assert in_workers == in_one_process


def test_the_summary_appears_only_in_runs_that_used_the_harness(pytester):
    write(
        pytester,
        """
        def test_plain():
            assert 1 + 1 == 2
    """,
    )
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=1)
    assert "harness" not in result.stdout.str()

    write(
        pytester,
        """
        def test_uses_a_double(openai_double):
            openai_double.client(max_retries=0).models.list()
    """,
        name="test_double",
    )
    used = summary(pytester.runpytest("-q"))
    assert used.splitlines()[1:] == [
        "1 test used the harness; 1 exchange with provider doubles; base seed 0 (rerun with --harness-seed 0)",
        "faults injected: 0 calls acted on",
        "contracts checked: none (use --harness-contracts or @pytest.mark.contract)",
        "fallbacks observed: 0 tests",
    ]


# --- options and start-up -------------------------------------------------------------------------


def test_options_markers_and_bad_values_are_explained(pytester):
    helped = pytester.runpytest("--help")
    helped.stdout.fnmatch_lines(
        [
            "*--harness-seed=N*",
            "*--harness-contracts=PATH*",
            "*--harness-report=DIR*",
            "*--harness-record-mode=MODE*",
            "*--harness-toxiproxy-url=URL*",
            "*--harness-allow-network*",
            "*--harness-allowed-hosts=HOSTS*",
            "*harness_seed (string)*",
            "*harness_contracts (paths)*",
            "*harness_block_network (bool)*",
            "*harness_allowed_hosts (args)*",
        ]
    )
    markers = pytester.runpytest("--markers")
    markers.stdout.fnmatch_lines(
        [
            "@pytest.mark.chaos(fault, **params):*together=True*optional=True",
            "@pytest.mark.contract(*paths, expect_violations=*):*",
            "@pytest.mark.scenario(path):*",
        ]
    )
    bad = pytester.runpytest("--harness-seed", "seven")
    bad.stderr.fnmatch_lines(["*--harness-seed must be a whole number or 'random', not 'seven'*"])
    mode = pytester.runpytest("--harness-record-mode", "sometimes")
    mode.stderr.fnmatch_lines(["*invalid choice: 'sometimes'*"])


def test_record_modes_are_the_cassette_modes():
    from harness.cassettes import RECORD_MODES
    from harness.pytest_plugin import RECORD_MODES as PLUGIN_MODES

    assert PLUGIN_MODES == RECORD_MODES


def test_loading_the_plugin_imports_nothing_heavy():
    probe = (
        "import sys, pytest; before = set(sys.modules); import harness.pytest_plugin; "
        "print('\\n'.join(sorted(set(sys.modules) - before)))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    heavy = [
        m
        for m in loaded
        if m.split(".")[0]
        in (
            "httpx",
            "httpx2",
            "openai",
            "anthropic",
            "google",
            "vcr",
            "jsonschema",
            "uvicorn",
            "starlette",
            "yaml",
            "toxiproxy",
        )
        or m.startswith(("harness.double", "harness.chaos", "harness.contracts", "harness.cassettes"))
    ]
    assert heavy == []


# --- the library under the plugin -----------------------------------------------------------------


def test_a_seed_is_a_stable_hash_of_the_base_and_the_test_id():
    from harness.testid import folder_name, seed_for

    assert seed_for(0, "tests/test_x.py::test_y") == seed_for(0, "tests/test_x.py::test_y")
    assert seed_for(0, "tests/test_x.py::test_y") != seed_for(1, "tests/test_x.py::test_y")
    assert seed_for(0, "a") == 1172215386  # fixed forever: a recorded seed must reproduce
    assert folder_name("t.py::a/b") != folder_name("t.py::a_b")


def test_chaos_ids_show_only_what_tells_faults_of_one_name_apart():
    from harness.marks import FaultSpec, spec_ids

    specs = [
        FaultSpec("outage", {"provider": "openai"}),
        FaultSpec("outage", {"provider": "openai", "status": 502}),
        FaultSpec("gone", {"provider": "openai"}),
    ]
    assert spec_ids(specs) == ["outage", "outage-status=502", "gone"]


def test_a_fallback_is_a_success_after_another_provider_failed():
    from harness.tally import fallbacks

    def x(provider: str, status: int | None) -> Exchange:
        return Exchange(
            request=Request(),
            provider=provider,
            response=Response(status=status) if status else None,
            error=None if status else "reset",
        )

    assert fallbacks([x("openai", 200), x("anthropic", 200)]) == []
    assert fallbacks([x("openai", 503), x("openai", 200)]) == []
    assert fallbacks([x("openai", None), x("anthropic", 429), x("gemini", 200)]) == [
        "openai -> gemini",
        "anthropic -> gemini",
    ]
