"""`harness.double` gives its public names on first use: importing the package (as every
provider module does, for `double.call`) does not import the app, its server or its
transports, and a wrong name fails as it does for any module."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import harness.double

# Every package that gives its names on first use (`harness.lazy_names`).
LAZY = ["harness.double", "harness.contracts"]


@pytest.mark.parametrize("package", LAZY)
def test_each_lazy_package_names_a_home_for_exactly_its_public_names(package):
    module = importlib.import_module(package)
    assert sorted(module.__all__) == sorted(module._HOMES)
    for name in module.__all__:
        assert getattr(module, name).__module__ == f"{package}.{module._HOMES[name]}", name
    assert set(module.__all__) <= set(dir(module))
    with pytest.raises(AttributeError, match=rf"module '{package}' has no attribute 'Misspelt'"):
        _ = module.Misspelt


def test_every_public_name_resolves_to_its_home_module():
    from harness.double import app, call, clock, server, transport

    assert sorted(harness.double.__all__) == sorted(harness.double._HOMES)
    for name in harness.double.__all__:
        value = getattr(harness.double, name)
        assert value.__module__.startswith("harness.double."), name
    assert harness.double.Double is app.Double
    assert harness.double.Reply is call.Reply
    assert harness.double.VirtualClock is clock.VirtualClock
    assert harness.double.serve is server.serve
    assert harness.double.sync_transport is transport.sync_transport
    assert set(harness.double.__all__) <= set(dir(harness.double))


def test_a_wrong_name_fails_clearly():
    with pytest.raises(AttributeError, match=r"module 'harness\.double' has no attribute 'Dubble'"):
        _ = harness.double.Dubble  # type: ignore[attr-defined]
    with pytest.raises(ImportError, match=r"cannot import name 'Dubble' from 'harness\.double'"):
        from harness.double import Dubble  # type: ignore[attr-defined]  # noqa: F401


def test_submodules_still_import_by_name():
    from harness.double import media

    assert media.__name__ == "harness.double.media"


def test_a_provider_record_does_not_import_the_double_app():
    code = (
        "import sys\n"
        "from harness import providers\n"
        "providers.registered()\n"
        "print(sorted(m for m in ('harness.double.app', 'harness.double.server', 'harness.double.transport',"
        " 'starlette', 'uvicorn') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
