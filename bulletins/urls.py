from django.urls import path

from bulletins import views

app_name = "bulletins"
urlpatterns = [
    path("bulletins/", views.index, name="index"),
    path("bulletins/<id:pk>/", views.detail, name="detail"),
    path("bulletins/<id:pk>/issue/", views.issue, name="issue"),
    path("bulletins/<id:pk>/public/", views.publish, name="publish"),
    path("bulletins/<id:pk>/preview.pdf", views.preview, name="preview"),
    path("bulletins/<id:pk>/bulletin.<str:fmt>", views.download, name="download"),
]
