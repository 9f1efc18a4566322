from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("orgs/", views.tree, name="tree"),
    path("orgs/<int:pk>/", views.detail, name="detail"),
    path("orgs/<int:pk>/edit/", views.edit, name="edit"),
]
