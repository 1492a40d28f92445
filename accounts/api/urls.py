from django.urls import path
from rest_framework.routers import DefaultRouter

from .views import TokenView, UserViewSet

router = DefaultRouter()
router.register("users", UserViewSet, basename="user")
urlpatterns = [path("auth/token/", TokenView.as_view(), name="api-token"), *router.urls]
