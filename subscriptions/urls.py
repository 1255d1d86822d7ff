from django.urls import path

from . import views

app_name = "subscriptions"

urlpatterns = [
    path("", views.offer, name="offer"),
    path("code/", views.redeem, name="redeem"),
    path("formule/<slug:slug>/", views.plan_checkout, name="plan"),
    path("merci/", views.checkout_return, name="checkout_return"),
    path("paiement-abandonne/", views.checkout_cancel, name="checkout_cancel"),
    path("offrir/", views.gift, name="gift"),
    path("offrir/merci/", views.gift_return, name="gift_return"),
    path("gerer/", views.portal, name="portal"),
    path("resilier/", views.cancel, name="cancel"),
    path("reprendre/", views.resume, name="resume"),
    path("conditions-generales-de-vente/", views.terms, name="terms"),
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
]
