"""Where the app's entry point is, for AppTest.from_file (relative paths resolve from the caller)."""

from pathlib import Path

APP_PATH = str(Path(__file__).resolve().parents[2] / "app.py")
