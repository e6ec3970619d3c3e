"""One module per toxic; importing this package registers them all."""

from harness.chaos.toxiproxy.toxics import bandwidth, latency, limit_data, noop, reset_peer, slicer, slow_close, timeout  # noqa: F401
