"""Load and fan-out testing of a WebSocket API: many clients, paced handshakes, messages matched to
every copy delivered. No UI here: `LoadRun` reports `LoadEvent`s through a callback and returns a
`LoadReport`; the CLI renders them with Rich, the app as charts.

    plan = LoadPlan(ConnectionTarget("ws://127.0.0.1:3001/v1"), connections=50, rate=25, duration=5)
    report = LoadRun(plan, on_event=print).run()
"""

from wstui.core.load.events import LoadEvent, LoadFinished, LoadSnapshot, LoadStarted, LoadStopping
from wstui.core.load.kinds import ErrorKind
from wstui.core.load.payload import PayloadTemplate
from wstui.core.load.plan import DEFAULT_PAYLOAD, Audience, LoadPlan, Thresholds
from wstui.core.load.report import Bucket, LoadReport, Percentiles, StopReason, ThresholdResult
from wstui.core.load.run import LoadError, LoadRun
from wstui.core.load.scenario import Scenario, load_scenario

__all__ = [
    "DEFAULT_PAYLOAD",
    "Audience",
    "Bucket",
    "ErrorKind",
    "LoadError",
    "LoadEvent",
    "LoadFinished",
    "LoadPlan",
    "LoadReport",
    "LoadRun",
    "LoadSnapshot",
    "LoadStarted",
    "LoadStopping",
    "Percentiles",
    "PayloadTemplate",
    "Scenario",
    "StopReason",
    "ThresholdResult",
    "Thresholds",
    "load_scenario",
]
