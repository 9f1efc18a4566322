from django.urls import path

from evaluation import views

app_name = "evaluation"
urlpatterns = [
    path("evaluation/", views.index, name="index"),
    path("programs/<id:program_pk>/evaluation/", views.index, name="index_program"),
    path("programs/<id:program_pk>/evaluation/monitoring/", views.monitoring, name="monitoring"),
    path("projects/<id:pk>/performance-target/", views.target_detail, name="target"),
    path("projects/<id:pk>/monitoring/<int:month>/", views.monitoring_edit, name="monitoring_edit"),
    path("projects/<id:pk>/self-evaluation/", views.self_evaluation, name="self"),
]
