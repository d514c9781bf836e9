"""Settings for the web benchmarks only: the product's, plus two bare baseline views.

Never used in production. The harness serves the product and its baselines from the same gunicorn
processes with these settings, so both go through the same middleware stack, database connections
and WSGI server; the only difference between them is the view.
"""

from postpurchase.settings import *  # noqa: F403
from postpurchase.settings import INSTALLED_APPS

ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
