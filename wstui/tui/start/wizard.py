"""The new-project wizard: the template's questions as a form, checked as you type, rendered by `scaffold`.

The checks are the core's own (`project_slug`, `Question.check`), so the form accepts exactly what
`wstui new` accepts; rendering runs in a thread worker because cookiecutter writes many files.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Header, Input, Label, Select, Static

from wstui.cli.verbatim import verbatim
from wstui.core.errors import UnexpectedError, UsageError, WstuiError
from wstui.core.scaffold import Question, Template, project_slug, scaffold
from wstui.tui.footer import AppFooter
from wstui.tui.running_app import apply_cursor_setting, running_app
from wstui.tui.remedies import said


class CoreCheck(Validator):
    """A Textual validator that asks a core check and shows its one-sentence refusal."""

    def __init__(self, check: Callable[[str], object]) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except UsageError as error:
            return self.failure(said(error))
        return self.success()


class WizardScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="wizard.back", tooltip="Leave the wizard; nothing is written."),
        Binding("ctrl+s", "create", "Create", id="wizard.create",
                tooltip="Create the project when every answer is valid (enter in a field too)."),
    ]

    def __init__(self, directory: Path, template: Template | None = None) -> None:
        super().__init__()
        self.directory = directory
        self.template = template or Template.load(None)
        self.creatable = True

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="wizard"):
            yield Label("New project", id="wizard-heading")
            yield from self.field("name", "Project name", "chat", CoreCheck(project_slug))
            yield from self.field("output", "Directory to create it in", ".", None)
            for question in self.template.questions:
                yield from self.question(question)
            yield Static("", id="wizard-error")
            with Horizontal(id="wizard-buttons"):
                yield Button("Create", id="create", variant="primary", tooltip="Render the template (ctrl+s).")
                yield Button("Back", id="back", tooltip="Leave the wizard (escape).")
        yield AppFooter()

    def field(self, name: str, label: str, value: str, validator: Validator | None) -> ComposeResult:
        with Horizontal(classes="wizard-row"):
            yield Label(verbatim(label), classes="wizard-label")
            yield Input(value, id=f"q-{name}", validators=[validator] if validator else [], validate_on=["changed"],
                        tooltip=verbatim(label))
        error = Static("", id=f"e-{name}", classes="field-error")
        error.display = False
        yield error

    def question(self, question: Question) -> ComposeResult:
        if not question.choices:
            check = CoreCheck(lambda value: question.check(value, question.prompt))
            yield from self.field(question.key, question.prompt, question.default, check)
            return
        with Horizontal(classes="wizard-row"):
            yield Label(verbatim(question.prompt), classes="wizard-label")
            yield Select([(verbatim(c), c) for c in question.choices], value=question.default, allow_blank=False,
                         id=f"q-{question.key}", tooltip=verbatim(question.hint or question.prompt))
        if question.hint:
            yield Static(verbatim(question.hint), classes="hint wizard-hint")

    def on_mount(self) -> None:
        apply_cursor_setting(self)
        self.query_one("#q-name", Input).focus()

    @on(Input.Changed)
    def show_check(self, event: Input.Changed) -> None:
        """Each field's refusal under it, and Create only while every field passes."""
        name = (event.input.id or "").removeprefix("q-")
        failures = event.validation_result.failure_descriptions if event.validation_result else []
        error = self.query_one(f"#e-{name}", Static)
        error.update(verbatim(failures[0], "red") if failures else "")
        error.display = bool(failures)
        self.set_creatable(all(i.is_valid for i in self.query(Input)))

    def answers(self) -> dict[str, str]:
        answers: dict[str, str] = {}
        for question in self.template.questions:
            widget = self.query_one(f"#q-{question.key}", Input | Select)
            answers[question.key] = str(widget.value)
        return answers

    def set_creatable(self, creatable: bool) -> None:
        """Create (the button, ctrl+s and enter) only while every answer passes and nothing is being created."""
        self.creatable = creatable
        self.query_one("#create", Button).disabled = not creatable
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.creatable if action == "create" else True

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        if not self.creatable:
            return
        self.set_creatable(False)
        name = self.query_one("#q-name", Input).value
        output = Path(self.query_one("#q-output", Input).value.strip() or ".").expanduser()
        self.create(name, self.directory / output, self.answers())

    @work(thread=True, exclusive=True)
    def create(self, name: str, output: Path, answers: dict[str, str]) -> None:
        try:
            result = scaffold(name, output, answers, self.template)
        except WstuiError as error:
            self.app.call_from_thread(self.failed, said(error))
            return
        except Exception as error:  # a bug, or a template that breaks cookiecutter: the wizard says so
            self.app.call_from_thread(self.failed, str(UnexpectedError(error)))
            return
        self.app.call_from_thread(self.created, result.directory)

    def failed(self, message: str) -> None:
        self.query_one("#wizard-error", Static).update(verbatim(message, "bold red"))
        self.set_creatable(True)

    def created(self, directory: Path) -> None:
        self.notify(f"Created {directory}.", title="New project", markup=False)
        running_app(self).open_project(directory)

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.app.pop_screen()
