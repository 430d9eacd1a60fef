"""The runtime plugin's settings, read once from pytest's options and ini values."""
from dataclasses import dataclass
from typing import Any, Optional, Tuple


class ThresholdError(ValueError):
    """A threshold option that is not ``WARN[,FAIL]`` in megabytes."""


@dataclass(frozen=True)
class Threshold:
    """Growth levels in megabytes; ``None`` turns a level off."""

    warn_mb: Optional[float]
    fail_mb: Optional[float]

    def level(self, growth_mb: float) -> Optional[str]:
        """``"fail"``, ``"warn"`` or ``None`` for a growth of *growth_mb*."""
        if self.fail_mb is not None and growth_mb >= self.fail_mb:
            return "fail"
        if self.warn_mb is not None and growth_mb >= self.warn_mb:
            return "warn"
        return None

    def describe(self) -> str:
        parts = []
        if self.warn_mb is not None:
            parts.append("warn at {:g} MB".format(self.warn_mb))
        if self.fail_mb is not None:
            parts.append("fail at {:g} MB".format(self.fail_mb))
        return ", ".join(parts) or "off"


def _megabytes(text: str, option: str) -> Optional[float]:
    text = text.strip()
    if text.lower() in ("", "off", "none"):
        return None
    try:
        value = float(text)
    except ValueError:
        raise ThresholdError("{}: {!r} is not a number of megabytes".format(option, text)) from None
    if value <= 0:
        raise ThresholdError("{}: {!r} must be above 0 (use 'off' to turn a level off)".format(
            option, text))
    return value


def parse_threshold(text: str, option: str) -> Threshold:
    """Parse ``WARN[,FAIL]`` (megabytes; ``off`` for no level), e.g. ``300,600``, ``off,600``."""
    parts = text.split(",")
    if len(parts) > 2:
        raise ThresholdError("{}: expected WARN[,FAIL] in MB, got {!r}".format(option, text))
    warn = _megabytes(parts[0], option)
    fail = _megabytes(parts[1], option) if len(parts) == 2 else None
    if warn is not None and fail is not None and fail < warn:
        raise ThresholdError("{}: the fail level {:g} is below the warn level {:g}".format(
            option, fail, warn))
    return Threshold(warn, fail)


@dataclass(frozen=True)
class Settings:
    strict: bool
    count_mocks: bool
    json_path: Optional[str]
    test_growth: Threshold
    session_growth: Threshold
    #: --xdist-safety-restore: put back what a test leaked, after reporting it.
    restore: bool = False
    #: --xdist-safety-files: files left in the rootdir or the working directory.
    files: bool = False
    #: --xdist-safety-modules: sys.modules entries replaced or removed (MXS013).
    modules: bool = False
    #: --xdist-safety-watch: module name prefixes whose attributes are compared (MXS012).
    watch: Tuple[str, ...] = ()


def _option_or_ini(config: Any, option: str, ini: str) -> str:
    # The command line wins over the ini value, which wins over the default.
    value = config.getoption(option)
    if value is None:
        value = config.getini(ini)
    return str(value)


def read_settings(config: Any) -> Settings:
    """Build the settings from a ``pytest.Config``; raises :class:`ThresholdError`."""
    return Settings(
        strict=bool(config.getoption("xdist_safety_strict")),
        count_mocks=bool(config.getoption("xdist_safety_mocks")),
        json_path=config.getoption("xdist_safety_json"),
        test_growth=parse_threshold(
            _option_or_ini(config, "xdist_safety_test_growth", "xdist_safety_test_growth"),
            "--xdist-safety-test-growth"),
        session_growth=parse_threshold(
            _option_or_ini(config, "xdist_safety_session_growth", "xdist_safety_session_growth"),
            "--xdist-safety-session-growth"),
        restore=bool(config.getoption("xdist_safety_restore")),
        files=bool(config.getoption("xdist_safety_files")),
        modules=bool(config.getoption("xdist_safety_modules")),
        watch=tuple(name.strip() for name in (config.getoption("xdist_safety_watch") or "").split(",")
                    if name.strip()),
    )
