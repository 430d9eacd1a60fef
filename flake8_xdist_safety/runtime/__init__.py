"""The opt-in pytest plugin (``pytest --xdist-safety``): confirms at run time which tests
leak what the linter suspects. Loaded through the ``pytest11`` entry point; inert unless
asked for."""
