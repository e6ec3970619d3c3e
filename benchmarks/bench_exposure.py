"""`harness exposure` files per second on a generated code base of 2,000 Python files.

Baseline, same run, same files: reading each file and `ast.parse` alone, the floor
any syntax-tree scanner stands on. The goal is the whole tree in under 5 s on 2 cores.
"""

from __future__ import annotations

import ast
import tempfile
import time
from datetime import date
from pathlib import Path

from harness.exposure import scan

FILES = 2_000

# A file of a typical service: imports, a client, a constant model, calls and unrelated code.
_TEMPLATES = (
    'import os\nfrom openai import OpenAI\n\nMODEL = os.getenv("MODEL", "gpt-4o-mini")\nclient = OpenAI()\n\n\n'
    "def ask_{n}(q):\n    return client.chat.completions.create(model=MODEL, messages=[{{'role': 'user', 'content': q}}])\n",
    "from anthropic import Anthropic\n\n\nclass Writer{n}:\n    def __init__(self):\n        self.client = Anthropic()\n\n"
    "    def write(self, text):\n        return self.client.messages.create(model='claude-sonnet-4-5', max_tokens=64, "
    "messages=[{{'role': 'user', 'content': text}}])\n",
    "import httpx\n\nURL = 'https://api.openai.com/v1/embeddings'\n\n\ndef embed_{n}(text):\n"
    "    return httpx.post(URL, json={{'model': 'text-embedding-3-small', 'input': text}})\n",
    "import json\nimport math\n\n\ndef area_{n}(r):\n    return math.pi * r * r\n\n\n"
    "def dump_{n}(data):\n    return json.dumps(sorted(data.items()))\n"
    + "\n".join(f"X{i} = {i} * 2" for i in range(40))
    + "\n",
)


def _tree(root: Path) -> None:
    for n in range(FILES):
        folder = root / f"pkg{n // 100}"
        folder.mkdir(exist_ok=True)
        (folder / f"module_{n}.py").write_text(_TEMPLATES[n % len(_TEMPLATES)].format(n=n))


def run() -> list[dict]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        _tree(root)
        start = time.perf_counter()
        inventory = scan([root], on=date(2026, 12, 1))
        ours = time.perf_counter() - start
        start = time.perf_counter()
        for path in sorted(root.rglob("*.py")):
            ast.parse(path.read_text(encoding="utf-8"))
        baseline = time.perf_counter() - start
    return [
        {
            "measure": f"files scanned/s ({FILES} Python files, {len(inventory.findings)} findings, {ours:.2f} s in all)",
            "value": FILES / ours,
            "unit": "files/s",
            "baseline": "read + ast.parse only",
            "baseline_value": FILES / baseline,
            "ratio": baseline / ours,
        }
    ]
