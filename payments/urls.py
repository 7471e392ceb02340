from django.urls import path

from payments import views

app_name = "payments"
urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path(
        "simulated/<str:code>/authenticate/",
        views.SimulatedAuthenticateView.as_view(),
        name="simulated_authenticate",
    ),
]
