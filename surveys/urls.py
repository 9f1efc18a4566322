from django.urls import path

from surveys import views

app_name = "surveys"
urlpatterns = [
    path("surveys/", views.index, name="index"),
    path("surveys/questionnaires/default/", views.questionnaire_default, name="questionnaire_default"),
    path("surveys/new/", views.wave_new, name="wave_new"),
    path("surveys/<id:pk>/", views.wave_detail, name="wave"),
    path("surveys/<id:pk>/edit/", views.wave_edit, name="wave_edit"),
    path("surveys/<id:pk>/enter/", views.enter, name="enter"),
    path("surveys/<id:pk>/import/", views.import_sheet, name="import"),
    path("surveys/<id:pk>/import/confirm/", views.import_confirm, name="import_confirm"),
    path("public/surveys/<id:pk>/", views.answer, name="answer"),
]
