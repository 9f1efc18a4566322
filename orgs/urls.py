from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("orgs/", views.tree, name="tree"),
    path("orgs/<id:pk>/", views.detail, name="detail"),
    path("orgs/<id:pk>/edit/", views.edit, name="edit"),
    path("users/", views.user_list, name="user_list"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/import/", views.users_import, name="users_import"),
    path("users/import/template/", views.users_template, name="users_template"),
    path("users/import/confirm/", views.users_import_confirm, name="users_import_confirm"),
    path("users/<id:pk>/", views.user_edit, name="user_edit"),
    path("users/<id:pk>/active/", views.user_active, name="user_active"),
    path("users/<id:pk>/password/", views.user_password_reset, name="user_password_reset"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
