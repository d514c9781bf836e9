from django.apps import AppConfig


class BrandsConfig(AppConfig):
    name = "brands"
    verbose_name = "Brands"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save
        from django.test.signals import setting_changed

        from brands import cache
        from brands.models import Brand

        # Cache upkeep, not domain flow: every way a brand is saved (services, admin, console forms,
        # demo) must reach the cached copies.
        post_save.connect(cache.brand_changed, sender=Brand, dispatch_uid="brands-cache-save")
        post_delete.connect(cache.brand_changed, sender=Brand, dispatch_uid="brands-cache-delete")
        setting_changed.connect(cache.forget_local, dispatch_uid="brands-cache-settings")
