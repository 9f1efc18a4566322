from django.urls import path

from upkeep import views

app_name = "upkeep"
urlpatterns = [
    path("upkeep/", views.index, name="index"),
    path("upkeep/assets/<id:pk>/", views.asset_detail, name="asset_detail"),
]
