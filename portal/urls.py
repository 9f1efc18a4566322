from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<id:pk>/", views.program, name="program"),
    path("programs/<id:pk>/charts.json", views.program_charts, name="program_charts"),
    path("programs/<id:pk>/tables/<slug:name>.<slug:fmt>", views.program_table, name="program_table"),
    path("projects/<id:pk>/", views.project, name="project"),
    path("bulletins/", views.bulletins, name="bulletins"),
    path("bulletins/<id:pk>.<str:fmt>", views.bulletin_download, name="bulletin_download"),
]
