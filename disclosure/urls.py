from django.urls import path

from disclosure import views

app_name = "disclosure"
urlpatterns = [path("disclosure/", views.index, name="index")]
