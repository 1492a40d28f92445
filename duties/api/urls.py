from rest_framework.routers import DefaultRouter

from . import views

router = DefaultRouter()
router.register("duty-records", views.DutyRecordViewSet, basename="duty-record")
router.register("meeting-attendance", views.MeetingAttendanceViewSet, basename="meeting-attendance")
router.register("voter-reports", views.VoterReportViewSet, basename="voter-report")
router.register("assessment-rules", views.AssessmentRuleSetViewSet, basename="assessment-rule")
router.register("scores", views.ScoreViewSet, basename="score")
router.register("interviews", views.InterviewViewSet, basename="interview")
urlpatterns = router.urls
