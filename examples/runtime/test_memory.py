# A module-level cache that a test fills and nothing empties: the worker keeps the memory
# until it exits. 60 blocks of 1 MiB, each written (a zero-filled buffer might not be resident).
_RESULTS_CACHE = []


def test_fills_module_cache():
    _RESULTS_CACHE.extend(b"\x01" * (1 << 20) for _ in range(60))
    assert len(_RESULTS_CACHE) == 60


def test_keeps_nothing():
    scratch = [b"\x01" * (1 << 20) for _ in range(60)]
    assert len(scratch) == 60
