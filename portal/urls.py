from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<id:pk>/", views.program, name="program"),
    path("projects/<id:pk>/", views.project, name="project"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<id:pk>.<str:fmt>", views.bulletin_download, name="bulletin_download"),
]
