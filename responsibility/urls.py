from django.urls import path

from responsibility import views

app_name = "responsibility"
urlpatterns = [
    path("projects/<int:pk>/targets/", views.project_targets, name="project_targets"),
    path("programs/<int:pk>/responsibility/", views.program_responsibility, name="program_matrix"),
    path("programs/<int:pk>/letters/", views.program_letters, name="program_letters"),
    path("letters/<int:pk>/", views.letter_detail, name="letter_detail"),
    path("letters/<int:pk>/scan/", views.letter_scan, name="letter_scan"),
    path("letters/<int:pk>/letter.<str:fmt>", views.letter_file, name="letter_file"),
]
