from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("audit/", views.audit_log_view, name="audit_log"),
    # before the admin's own URLs (core.urls is included ahead of admin/ in minsheng/urls.py)
    path("admin/login/", views.admin_login, name="admin_login"),
]
