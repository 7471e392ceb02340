from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView
from rest_framework_simplejwt.exceptions import TokenError
from rest_framework_simplejwt.tokens import RefreshToken
from rest_framework_simplejwt.views import TokenRefreshView

from accounts.models import User
from accounts.services.authentication import user_authenticate
from accounts.services.passwords import password_reset_request, password_reset_with_code, password_set
from accounts.services.profile import PROFILE_FIELDS, user_update_profile
from accounts.services.registration import user_register, user_verify_email, verification_resend
from core.http import client_ip


class UserOutput(serializers.ModelSerializer):
    email_verified = serializers.BooleanField(source="is_verified")

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "name",
            "role",
            "phone",
            "city",
            "birth_year",
            "gender",
            "demographics_consent",
            "email_verified",
            "date_joined",
        ]
        read_only_fields = fields


class AuthApi(APIView):
    """Anonymous credential endpoint, throttled per IP."""

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class RegisterApi(AuthApi):
    class Input(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(write_only=True, trim_whitespace=False, max_length=128)
        name = serializers.CharField(max_length=150)
        role = serializers.ChoiceField(choices=[User.Role.ATTENDEE, User.Role.ORGANIZER], default=User.Role.ATTENDEE)

    @extend_schema(request=Input, responses={201: UserOutput}, summary="Create an account; a code is e-mailed")
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            user = user_register(**data.validated_data, now=timezone.now())
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"password": exc.messages}) from exc
        return Response(UserOutput(user).data, status=status.HTTP_201_CREATED)


class VerifyApi(AuthApi):
    throttle_scope = "otp"

    class Input(serializers.Serializer):
        email = serializers.EmailField()
        code = serializers.RegexField(r"^\s*\d{6}\s*$", error_messages={"invalid": "Enter the 6-digit code."})

    @extend_schema(request=Input, responses={200: UserOutput}, summary="Verify the e-mail address with its code")
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_verify_email(**data.validated_data, ip_address=client_ip(request), now=timezone.now())
        return Response(UserOutput(user).data)


class VerifyResendApi(AuthApi):
    throttle_scope = "otp"

    class Input(serializers.Serializer):
        email = serializers.EmailField()

    @extend_schema(request=Input, responses={202: OpenApiResponse(description="Sent if the account waits for it")})
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        verification_resend(email=data.validated_data["email"], now=timezone.now())
        return Response(status=status.HTTP_202_ACCEPTED)


class TokenObtainApi(AuthApi):
    class Input(serializers.Serializer):
        email = serializers.EmailField()
        password = serializers.CharField(trim_whitespace=False, max_length=128)

    Output = inline_serializer("TokenPair", {"access": serializers.CharField(), "refresh": serializers.CharField()})

    @extend_schema(request=Input, responses={200: Output}, summary="Sign in: an access and a refresh token")
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        user = user_authenticate(
            request=request, **data.validated_data, ip_address=client_ip(request), now=timezone.now()
        )
        refresh = RefreshToken.for_user(user)
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        return Response({"access": str(refresh.access_token), "refresh": str(refresh)})


class TokenRefreshApi(TokenRefreshView):
    """Rotates: the old refresh token is blacklisted and a new pair returned."""

    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"


class LogoutApi(AuthApi):
    class Input(serializers.Serializer):
        refresh = serializers.CharField()

    @extend_schema(request=Input, responses={204: None}, summary="Sign out: blacklist the refresh token")
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            RefreshToken(data.validated_data["refresh"]).blacklist()
        except TokenError as exc:
            raise serializers.ValidationError({"refresh": [str(exc)]}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeApi(APIView):
    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        name = serializers.CharField(max_length=150, required=False)
        phone = serializers.RegexField(r"^\+?[0-9 ()\-]{6,20}$", required=False, allow_blank=True)
        city = serializers.CharField(max_length=100, required=False, allow_blank=True)
        birth_year = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
        gender = serializers.ChoiceField(choices=User.Gender.choices, required=False, allow_blank=True)
        demographics_consent = serializers.BooleanField(required=False)

    @extend_schema(responses={200: UserOutput}, summary="My account")
    def get(self, request):
        return Response(UserOutput(request.user).data)

    @extend_schema(
        request=Input, responses={200: UserOutput}, summary="Edit my profile (e-mail and role are not writable here)"
    )
    def patch(self, request):
        unknown = set(request.data) - set(PROFILE_FIELDS)
        if unknown:
            raise serializers.ValidationError(
                {field: ["This field cannot be changed here."] for field in sorted(unknown)}
            )
        data = self.Input(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        user = user_update_profile(
            user=request.user, data=data.validated_data, ip_address=client_ip(request), now=timezone.now()
        )
        return Response(UserOutput(user).data)


class PasswordResetApi(AuthApi):
    throttle_scope = "otp"

    class Input(serializers.Serializer):
        email = serializers.EmailField()

    @extend_schema(
        request=Input,
        responses={202: OpenApiResponse(description="A link and a code are e-mailed if the account exists")},
    )
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        password_reset_request(email=data.validated_data["email"], now=timezone.now())
        return Response(status=status.HTTP_202_ACCEPTED)


class PasswordResetConfirmApi(AuthApi):
    throttle_scope = "otp"

    class Input(serializers.Serializer):
        email = serializers.EmailField()
        code = serializers.RegexField(r"^\s*\d{6}\s*$", error_messages={"invalid": "Enter the 6-digit code."})
        new_password = serializers.CharField(trim_whitespace=False, max_length=128)

    @extend_schema(request=Input, responses={204: None}, summary="Set a new password with the e-mailed code")
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            password_reset_with_code(
                email=values["email"],
                code=values["code"],
                password=values["new_password"],
                ip_address=client_ip(request),
                now=timezone.now(),
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": exc.messages}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)


class PasswordChangeApi(APIView):
    permission_classes = [IsAuthenticated]

    class Input(serializers.Serializer):
        old_password = serializers.CharField(trim_whitespace=False, max_length=128)
        new_password = serializers.CharField(trim_whitespace=False, max_length=128)

    @extend_schema(request=Input, responses={204: None}, summary="Change my password; every token is revoked")
    def post(self, request):
        data = self.Input(data=request.data)
        data.is_valid(raise_exception=True)
        if not request.user.check_password(data.validated_data["old_password"]):
            raise serializers.ValidationError({"old_password": ["The password is not correct."]})
        try:
            password_set(
                user=request.user,
                password=data.validated_data["new_password"],
                ip_address=client_ip(request),
                now=timezone.now(),
                reason="changed",
            )
        except DjangoValidationError as exc:
            raise serializers.ValidationError({"new_password": exc.messages}) from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
