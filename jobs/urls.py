from django.urls import path

from jobs import views

app_name = "jobs"
urlpatterns = [
    path("jobs/<id:pk>/", views.job_detail, name="job_detail"),
    path("jobs/<id:pk>/file/", views.job_file, name="job_file"),
    path("jobs/schedule/", views.schedule_list, name="schedule"),
    path("jobs/schedule/<slug:name>/run/", views.schedule_run, name="schedule_run"),
    path("health/", views.health, name="health"),
]
