"""The change catalogue. Importing this package registers every kind (see registry.py);
the order here is the order the units run in and docs/diff.md lists them."""

# isort: skip_file
from harness.diff.kinds import routes  # noqa: F401
from harness.diff.kinds import bodies  # noqa: F401
from harness.diff.kinds import statuses  # noqa: F401
from harness.diff.kinds import content  # noqa: F401
from harness.diff.kinds import headers  # noqa: F401
from harness.diff.kinds import events  # noqa: F401
from harness.diff.kinds import response_fields  # noqa: F401
from harness.diff.kinds import request_fields  # noqa: F401
from harness.diff.kinds import enums  # noqa: F401
from harness.diff.kinds import defaults  # noqa: F401
from harness.diff.kinds import deprecated_fields  # noqa: F401
from harness.diff.kinds import discriminators  # noqa: F401
from harness.diff.kinds import constraints  # noqa: F401
from harness.diff.kinds import depth  # noqa: F401
