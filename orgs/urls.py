from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("orgs/", views.tree, name="tree"),
    path("orgs/<id:pk>/", views.detail, name="detail"),
    path("orgs/<id:pk>/edit/", views.edit, name="edit"),
]
