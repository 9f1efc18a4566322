from django.urls import path, register_converter

from dashboard import api, views


class FormatConverter:
    regex = "json|xlsx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "dashboard"
base = "dashboard/<id:program_pk>/<id:month>/"
urlpatterns = [
    path("dashboard/", views.index, name="index"),
    path("dashboard/tree/<id:year>/<id:month>/", views.tree_view, name="tree"),
    path("dashboard/tree/<id:year>/<id:month>/data/<slug:key>.<fmt:fmt>", api.tree_data, name="tree_data"),
    path("dashboard/<id:program_pk>/", views.year, name="year"),
    path(base, views.board, name="board"),
    path(base + "data/<slug:key>.<fmt:fmt>", api.chart_data, name="data"),
    path(base + "projects/<id:project_pk>/", views.project, name="project"),
    path(base + "projects/<id:project_pk>/data.<fmt:fmt>", api.project_data, name="project_data"),
    path(base + "units/<id:unit_pk>/", views.unit, name="unit"),
    path(base + "units/<id:unit_pk>/data.<fmt:fmt>", api.unit_data, name="unit_data"),
    path(base + "projects/<id:project_pk>/units/<id:unit_pk>/", views.reports, name="reports"),
]
