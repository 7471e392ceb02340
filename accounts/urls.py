from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.SignupView.as_view(), name="signup"),
    path("verify/", views.VerifyEmailView.as_view(), name="verify"),
    path("verify/resend/", views.VerifyEmailResendView.as_view(), name="verify_resend"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/code/", views.PasswordResetCodeView.as_view(), name="password_reset_code"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("profile/email/", views.EmailChangeView.as_view(), name="email_change"),
    path("profile/email/confirm/", views.EmailChangeConfirmView.as_view(), name="email_change_confirm"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("profile/export/", views.DataExportView.as_view(), name="export"),
    path("profile/delete/", views.DeleteAccountView.as_view(), name="delete"),
]
