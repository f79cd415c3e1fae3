"""Warning classes of the package (tests turn them into errors)."""


class ActuarialWarning(UserWarning):
    """Something the user should know about a run: a fallback taken, a value clipped."""
