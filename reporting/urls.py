from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("reporting/", views.index, name="index"),
    path("reporting/tree/", views.tree_index, name="tree_index"),
    path("reporting/tree/<id:year>/<id:month>/", views.tree, name="tree"),
    path("reporting/<id:program_pk>/periods/", views.periods, name="periods"),
    path("reporting/<id:program_pk>/<id:month>/fill/", views.fill, name="fill"),
    path("reporting/<id:program_pk>/<id:month>/review/", views.review, name="review"),
    path("reporting/<id:program_pk>/<id:month>/excel/", views.excel, name="excel"),
    path("reporting/<id:program_pk>/<id:month>/progress/", views.progress, name="progress"),
    path("reporting/<id:program_pk>/<id:month>/ranking/", views.ranking, name="ranking"),
    path("reporting/<id:program_pk>/<id:month>/overdue/", views.overdue, name="overdue"),
    path("reports/<id:pk>/", views.report_detail, name="report_detail"),
    path("reports/<id:pk>/attachments/<id:attachment_pk>/", views.attachment_file, name="attachment_file"),
]
