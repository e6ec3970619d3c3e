"""`harness readiness`: could we leave this provider tomorrow?

For each capability the app's contracts name (`capability: text-to-video`):
which providers it has a contract with, and whether each was verified
(against cassettes, or against a double's journal in a chaos run); which bad
days of the primary provider were rehearsed in the latest chaos reports and
whether they held, above all the ones that take it away (gone, a retired
model, an outage, the network down); and the announced shutdown dates, with
the days left. A verdict per capability (ready, at risk, not ready) says why.
"""

from harness.readiness.assess import assess
from harness.readiness.model import Capability, Evidence, Readiness, Rehearsal

__all__ = ["Capability", "Evidence", "Readiness", "Rehearsal", "assess"]
