"""Date formats that name the time zone: the console shows times in the brand's zone, and says which.

Only the keys set here differ from Django's own formats for the language; the rest fall through.
"""
