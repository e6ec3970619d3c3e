"""The network outside loopback is blocked while a test uses provider doubles:
a client left on a provider's real base URL fails naming the host, and the
test fails even when the app swallowed the error; loopback, in-process
transports, served doubles and the embedded Toxiproxy keep working; the
option, the ini keys and recording a cassette turn it off."""

from __future__ import annotations

import socket

import pytest
from test_pytest_plugin import _modules_the_runs_share, write

import harness.network_block  # noqa: F401  (imported once: see test_pytest_plugin's imports)
from harness.network_block import NetworkBlock, NetworkBlocked, is_loopback

__all__ = ["_modules_the_runs_share"]  # its module-scoped fixture serves a double once for these runs too

BLOCKED = """
    import _socket, socket, httpx, openai, pytest
    from harness.network_block import NetworkBlocked

    def test_a_client_left_on_the_real_base_url(openai_double):
        with pytest.raises(NetworkBlocked, match=r"tried to reach api\\.openai\\.com:443 "
                                                 r"\\(openai's real API; the test's double is openai_double\\)"):
            openai.OpenAI(api_key="sk-test", max_retries=0).models.list()

    def test_an_app_that_swallows_the_error_still_fails(openai_double, anthropic_double):
        try:
            openai.OpenAI(api_key="sk-test", max_retries=0).models.list()
        except Exception:
            anthropic_double.client(max_retries=0).models.list()     # a fallback, green for the wrong reason

    def test_any_outside_address(openai_double):
        with pytest.raises(NetworkBlocked, match="tried to reach 192.0.2.1:80"):
            socket.create_connection(("192.0.2.1", 80))

    def test_loopback_in_process_served_and_through_toxiproxy(openai_double, toxiproxy):
        key = {"authorization": "Bearer k"}
        assert openai_double.client(max_retries=0).models.list().data
        assert httpx.get(openai_double.url + "/v1/models", headers=key).status_code == 200
        port = openai_double.url.rsplit(":", 1)[1]
        assert httpx.get(f"http://localhost:{port}/v1/models", headers=key).status_code == 200
        assert httpx.get(toxiproxy.hop(openai_double).url + "/v1/models", headers=key).status_code == 200

    def test_a_test_without_doubles_is_not_blocked():
        assert socket.socket.connect is _socket.socket.connect
"""


def test_a_test_with_doubles_cannot_reach_outside_hosts_and_fails_when_it_tried(pytester):
    write(pytester, BLOCKED)
    result = pytester.runpytest("-q")
    result.assert_outcomes(passed=2, failed=3)  # the first and third fail too: they tried
    result.stdout.fnmatch_lines(
        [
            "*_ test_an_app_that_swallows_the_error_still_fails _*",
            "test_app.py::test_an_app_that_swallows_the_error_still_fails: tried to reach api.openai.com:443 "
            "while the network is blocked (a test with provider doubles talks to them only): "
            "a client not pointed at a double?",
        ]
    )
    result.stdout.fnmatch_lines(["*_ test_any_outside_address _*", "*: tried to reach 192.0.2.1:80 while*"])


TURNED_OFF = """
    import _socket, socket

    def test_unblocked(openai_double):
        assert socket.socket.connect is _socket.socket.connect and socket.getaddrinfo.__module__ == "socket"
"""

ALLOWED_HOST = """
    import socket

    def test_an_allowed_host(openai_double):
        probe = socket.socket()
        probe.settimeout(0.01)
        try:
            probe.connect_ex(("192.0.2.1", 80))       # whatever the network says, the block does not refuse it
        finally:
            probe.close()
"""

RECORDING = """
    import _socket, socket

    def test_recording(openai_double, cassette):
        assert socket.socket.connect is _socket.socket.connect
"""


def test_the_option_the_ini_keys_and_recording_let_the_network_through(pytester):
    write(pytester, TURNED_OFF)
    pytester.runpytest("-q").assert_outcomes(failed=1)
    pytester.runpytest("-q", "--harness-allow-network").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nharness_block_network = false\n")
    pytester.runpytest("-q").assert_outcomes(passed=1)

    write(pytester, ALLOWED_HOST)
    pytester.makeini("[pytest]\n")
    pytester.runpytest("-q").assert_outcomes(failed=1)
    pytester.runpytest("-q", "--harness-allowed-hosts", "example.org,192.0.2.1").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nharness_allowed_hosts = 192.0.2.1\n")
    pytester.runpytest("-q").assert_outcomes(passed=1)

    write(pytester, RECORDING)
    pytester.runpytest("-q").assert_outcomes(failed=1)  # replaying: still blocked
    pytester.runpytest("-q", "--harness-record-mode=once").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("api.localhost", True),
        ("0.0.0.0", True),
        ("::ffff:127.0.0.1", True),
        ("::ffff:10.0.0.1", False),
        ("api.openai.com", False),
        ("10.0.0.1", False),
        ("localhost.example.com", False),
    ],
)
def test_loopback_is_this_machine(host, loopback):
    assert is_loopback(host) is loopback


def test_a_block_refuses_names_and_addresses_keeps_the_attempts_and_nests():
    before = (socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex)
    with NetworkBlock(allowed=["toxiproxy"], hint=lambda host: "a hint", advice="ask") as outer:
        with pytest.raises(NetworkBlocked, match=r"api\.openai\.com:443 \(a hint\).*, or ask$"):
            socket.getaddrinfo("api.openai.com", 443)
        with NetworkBlock() as inner, pytest.raises(NetworkBlocked):
            socket.getaddrinfo("toxiproxy", 8474)  # allowed by the outer block only
        assert socket.getaddrinfo("127.0.0.1", 80)
        with socket.socket() as probe, pytest.raises(NetworkBlocked, match=r"203\.0\.113\.5:443"):
            probe.connect_ex(("203.0.113.5", 443))
    assert (socket.getaddrinfo, socket.socket.connect, socket.socket.connect_ex) == before
    assert outer.attempts == ["api.openai.com:443", "203.0.113.5:443"]
    assert inner.attempts == ["toxiproxy:8474"]
