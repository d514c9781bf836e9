"""Static files as the web processes serve them (WhiteNoise), cached for a year under hashed names."""

from whitenoise.middleware import WhiteNoiseMiddleware

ONE_YEAR = 365 * 24 * 60 * 60


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, with a year's `Cache-Control: immutable` for names that carry their content's hash.

    WhiteNoise's own choice is ten years; a year is the longest lifetime caches are asked to keep
    (RFC 9111 §5.3), and a hashed name changes whenever its content does, so nothing is served stale.
    Names without a hash (a stylesheet asked for by its plain name) keep the short WHITENOISE_MAX_AGE.
    """

    FOREVER = ONE_YEAR
