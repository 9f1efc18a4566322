from django.urls import path, re_path

from catalogue import derivation_views, views

app_name = "catalogue"
urlpatterns = [
    path("programs/", views.program_list, name="program_list"),
    path("programs/<id:pk>/", views.program_detail, name="program_detail"),
    path("projects/<id:pk>/", views.project_detail, name="project_detail"),
    path("projects/<id:pk>/edit/", views.project_edit, name="project_edit"),
    re_path(
        r"^projects/(?P<pk>[0-9]+)/(?P<action>retire|rename|content|split)/$",
        views.project_action_view,
        name="project_action",
    ),
    path("programs/<id:pk>/diff/", views.program_diff_view, name="program_diff"),
    path("programs/<id:pk>/notice/", views.program_notice_edit, name="program_notice_edit"),
    path("programs/<id:pk>/notice/preview.pdf", views.program_notice_preview, name="program_notice_preview"),
    path("programs/<id:pk>/notice.<str:fmt>", views.program_notice, name="program_notice"),
    path("programs/import/", views.program_import, name="program_import"),
    path("programs/<id:pk>/diff.xlsx", views.program_diff_xlsx, name="program_diff_xlsx"),
    path("programs/<id:pk>/roll-over/", views.program_roll_over_view, name="program_roll_over"),
    path("programs/<id:pk>/publish/", views.program_publish_view, name="program_publish"),
    path("programs/<id:pk>/amend/", views.program_amend_view, name="program_amend"),
    path("programs/<id:pk>/merge/", views.program_merge_view, name="program_merge"),
    path("programs/<id:pk>/projects/new/", views.project_new_view, name="project_new"),
    path("programs/derive/", derivation_views.program_derive_view, name="program_derive"),
    path("programs/<id:pk>/derivation/", derivation_views.program_derivation_view, name="program_derivation"),
    path(
        "programs/<id:pk>/derivation/<id:item>/status/",
        derivation_views.derivation_status_view,
        name="derivation_status",
    ),
    path("programs/<id:pk>/derivation/upper/", derivation_views.upper_change_view, name="upper_change"),
    path(
        "programs/<id:pk>/derivation/local/", derivation_views.derivation_local_view, name="derivation_local"
    ),
    path("projects/<id:pk>/levels/", derivation_views.project_levels_view, name="project_levels"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/<id:pk>/decide/", views.proposal_decide, name="proposal_decide"),
]
