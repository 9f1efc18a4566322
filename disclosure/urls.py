from django.urls import path

from disclosure import views

app_name = "disclosure"
urlpatterns = [
    path("disclosure/", views.index, name="index"),
    path("disclosure/feedback/", views.feedback_list, name="feedback_list"),
    path("disclosure/feedback/<id:pk>/", views.feedback_detail, name="feedback_detail"),
]
