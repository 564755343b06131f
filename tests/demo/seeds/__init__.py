"""The seed documents the demo record was written from (see test_demo_quotes)."""

from pathlib import Path

SEED_DIR = Path(__file__).parent
