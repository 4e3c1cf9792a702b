"""The command line's own options: `ogi --version`."""
from click.testing import CliRunner

from pipelines import PARSER_VERSION
from pipelines.tools.cli import main


def test_version_names_package_and_parser():
    res = CliRunner().invoke(main, ["--version"])
    assert res.exit_code == 0
    assert res.output.startswith("ogi 0.1.0 ")
    assert f"(parser {PARSER_VERSION})" in res.output
