from django.urls import path

from . import views

app_name = "saved"

urlpatterns = [
    path("", views.saved_list, name="list"),
    path("etat.json", views.state, name="state"),
    path("<slug:slug>/", views.item, name="item"),
]
