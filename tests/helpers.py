"""Plain helpers shared by test modules (conftest.py files are fixtures only: there are two of
them, and importing one by name picks whichever pytest loaded first)."""
from __future__ import annotations

import json
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEMO_ARTICLES = REPO / "index_data" / "articles"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n", encoding="utf-8")
    return path
