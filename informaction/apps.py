from django.apps import AppConfig


class InformactionConfig(AppConfig):
    name = "informaction"

    def ready(self) -> None:
        from django.core.signals import request_finished

        # Registers the deployment checks (manage.py check --deploy).
        from . import checks  # noqa: F401
        from .connections import close_request_connections

        request_finished.connect(close_request_connections, dispatch_uid="close-asgi-requests")
