from django.urls import path

from portal import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("programs/<int:pk>/", views.program, name="program"),
    path("projects/<int:pk>/", views.project, name="project"),
]
