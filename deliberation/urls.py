from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("rejoindre/", views.join_by_code, name="join-by-code"),
    path("j/<str:code>", views.join, name="join"),
    path("j/<str:code>/qr.svg", views.qr_code, name="join-qr"),
    path("m/<str:code>/", views.phone, name="phone"),
    path("ws/room/<str:code>/", views.ws_room_doc, name="ws-room-doc"),
    path("reunions/nouvelle/", views.meeting_create, name="meeting-create"),
    path("reunions/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("reunions/<int:pk>/tableau/", views.board, name="board"),
    path("reunions/<int:pk>/affiche/", views.poster, name="poster"),
]
