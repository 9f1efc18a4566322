from django.urls import path

from responsibility import views, views_excel

app_name = "responsibility"
urlpatterns = [
    path("projects/<id:pk>/targets/", views.project_targets, name="project_targets"),
    path("programs/<id:pk>/responsibility/", views.program_responsibility, name="program_matrix"),
    path("programs/<id:pk>/letters/", views.program_letters, name="program_letters"),
    path("letters/<id:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<id:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("letters/<id:pk>/letter.<str:fmt>", views.letter_file, name="letter_file"),
    path("programs/<id:pk>/targets.xlsx", views_excel.targets_template, name="targets_template"),
    path("programs/<id:pk>/targets/import/", views_excel.targets_import, name="targets_import"),
    path(
        "programs/<id:pk>/targets/import/confirm/",
        views_excel.targets_import_confirm,
        name="targets_import_confirm",
    ),
]
