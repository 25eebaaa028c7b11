"""The Console area's payload editor: the text to send, checked as JSON as you type, with the payloads
sent before (history) and the project's saved payloads (`payloads/`) to start from.

"Raw text" turns the check off on purpose, to send what is typed as it is (a text frame that is not
JSON), and see what the service, or API Gateway's route selection, makes of it. The line beside it
says why a send was refused, next to the text it concerns."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Label, Select, TextArea

from wstui.cli.verbatim import verbatim
from wstui.core.console import JsonCheck, check_json, saved_payloads

HISTORY = 100


class PayloadArea(TextArea):
    """Textual's TextArea without its f6 (select the line): f6 is the Load area's key, and an area's key
    works wherever the focus is."""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "select_line" and super().check_action(action, parameters)


class PayloadEditor(Vertical):
    def __init__(self, project_dir: Path | None, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.saved = {p.name: p for p in saved_payloads(project_dir)} if project_dir else {}
        self.history: list[str] = []
        self.position = 0
        """Where ctrl+up/down stand in the history; len(history) is the draft being typed."""
        self.draft = ""

    def compose(self) -> ComposeResult:
        with Horizontal(id="payload-bar"):
            options = [(verbatim(name), name) for name in self.saved]
            yield Select(options, prompt="Saved payloads", id="saved", allow_blank=True,
                         tooltip="Load a file of the project's payloads/ directory into the editor.")
            yield Checkbox("Raw text", id="raw", tooltip="Send the text as typed, JSON or not (f8).")
            yield Label("", id="json-check")
        yield PayloadArea(id="payload", soft_wrap=True, tab_behavior="focus",
                       tooltip="The message to send: ctrl+s sends it to the selected session.")

    def on_mount(self) -> None:
        self.query_one(TextArea).border_title = "Payload"
        self.show_check()

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    def load(self, text: str) -> None:
        self.query_one(TextArea).load_text(text)
        self.show_check()

    @property
    def raw(self) -> bool:
        return self.query_one("#raw", Checkbox).value

    def toggle_raw(self) -> None:
        checkbox = self.query_one("#raw", Checkbox)
        checkbox.value = not checkbox.value

    def sendable(self) -> bool:
        """JSON, or anything at all in raw mode."""
        return self.raw or self.check().valid

    def check(self) -> JsonCheck:
        return check_json(self.text)

    def refuse(self, reason: str) -> None:
        """Why the text was not sent, beside it."""
        self.query_one("#json-check", Label).update(verbatim(f"not sent: {reason}", "bold red"))

    def show_check(self, refused: bool = False) -> None:
        """The JSON check under way; `refused` when a send was just refused for it."""
        label = self.query_one("#json-check", Label)
        if not self.text.strip():
            label.update(Text("empty", style="dim"))
            return
        if self.raw:
            label.update(Text("raw text: sent as typed, unchecked", style="yellow"))
            return
        check = self.check()
        if check.valid:
            label.update(Text("✓ valid JSON", style="green"))
        else:
            prefix = "not sent: " if refused else "✗ "
            label.update(verbatim(f"{prefix}{check}", "bold red" if refused else "red"))

    def on_text_area_changed(self, _event: TextArea.Changed) -> None:
        self.show_check()

    def on_checkbox_changed(self, _event: Checkbox.Changed) -> None:
        self.show_check()

    def on_select_changed(self, event: Select.Changed) -> None:
        payload = self.saved.get(str(event.value)) if event.value is not Select.NULL else None
        if payload is not None:
            self.load(payload.text.removesuffix("\n"))
            self.query_one(TextArea).focus()

    def remember(self, text: str) -> None:
        """A payload just sent becomes the newest history entry (once, if sent twice in a row)."""
        if not self.history or self.history[-1] != text:
            self.history = [*self.history, text][-HISTORY:]
        self.position = len(self.history)

    def step(self, offset: int) -> None:
        """Move through the history: -1 is older, 1 newer; past the newest is the draft again."""
        if self.position == len(self.history):
            self.draft = self.text
        position = max(0, min(self.position + offset, len(self.history)))
        if position == self.position:
            return
        self.position = position
        self.load(self.history[position] if position < len(self.history) else self.draft)
