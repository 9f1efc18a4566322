from django.urls import path

from funding import views

app_name = "funding"
urlpatterns = [
    path("programs/<id:pk>/fiscal/", views.fiscal_year, name="fiscal_year"),
]
