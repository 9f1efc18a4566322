from django.urls import path

from supervision import views

app_name = "supervision"
urlpatterns = [
    path("supervision/", views.index, name="index"),
    path("supervision/supervisors/", views.supervisor_list, name="supervisors"),
    path("supervision/inspections/new/", views.inspection_new, name="inspection_new"),
    path("supervision/inspections/<id:pk>/", views.inspection_detail, name="inspection_detail"),
    path("supervision/findings/<id:pk>/", views.finding_detail, name="finding_detail"),
    path("supervision/photos/<id:pk>/", views.photo_file, name="photo"),
    path("supervision/photos/<id:pk>/thumbnail/", views.photo_thumbnail, name="photo_thumbnail"),
]
