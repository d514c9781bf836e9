from tests.tracking.conftest import apply_events, shipment

__all__ = ["apply_events", "shipment"]
