"""The user config: defaults, every setting read, and a bad file reported instead of crashing."""

from __future__ import annotations

from pathlib import Path

from wstui.tui.config import DEFAULT_THEME, UserConfig, config_path, load_config


def test_the_xdg_location_wins_over_home() -> None:
    assert config_path({"XDG_CONFIG_HOME": "/x", "HOME": "/h"}) == Path("/x/wstui/config.toml")
    assert config_path({"HOME": "/h"}) == Path("/h/.config/wstui/config.toml")


def test_no_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "config.toml") == UserConfig(path=tmp_path / "config.toml")


def test_every_setting_is_read(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\ncursor_blink = false\nlocal_port = 4000\n[keys]\n"app.local" = "f9"\n')
    assert load_config(path) == UserConfig("nord", False, 4000, {"app.local": "f9"}, path=path)


def test_wrong_values_are_ignored_and_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = 3\nlocal_port = 70000\ncolour = "red"\n[keys]\n"app.local" = ""\n')
    config = load_config(path)
    assert (config.theme, config.local_port, config.keys) == (DEFAULT_THEME, 3001, {})
    assert len(config.problems) == 4
    assert any("local_port must be 0 to 65535" in p for p in config.problems)
    assert any("unknown setting 'colour'" in p for p in config.problems)


def test_a_file_that_is_not_toml_gives_the_defaults_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("theme = \n")
    config = load_config(path)
    assert config.theme == DEFAULT_THEME
    assert "was not read" in config.problems[0]
