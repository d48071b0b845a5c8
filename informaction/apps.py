from django.apps import AppConfig


class InformactionConfig(AppConfig):
    name = "informaction"

    def ready(self) -> None:
        # Registers the deployment checks (manage.py check --deploy).
        from . import checks  # noqa: F401
