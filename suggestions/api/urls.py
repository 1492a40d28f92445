from rest_framework.routers import DefaultRouter

from .views import AssignmentViewSet, AttachmentViewSet, SuggestionViewSet

router = DefaultRouter()
router.register("suggestions", SuggestionViewSet, basename="suggestion")
router.register("assignments", AssignmentViewSet, basename="assignment")
router.register("attachments", AttachmentViewSet, basename="suggestion-attachment")
urlpatterns = router.urls
