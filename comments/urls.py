from django.urls import path

from . import views

app_name = "comments"

urlpatterns = [
    path("<int:pk>/repondre/", views.reply, name="reply"),
    path("<int:pk>/modifier/", views.edit, name="edit"),
    path("<int:pk>/supprimer/", views.delete, name="delete"),
    path("<int:pk>/recommander/", views.recommend, name="recommend"),
    path("<int:pk>/signaler/", views.report, name="report"),
]
