from django.urls import path

from responsibility import views, views_excel

app_name = "responsibility"
urlpatterns = [
    path("projects/<int:pk>/targets/", views.project_targets, name="project_targets"),
    path("programs/<int:pk>/responsibility/", views.program_responsibility, name="program_matrix"),
    path("programs/<int:pk>/letters/", views.program_letters, name="program_letters"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("letters/<int:pk>/letter.<str:fmt>", views.letter_file, name="letter_file"),
    path("programs/<int:pk>/targets.xlsx", views_excel.targets_template, name="targets_template"),
    path("programs/<int:pk>/targets/import/", views_excel.targets_import, name="targets_import"),
    path(
        "programs/<int:pk>/targets/import/confirm/",
        views_excel.targets_import_confirm,
        name="targets_import_confirm",
    ),
]
