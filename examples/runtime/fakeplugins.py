"""A plugin registry module, shaped like many: classes other modules import by name."""


class Plugin:
    name = "base"


REGISTRY = [Plugin]
