"""flake8-xdist-safety: flake8 checks for test code that breaks or bloats pytest-xdist runs.

Layers, from the bottom; a module may import only from its own layer or below:

1. Vocabulary and values: ``codes`` (the one code table), ``findings`` (the Finding value
   and the one message formatter), ``config`` (options and the typed Config),
   ``analysis.vocabulary`` (names the code speaks in), ``analysis.imports``.
2. Facts about a file, ``analysis/``: ``model`` owns the model's data, ``builder`` fills it
   in one pass (``expressions`` and ``stores`` are its expression and store halves),
   ``scopes`` is the one binding model, and one module per family of facts
   (marks, mock creations, restores, fixtures, the conftest chain, the project's modules and
   its pytest configuration). **Where is the knowledge about a kind of process state?** In
   its topic, ``analysis/topics/<kind>.py`` (the environment, dependency overrides, module
   attributes, ``sys.modules``, the working directory, the import path, process-wide
   settings): what a change looks like, what undoes it, its message fields. The generic
   core that asks every topic is ``analysis/state.py``, ``restores.py`` and
   ``undoing_fixtures.py``.
3. Decisions, ``rules/``: one module per rule or tight family, and ``process_state`` the one
   rule every topic shares; where MXSnnn is decided is listed in ``rules/__init__``.
4. Edges: ``checker`` (the flake8 adapter) and ``fixer/`` (``flake8-xdist-safety fix``).

``runtime/`` (the opt-in pytest plugin) stands apart: it imports nothing of layers 2–4.
tests/analysis/test_layers.py enforces this.
"""


def __getattr__(name: str) -> str:
    """``__version__``, looked up in the installed metadata when first asked for (by flake8's
    checker and the fixer's CLI): every pytest run imports this package for the runtime plugin's
    entry point, and the lookup cost it about 1.7 ms."""
    if name != "__version__":
        raise AttributeError("module {!r} has no attribute {!r}".format(__name__, name))
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("flake8-xdist-safety")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        found = "0+unknown"
    globals()["__version__"] = found
    return found
