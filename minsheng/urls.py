from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from minsheng.views import home

admin.site.site_header = "民生工程管理系统 · 系统设置"
admin.site.site_title = "系统设置"
admin.site.index_title = "配置"

urlpatterns = [
    path("", home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("catalogue.urls")),
    path("", include("orgs.urls")),
    path("", include("responsibility.urls")),
    path("", include("funding.urls")),
    path("", include("reporting.urls")),
    path("", include("supervision.urls")),
    path("", include("upkeep.urls")),
    path("", include("disclosure.urls")),
    path("", include("jobs.urls")),
    path("", include("search.urls")),
    path("", include("evaluation.urls")),
    path("", include("alerts.urls")),
    path("", include("bulletins.urls")),
    path("", include("surveys.urls")),
    path("", include("dashboard.urls")),
    path("public/", include("portal.urls")),
    path("", include("core.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=False)),
]
