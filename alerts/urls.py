from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("alerts/", views.index, name="index"),
    path("alerts/rules/", views.rules, name="rules"),
    path("alerts/rules/<str:kind>/", views.rule_edit, name="rule_edit"),
    path("alerts/digests/<id:pk>/", views.digest, name="digest"),
    path("alerts/data.json", views.data, name="data"),
]
