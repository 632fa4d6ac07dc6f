"""Settings: one object from PRINTLINE_* variables, embedded defaults under var/."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from printline.settings import Settings


def test_embedded_defaults_live_under_var(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "BROKER_URL", "REDIS_URL", "STORAGE_URL"):
        monkeypatch.delenv(f"PRINTLINE_{name}", raising=False)
    monkeypatch.setenv("PRINTLINE_VAR_DIR", str(tmp_path))
    settings = Settings()
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'printline.sqlite'}"
    assert settings.effective_storage_url == (tmp_path / "storage").as_uri()
    assert settings.effective_broker_url == "filesystem://" and settings.embedded
    assert settings.max_pixels == 100_000_000


def test_full_stack_from_environment(monkeypatch):
    monkeypatch.setenv("PRINTLINE_DATABASE_URL", "postgresql+psycopg://db/printline")
    monkeypatch.setenv("PRINTLINE_BROKER_URL", "amqp://guest:guest@mq//")
    monkeypatch.setenv("PRINTLINE_REDIS_URL", "redis://cache/0")
    monkeypatch.setenv("PRINTLINE_STORAGE_URL", "s3://prints/prod")
    monkeypatch.setenv("PRINTLINE_S3_ENDPOINT_URL", "http://s3.local:9000")
    monkeypatch.setenv("PRINTLINE_MAX_PIXELS", "5000")
    settings = Settings()
    assert settings.effective_database_url == "postgresql+psycopg://db/printline"
    assert settings.effective_broker_url == "amqp://guest:guest@mq//" and not settings.embedded
    assert settings.effective_storage_url == "s3://prints/prod"
    assert (settings.redis_url, settings.s3_endpoint_url, settings.max_pixels) == (
        "redis://cache/0", "http://s3.local:9000", 5000)


def test_var_dir_is_made_absolute(monkeypatch):
    monkeypatch.setenv("PRINTLINE_VAR_DIR", "relative/var")
    assert Settings().var_dir == Path("relative/var").resolve()


def test_keywords_win_over_the_environment_and_values_are_parsed(monkeypatch):
    monkeypatch.setenv("PRINTLINE_API_PORT", "9001")
    monkeypatch.setenv("printline_log_json", "true")  # any case, as the shell gave it
    monkeypatch.setenv("PRINTLINE_NOT_A_SETTING", "x")
    monkeypatch.setenv("OTHER_API_PORT", "1")
    settings = Settings(api_host="0.0.0.0")
    assert (settings.api_port, settings.log_json, settings.api_host) == (9001, True, "0.0.0.0")
    assert Settings(api_port=8123).api_port == 8123
    monkeypatch.setenv("PRINTLINE_MAX_ATTEMPTS", "three")
    with pytest.raises(ValidationError, match="max_attempts"):
        Settings()
