from django.urls import path, re_path

from catalogue import views

app_name = "catalogue"
urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/<int:pk>/", views.program_detail, name="program_detail"),
    path("projects/<int:pk>/", views.project_detail, name="project_detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    re_path(
        r"^projects/(?P<pk>[0-9]+)/(?P<action>retire|rename|content|split)/$",
        views.project_action_view,
        name="project_action",
    ),
    path("programs/<int:pk>/diff/", views.program_diff_view, name="program_diff"),
    path("programs/<int:pk>/notice.<str:fmt>", views.program_notice, name="program_notice"),
    path("programs/import/", views.program_import, name="program_import"),
    path("programs/<int:pk>/diff.xlsx", views.program_diff_xlsx, name="program_diff_xlsx"),
    path("programs/<int:pk>/roll-over/", views.program_roll_over_view, name="program_roll_over"),
    path("programs/<int:pk>/publish/", views.program_publish_view, name="program_publish"),
    path("programs/<int:pk>/amend/", views.program_amend_view, name="program_amend"),
    path("programs/<int:pk>/merge/", views.program_merge_view, name="program_merge"),
    path("programs/<int:pk>/projects/new/", views.project_new_view, name="project_new"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
]
