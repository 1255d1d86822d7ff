from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profil/", views.profile, name="profile"),
    path("flux-prive/", views.private_feed, name="private_feed"),
    path("mes-donnees.json", views.export, name="export"),
    path("supprimer/", views.delete, name="delete"),
]
