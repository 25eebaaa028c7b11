"""The Python runtimes AWS Lambda supports: kept here, and nowhere else, with the day they were checked.

From the table of supported runtimes in the Lambda developer guide ("Lambda runtimes"). A runtime
leaves the list on its deprecation date: Lambda then stops creating functions with it soon after.
"""

from __future__ import annotations

CHECKED_ON = "2026-12-04"
PYTHON_RUNTIMES = ("python3.11", "python3.12", "python3.13", "python3.14")
