from django.urls import path

from .room import RoomConsumer

websocket_urlpatterns = [
    path("ws/room/<str:code>/", RoomConsumer.as_asgi()),
]
