"""wstui: build, run locally, deploy and talk to API Gateway WebSocket services from one terminal tool."""

__version__ = "0.1.0"
