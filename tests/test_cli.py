"""The command line as a user runs it."""

from __future__ import annotations

from typer.testing import CliRunner

from actuarial.cli import app

runner = CliRunner()


def test_baseline__city_table_has_report_figures() -> None:
    result = runner.invoke(app, ["baseline"])
    assert result.exit_code == 0, result.output
    for text in ("154,288", "37,285", "1,152,200", "243,700", "43,927.70", "199,100.00"):
        assert text in result.output, text


def test_baseline__county_split_and_sources() -> None:
    result = runner.invoke(
        app, ["baseline", "--counties", "--sources", "-s", "work_injury_enterprise"]
    )
    assert result.exit_code == 0, result.output
    assert "11,692" in result.output  # Yimen, CHECKS I-2 reading
    assert "红塔区" in result.output
    assert "F0590" in result.output
    assert "partly an assumption" in result.output


def test_baseline__unknown_scheme_is_named() -> None:
    result = runner.invoke(app, ["baseline", "-s", "pension"])
    assert result.exit_code == 2
    assert "unknown scheme code(s) pension" in result.output


def test_assumptions__lists_keys() -> None:
    result = runner.invoke(app, ["assumptions"])
    assert result.exit_code == 0
    assert "economy.fund_return" in result.output


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert "actuarial" in result.output
