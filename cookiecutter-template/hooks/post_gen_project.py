"""Remove what the chosen options do not use, so the generated project holds no dead code."""

from pathlib import Path

if "{{ cookiecutter.authorization }}" != "token":
    Path("handlers/authorizer.py").unlink()
    Path("tests/test_authorizer.py").unlink()
