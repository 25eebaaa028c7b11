"""A modal form whose values become one edit of wstui.toml: checked and previewed as you type.

Each keystroke runs the edit on a draft of the file in a worker (`preview_edit`): the side pane shows
what it does to the template, or the error line shows why it would be refused, in the same words as
the CLI. Save runs the same edit on the draft and writes the draft's document once.

The save key (`ctrl+s`, or `enter` in a field) says what the button says (Add, Save, Delete), and
shows in the footer only while the button can be pressed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from wstui.cli.verbatim import verbatim
from wstui.core.errors import ProjectError, UnexpectedError, WstuiError, told
from wstui.core.project.load import ProjectFile
from wstui.core.project.model import Project
from wstui.core.project.stubs import handler_is_missing, write_stub_handler
from wstui.core.template.diff import TemplateDiff, preview_edit
from wstui.tui.footer import AppFooter
from wstui.tui.jump import JUMP
from wstui.tui.running_app import apply_cursor_setting
from wstui.tui.remedies import APP_WORDS, said

Edit = Callable[[ProjectFile], Project]


@dataclass(frozen=True)
class Saved:
    """What a form reports to the screen that opened it."""

    message: str
    diff: TemplateDiff
    route_key: str | None = None
    """The route the change is about, once saved (the Routes area moves its cursor there)."""


def describe_diff(diff: TemplateDiff) -> Text:
    """The diff as lines a user scans: + added, - removed, ~ changed, with resource types."""
    if diff.is_empty:
        return Text("No change to the template.", style="dim")
    text = Text()
    for sign, style, changes in (("+", "green", diff.added), ("-", "red", diff.removed), ("~", "yellow", diff.changed)):
        for change in changes:
            text.append(f"{sign} {change.logical_id}", style=style)
            text.append(f"  {change.resource_type.removeprefix('AWS::')}\n", style="dim")
    return text


def refusal(error: Exception) -> str:
    """Why an edit is refused, without the file path and line that a form does not need; an error
    wstui did not foresee (a bug, troposphere refusing the template) as one sentence, so the form
    says it and the app stays up."""
    if isinstance(error, ProjectError):
        return "\n".join(told(problem.message, problem.remedies, APP_WORDS) for problem in error.problems)
    return said(error if isinstance(error, WstuiError) else UnexpectedError(error))


def save_binding(label: str) -> Binding:
    """The form's save key, named as its button is: a subclass with another label binds its own."""
    return Binding("ctrl+s", "save", label, id="form.save", tooltip="Write the change to wstui.toml (enter in a field too).")


class EditForm(ModalScreen[Saved | None]):
    """Subclasses compose their fields, turn the values into an `Edit`, and may name a handler to stub;
    one whose SAVE_LABEL is not "Save" binds `save_binding(SAVE_LABEL)`."""

    HEADING: ClassVar[str] = ""
    SAVE_LABEL: ClassVar[str] = "Save"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="form.cancel", tooltip="Close the form; wstui.toml is unchanged."),
        save_binding(SAVE_LABEL),
        JUMP,
    ]

    def __init__(self, project_file: ProjectFile) -> None:
        super().__init__()
        self.project_file = project_file
        self.savable = False
        """Whether Save can be pressed now: the last preview accepted the change."""

    def compose(self) -> ComposeResult:
        with Horizontal(id="form-dialog"):
            with Vertical(id="form"):
                yield Label(verbatim(self.HEADING), id="form-heading")
                yield from self.compose_fields()
                yield Static("", id="form-error")
                with Horizontal(id="form-buttons"):
                    yield Button(self.SAVE_LABEL, id="save", variant="primary", tooltip="Write the change (ctrl+s).")
                    yield Button("Create stub handler", id="stub", tooltip="Write the handler function so the route can point at it.")
                    yield Button("Cancel", id="cancel", tooltip="Close; nothing is written (escape).")
            with Vertical(id="form-preview"):
                yield Label("Template preview", classes="pane-title")
                yield Static("", id="preview")
        yield AppFooter()

    def compose_fields(self) -> ComposeResult:
        return iter(())

    def edit(self) -> Edit:
        raise NotImplementedError

    def handler(self) -> str | None:
        """The handler the edit points a route at, if any (for the stub offer)."""
        return None

    def saved_message(self) -> str:
        return "Saved."

    def saved_route(self) -> str | None:
        """The route the saved change leaves in place, for the Routes area's cursor; None for no route."""
        return None

    def is_blank(self) -> bool:
        """True while nothing has been entered yet, so the form does not greet the user with an error."""
        return False

    def on_mount(self) -> None:
        apply_cursor_setting(self)
        self.query_one("#stub").display = False
        self.refresh_preview()

    @on(Input.Changed)
    @on(Checkbox.Changed)
    def refresh_preview(self) -> None:
        if self.is_blank():
            self.query_one("#form-error", Static).update(Text("Fill in the fields; they are checked as you type.", style="dim"))
            self.set_savable(False)
            return
        self.preview(self.edit(), self.handler())

    @work(thread=True, exclusive=True, group="preview")
    def preview(self, edit: Edit, handler: str | None) -> None:
        missing = handler is not None and handler_is_missing(self.project_file.directory, handler)
        try:
            diff = preview_edit(self.project_file, edit).diff
        except Exception as error:  # foreseen or not: refusal() says it, and the app stays up
            self.app.call_from_thread(self.show_preview, None, refusal(error), missing)
            return
        self.app.call_from_thread(self.show_preview, diff, "", missing)

    def show_preview(self, diff: TemplateDiff | None, error: str, missing_handler: bool) -> None:
        self.query_one("#form-error", Static).update(verbatim(error, "bold red"))
        self.query_one("#stub").display = missing_handler
        self.set_savable(not error)
        preview = describe_diff(diff) if diff is not None else Text("Nothing to preview: the change would be refused.", style="dim")
        self.query_one("#preview", Static).update(preview)

    def set_savable(self, savable: bool) -> None:
        self.savable = savable
        self.query_one("#save", Button).disabled = not savable
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.savable if action == "save" else True

    @on(Input.Submitted)
    def submitted(self) -> None:
        if self.savable:
            self.action_save()

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            current = self.project_file.reread()  # a hand edit made while the form was open is kept
            preview = preview_edit(current, self.edit())
            current.save(preview.draft.document)
        except Exception as error:  # foreseen or not: refusal() says it, and the app stays up
            self.show_preview(None, refusal(error), self.query_one("#stub").display)
            return
        self.dismiss(Saved(self.saved_message(), preview.diff, self.saved_route()))

    @on(Button.Pressed, "#stub")
    def create_stub(self) -> None:
        handler = self.handler()
        if handler is None:
            return
        try:
            written = write_stub_handler(self.project_file.directory, handler)
        except WstuiError as error:
            self.show_preview(None, said(error), False)
            return
        self.notify(f"Wrote {handler} in {written.relative_to(self.project_file.directory)}.", title="Stub handler",
                    markup=False)
        self.set_savable(True)  # the preview that follows takes it back if something else is wrong
        self.query_one("#save", Button).focus()
        self.refresh_preview()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
