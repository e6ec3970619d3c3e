"""`harness exposure`: every place a code base depends on an AI provider.

    inventory = scan(["src/", "config/"])
    for finding in inventory.findings:
        print(finding.where, finding.provider, finding.route, finding.model)

Python is read through its syntax tree (never run): clients of the official
SDKs and the calls made on them, raw HTTP calls to a provider's hosts, and
model ids, resolved where the code says them (a literal, a module constant,
the default of `os.getenv`). Config files (YAML, JSON, TOML, `.env`) are read
line by line for provider URLs and model ids. Each finding is then assessed
against the model catalogue (lifecycle), the repository's contracts (is the
route covered?) and its scenarios and chaos marks (which faults rehearse it).
"""

from harness.exposure.finding import Finding, Inventory
from harness.exposure.scan import scan

__all__ = ["Finding", "Inventory", "scan"]
