"""The plugin's verdicts cannot pass a rehearsal that did not happen: a fault
that never acted fails its test (unless `optional=True`), `chaos.expect_acted`
and `expect_violations` make a fault or a violation the test must produce,
`contract_check()` hands the test its Verification, and `together=True`
combines the faults of chaos marks in one run. Driven through `pytester`."""

from __future__ import annotations

from test_pytest_plugin import ASK, _modules_the_runs_share, contracts_dir, summary, write

import harness.expected_violations  # noqa: F401  (imported once: see test_pytest_plugin's imports)

__all__ = ["_modules_the_runs_share"]  # its module-scoped fixture serves a double once for these runs too


NEVER_ACTED = f"""
    import pytest

    def test_a_route_typo(openai_double, chaos):
        chaos.inject("rate_limit", provider="openai", route="POST /v1/chat/completion")
        openai_double.client(max_retries=0).chat.completions.create({ASK})

    @pytest.mark.chaos("rate_limit", provider="openai", route="POST /v1/chat/completion")
    def test_a_route_typo_in_a_mark(openai_double):
        openai_double.client(max_retries=0).chat.completions.create({ASK})

    @pytest.mark.chaos("gone", provider="openai", at=30)
    def test_a_window_the_clock_never_reached(openai_double):
        openai_double.client(max_retries=0).chat.completions.create({ASK})

    @pytest.mark.chaos("outage", provider="anthropic")
    def test_a_provider_never_called(openai_double):
        openai_double.client(max_retries=0).models.list()

    @pytest.mark.chaos("outage", provider="anthropic", optional=True)
    def test_an_optional_fault_in_a_mark(openai_double):
        openai_double.client(max_retries=0).models.list()

    def test_an_optional_injection(openai_double, chaos):
        chaos.inject("outage", provider="openai", route="POST /v1/videos", optional=True)
        openai_double.client(max_retries=0).models.list()

    def test_a_failing_test_says_it_too(openai_double, chaos):
        chaos.inject("outage", provider="openai", route="POST /v1/videos")
        assert False, "its own failure"
"""


def test_a_fault_that_never_acted_fails_the_test_naming_it_its_route_and_why(pytester):
    write(pytester, NEVER_ACTED)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=2, failed=5)
    result.stdout.fnmatch_lines(
        [
            "*_ test_a_route_typo _*",
            "test_app.py::test_a_route_typo: set up, but never happened:",
            "  rate_limit on POST /v1/chat/completion (provider openai) never acted: no call matched it; "
            "no openai route is like it (did you mean POST /v1/chat/completions?)",
            "(optional=True on a fault or answer that may rightly go unused)",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "test_app.py::test_a_route_typo_in_a_mark: set up, but never happened:",
            "  rate_limit on POST /v1/chat/completion (provider openai) never acted: no call matched it;*",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "  gone on every route (provider openai) never acted: 1 call matched it, "
            "but its schedule (at=30) chose none of them",
        ]
    )
    result.stdout.fnmatch_lines(
        ["  outage on every route (provider anthropic) never acted: the test made no anthropic double"]
    )
    result.stdout.fnmatch_lines(
        [
            "*its own failure*",
            "*- harness rehearsal -*",
            "*  outage on POST /v1/videos (provider openai) never acted: no call matched it",
        ]
    )
    assert "Traceback" not in result.stdout.str()


EXPECTED_FAULTS = f"""
    import pytest

    def test_met(openai_double, chaos):
        chaos.inject("rate_limit", provider="openai", first=2, retry_after=0)
        chaos.expect_acted("rate_limit", provider="openai", times=2)
        openai_double.client(max_retries=2).chat.completions.create({ASK})

    def test_acted_too_few_times(openai_double, chaos):
        chaos.inject("rate_limit", provider="openai", first=1, retry_after=0)
        chaos.expect_acted("rate_limit", times=2)
        openai_double.client(max_retries=2).chat.completions.create({ASK})

    def test_on_another_provider(openai_double, anthropic_double, chaos):
        chaos.inject("outage", provider="openai", optional=True)
        chaos.expect_acted("outage", provider="anthropic")
        try:
            openai_double.client(max_retries=0).models.list()
        except Exception:
            pass

    def test_never_injected(openai_double, chaos):
        chaos.expect_acted("outage")
        openai_double.client(max_retries=0).models.list()

    def test_an_unknown_name_is_said_at_once(chaos):
        with pytest.raises(Exception, match="unknown fault 'outag'; did you mean 'outage'"):
            chaos.expect_acted("outag")
"""


def test_expect_acted_makes_a_fault_the_test_must_see_act(pytester):
    write(pytester, EXPECTED_FAULTS)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=2, failed=3)
    result.stdout.fnmatch_lines(
        [
            "  expected rate_limit to act on 2 calls; it acted on 1 call: POST /v1/chat/completions (call 1)",
        ]
    )
    result.stdout.fnmatch_lines(["  expected outage (provider anthropic) to act; it never acted"])
    result.stdout.fnmatch_lines(["  expected outage to act, but no outage fault was injected"])


TOGETHER = f"""
    import openai, pytest

    @pytest.mark.chaos("deprecated", provider="openai", sunset=30, together=True)
    @pytest.mark.chaos(["outage", "rate_limit"], provider="openai")
    def test_each_failure_with_the_deprecation_on(openai_double, journal):
        with pytest.raises(openai.APIStatusError):
            openai_double.client(max_retries=0).chat.completions.create({ASK})
        assert "deprecated" in journal[0].fault.split(",")
        assert journal[0].response.header("deprecation")

    @pytest.mark.chaos("deprecated", provider="openai", together=True)
    @pytest.mark.chaos("drift", provider="openai", pointer="/id", op="remove", together=True)
    def test_stacked_marks_in_one_run(openai_double, chaos):
        openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})
        assert chaos.acted() == {{"deprecated": 1, "drift": 1}}

    @pytest.mark.chaos(["deprecated", "refusal"], provider="openai", together=True)
    def test_a_list_in_one_run(openai_double, chaos):
        openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})
        assert chaos.acted() == {{"deprecated": 1, "refusal": 1}}

    @pytest.mark.chaos("outage", together="yes")
    def test_together_is_a_bool():
        pass
"""


def test_together_combines_the_faults_of_chaos_marks_in_one_run(pytester):
    write(pytester, TOGETHER)
    collected = pytester.runpytest("--co", "-q")
    collected.stdout.fnmatch_lines(
        [
            "test_app.py::test_each_failure_with_the_deprecation_on[[]outage[]]",
            "test_app.py::test_each_failure_with_the_deprecation_on[[]rate_limit[]]",
            "test_app.py::test_stacked_marks_in_one_run",
            "test_app.py::test_a_list_in_one_run",
            "test_app.py::test_together_is_a_bool",
            "5 tests collected*",
        ]
    )
    result = pytester.runpytest("-q", "--strict-markers")
    result.assert_outcomes(passed=4, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.chaos: together is True or False, not 'yes'*"])
    assert "deprecated 4" in summary(result)


EXPECTED_VIOLATIONS = f"""
    import pytest

    FINISH = dict(provider="openai", pointer="/choices/0/finish_reason", op="enum", to="paused")

    @pytest.mark.contract("contracts/chat.yaml", expect_violations=["/choices/0/finish_reason"])
    @pytest.mark.chaos("drift", **FINISH)
    def test_the_contract_notices_the_drift(openai_double, contract_check):
        openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})
        verification = contract_check()
        assert [(v.location, v.pointer) for v in verification.violations] == [("body", "/choices/0/finish_reason")]
        assert verification.checked == 1

    @pytest.mark.contract("contracts/chat.yaml", expect_violations="/choices/0/finish_reason")
    def test_an_expected_violation_that_did_not_happen(openai_double):
        openai_double.client(max_retries=0).chat.completions.create({ASK})

    @pytest.mark.contract("contracts/chat.yaml", expect_violations=["/choices/0/finish_reason"])
    @pytest.mark.chaos("drift", provider="openai", pointer="/choices/0/message/role", op="remove")
    def test_an_unexpected_violation_still_fails(openai_double):
        openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})

    @pytest.mark.contract("contracts/chat.yaml", expect_violations=[3])
    def test_a_bad_expectation(openai_double):
        pass

    @pytest.mark.contract("contracts/chat.yaml")
    @pytest.mark.chaos("drift", provider="openai", pointer="/choices/0/message/role", op="remove", together=True)
    @pytest.mark.chaos("outage", provider="anthropic", together=True)
    def test_a_violation_and_an_idle_fault_are_both_said(openai_double):
        openai_double.client(max_retries=0).with_raw_response.chat.completions.create({ASK})

    def test_no_contract_applies(openai_double, contract_check):
        openai_double.client(max_retries=0).models.list()
        assert contract_check() is None
"""


def test_expect_violations_makes_a_violation_the_test_must_produce(pytester):
    contracts_dir(pytester)
    write(pytester, EXPECTED_VIOLATIONS)
    result = pytester.runpytest("-q", "--strict-markers")
    result.assert_outcomes(passed=2, failed=4)
    result.stdout.fnmatch_lines(
        [
            "*_ test_a_violation_and_an_idle_fault_are_both_said _*",
            "contract violated: 1 violation in 1 exchange checked against openai/chat-completions",
            "  openai/chat-completions / create a chat completion: body /choices/0/message/role: *",
            "test_app.py::test_a_violation_and_an_idle_fault_are_both_said: set up, but never happened:",
            "  outage on every route (provider anthropic) never acted: the test made no anthropic double",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_an_expected_violation_that_did_not_happen _*",
            "expected a contract violation containing '/choices/0/finish_reason'; "
            "none of the 0 found in 1 exchange checked contains it",
        ]
    )
    result.stdout.fnmatch_lines(
        [
            "*_ test_an_unexpected_violation_still_fails _*",
            "contract violated: 1 violation in 1 exchange checked against openai/chat-completions",
            "  openai/chat-completions / create a chat completion: body /choices/0/message/role: *",
            "expected a contract violation containing '/choices/0/finish_reason'; none of the 1 found*",
            "  found: openai/chat-completions / create a chat completion: body /choices/0/message/role: *",
        ]
    )
    result.stdout.fnmatch_lines(["*contracts: @pytest.mark.contract: expect_violations is a list of texts*"])
