from django.urls import path

from saas_core.records import views

app_name = "records"

urlpatterns = [
    path("bin/", views.bin_list, name="bin"),
    path("bin/empty/", views.bin_empty, name="bin_empty"),
    path("bin/<int:pk>/restore/", views.bin_restore, name="bin_restore"),
    path("bin/<int:pk>/purge/", views.bin_purge, name="bin_purge"),
    path("<str:key>/<int:pk>/history/", views.record_history, name="history"),
]
