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
    path("assessment/", views.assessment, name="assessment"),
    path("programs/<id:program_pk>/assessment/", views.assessment, name="assessment_program"),
    path("programs/<id:program_pk>/assessment/scheme/", views.assessment_scheme, name="assessment_scheme"),
    path("assessment/runs/<id:pk>/", views.run_detail, name="run"),
    path("assessment/runs/<id:pk>/incentives/", views.run_incentives, name="incentives"),
    path("assessment/results/<id:pk>/", views.result_detail, name="result"),
    path("assessment/scores/<id:pk>/", views.score_detail, name="score"),
    path("public/assessment/<id:pk>/", views.public_results, name="public_results"),
]
