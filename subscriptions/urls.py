from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.offer, name="offer"),
    path("code/", views.redeem, name="redeem"),
]
