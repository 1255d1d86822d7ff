from django.urls import path

from . import views

app_name = "newsletters"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("choix/", views.box, name="box"),
    path("demande-envoyee/", views.requested, name="requested"),
    path("confirmer/<str:token>/", views.confirm, name="confirm"),
    path("desinscription/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("mon-compte/", views.account, name="account"),
]
