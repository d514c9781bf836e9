"""API fixtures: the returns builders, so every write endpoint has a real object to aim at."""

from tests.returns.conftest import make_order, policy_rules, reasons  # noqa: F401 - fixtures
