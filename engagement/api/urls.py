from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("notices", views.NoticeViewSet, basename="engagement-notice")
router.register("department-reports", views.ReportRequestViewSet, basename="engagement-report")
router.register("topics", views.TopicViewSet, basename="engagement-topic")
router.register("invitations", views.InvitationViewSet, basename="engagement-invitation")
router.register("visits", views.VisitViewSet, basename="engagement-visit")
router.register("consultations", views.ConsultationViewSet, basename="engagement-consultation")
router.register("special-reports", views.SpecialReportViewSet, basename="engagement-special-report")
urlpatterns = router.urls
