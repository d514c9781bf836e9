from celery import shared_task

from support import digest


@shared_task(
    name="support.write_staff_digests", acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def write_staff_digests() -> int:
    """Hourly: write each staff member's digest of what is new; safe to run twice in the hour."""
    return len(digest.staff_digests_write())


@shared_task(name="support.send_staff_digest", acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_staff_digest(digest_id: int) -> bool:
    """Send one written digest; sends at most once."""
    return digest.staff_digest_send(digest_id=digest_id)
