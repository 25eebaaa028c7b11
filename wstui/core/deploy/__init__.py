"""Package, plan, execute: the deploy engine. Every step yields typed events (see `events.py`)."""
