from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("reporting/", views.index, name="index"),
    path("reporting/<int:program_pk>/periods/", views.periods, name="periods"),
    path("reporting/<int:program_pk>/<int:month>/fill/", views.fill, name="fill"),
    path("reporting/<int:program_pk>/<int:month>/review/", views.review, name="review"),
    path("reporting/<int:program_pk>/<int:month>/excel/", views.excel, name="excel"),
    path("reporting/<int:program_pk>/<int:month>/progress/", views.progress, name="progress"),
    path("reporting/<int:program_pk>/<int:month>/ranking/", views.ranking, name="ranking"),
    path("reporting/<int:program_pk>/<int:month>/overdue/", views.overdue, name="overdue"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_file, name="attachment_file"),
]
