import os

# Leaks at import time (MXS003): collecting this module sets the variable in every worker,
# before any test runs; a test elsewhere that reads it behaves differently in a full run.
os.environ.setdefault("EXAMPLE_FEATURE_FLAG", "on")


def test_feature_flag_is_on():
    assert os.environ["EXAMPLE_FEATURE_FLAG"] == "on"
