"""The one exception a smoke check raises: what was checked, and what came back instead."""


class SmokeCheckError(Exception):
    """A deployed stage did not behave as documented; the message names the check."""
