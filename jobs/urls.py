from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [path("jobs/<id:pk>/", views.job_detail, name="job_detail")]
