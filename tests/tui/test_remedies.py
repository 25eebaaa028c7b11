"""The CLI and the app word every remedy core names, each in its own terms: the app's words never
name a command or a command-line option, which the app does not have."""

from __future__ import annotations

import re

from wstui.cli.remedies import CLI_WORDS
from wstui.core.errors import Remedy
from wstui.tui.remedies import APP_WORDS

CLI_TERMS = re.compile(r"`wstui |(?<![\w-])--?[a-z]")


def test_the_cli_and_the_app_each_word_every_remedy() -> None:
    assert set(CLI_WORDS) == set(Remedy) == set(APP_WORDS)


def test_the_apps_words_name_no_command_line_option_or_command() -> None:
    assert {remedy: words for remedy, words in APP_WORDS.items() if CLI_TERMS.search(words)} == {}
